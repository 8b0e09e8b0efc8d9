"""healthpulse — healthcare media monitoring and citizen appeals for health authorities."""

__version__ = "0.1.0"
