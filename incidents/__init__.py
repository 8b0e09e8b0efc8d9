"""Incidents: documents of every channel and language that report one event, merged at ingest (issue 20)."""
