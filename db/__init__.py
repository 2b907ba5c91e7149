"""Database layer: SQLAlchemy models, the engine and sessions, and schema versioning."""
