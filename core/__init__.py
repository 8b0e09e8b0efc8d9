"""Core: domain model, settings, database, job queue, pipeline and CLI wiring."""
