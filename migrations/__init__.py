"""Alembic migration history of the 无诈台账 database (one history, `versions/`)."""
