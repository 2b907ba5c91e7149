"""Opening the program's database: choose it, lock it, migrate it, and hand out the engine."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from app.core.paths import default_database_path
from db import household_index
from db.checkpoints import Checkpointer, without_autocheckpoint
from db.engine import database_url, make_engine
from db.schema import prepare_database, sqlite_path
from db.sqlite_file import DatabaseLock, check_file

log = logging.getLogger(__name__)


@dataclass
class Database:
    """An open database: its URL, file (for SQLite), engine, and the lock this copy holds."""

    url: str
    path: Path | None
    engine: Engine
    lock: DatabaseLock | None
    backup_made: Path | None = None
    checkpointer: Checkpointer | None = None

    @property
    def display_name(self) -> str:
        """The path shown in the title and status bar (a server URL without its password)."""
        if self.path is not None:
            return str(self.path)
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Refresh the planner's statistics if the data has grown, dispose of the engine's
        connections and release the lock."""
        try:
            with self.engine.begin() as conn:
                household_index.refresh_statistics(conn)
        except Exception:  # closing must not fail: the statistics only make searches quicker
            log.warning("could not refresh the query statistics", exc_info=True)
        if self.checkpointer is not None:
            self.checkpointer.stop()
            self.checkpointer = None
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def resolve_url(db_path: Path | None) -> str:
    """`--db` first, then WUZHA_DATABASE_URL, then the default file in the user data folder."""
    return database_url(db_path, default_database_path())


def open_database(
    db_path: Path | None = None,
    url: str | None = None,
    lock: bool = True,
    background_checkpoints: bool = False,
) -> Database:
    """Open (creating it if needed) and migrate the database; raise `DatabaseOpenError` if not.

    The lock is taken before any migration, so two copies of the program never upgrade the
    same file at once; a file that is refused is never written. `background_checkpoints`
    (the window): the WAL is checkpointed by a thread, never inside a clerk's save.
    """
    url = url or resolve_url(db_path)
    path = sqlite_path(url)
    db_lock = None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        check_file(path)
        if lock:
            db_lock = DatabaseLock(path)
            db_lock.acquire()
    try:
        backup = prepare_database(url)
        engine = make_engine(url)
    except BaseException:
        if db_lock is not None:
            db_lock.release()
        raise
    if backup is not None:
        log.info("upgrade backup written to %s", backup)
    checkpointer = None
    if background_checkpoints and path is not None:
        without_autocheckpoint(engine)
        checkpointer = Checkpointer(path)
        checkpointer.start()
    return Database(url, path, engine, db_lock, backup, checkpointer)
