"""Engine creation and the one-session-per-unit-of-work helper."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

DATABASE_URL_ENV = "WUZHA_DATABASE_URL"
BUSY_TIMEOUT_MS = 5000


def sqlite_url(path: Path) -> str:
    """Return the SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path).resolve()}"


def database_url(db_path: Path | None, default_path: Path) -> str:
    """Choose the database: `--db PATH` first, then `WUZHA_DATABASE_URL`, then the default file."""
    if db_path is not None:
        return sqlite_url(db_path)
    env_url = os.environ.get(DATABASE_URL_ENV)
    if env_url:
        return env_url
    return sqlite_url(default_path)


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    # Autocommit off in the driver lets SQLAlchemy issue BEGIN itself (see SQLAlchemy's
    # "Serializable isolation / Savepoints / Transactional DDL" recipe for pysqlite).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite connections get WAL, foreign keys and a busy timeout."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _stamp_changed_by(session: Session, _context, _instances) -> None:
    user = session.info.get("user")
    for obj in (*session.new, *session.dirty):
        if hasattr(obj, "changed_by"):
            obj.changed_by = user


@contextmanager
def unit_of_work(engine: Engine, user: str | None = None) -> Iterator[Session]:
    """Open one session and one transaction; commit on success, roll back on any exception.

    Objects stay usable after the block (`expire_on_commit=False`) but are detached:
    no widget ever holds a session.
    """
    with Session(engine, expire_on_commit=False, info={"user": user}) as session:
        event.listen(session, "before_flush", _stamp_changed_by)
        with session.begin():
            yield session
