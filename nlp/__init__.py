"""Multilingual healthcare NLP: one module per component, composed by analyzer.py."""
