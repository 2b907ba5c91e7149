"""Checks, locks and copies of a SQLite database file, done before SQLAlchemy touches it."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path
from typing import IO

from db.errors import DatabaseLockedError, NotSqliteError, ReadOnlyDatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"


def check_file(path: Path) -> None:
    """Refuse a file that is not SQLite or cannot be written, before anything writes to it.

    A missing file is fine (it will be created) as long as its folder is writable.
    """
    path = Path(path)
    if path.exists():
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
        # An empty file is what some tools create as a placeholder: SQLite accepts it.
        if header and header != SQLITE_HEADER:
            raise NotSqliteError(path)
        # The write bits count even for root: a file marked read-only is meant to stay as it is.
        no_write_bits = not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        if no_write_bits or not os.access(path, os.W_OK):
            raise ReadOnlyDatabaseError(path)
    folder = path.parent if path.parent != Path("") else Path(".")
    if not os.access(folder, os.W_OK):
        raise ReadOnlyDatabaseError(path)


def backup_copy(source: Path, destination: Path) -> Path:
    """Copy a live SQLite database consistently (the online backup API, WAL included)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return destination


class DatabaseLock:
    """An exclusive lock on `<database>.lock`, held while one copy of the program uses it.

    The operating system drops the lock when the process ends, so a crash leaves nothing stale.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.lock_path = self.db_path.with_name(self.db_path.name + ".lock")
        self._file: IO[bytes] | None = None

    def acquire(self) -> None:
        """Take the lock or raise `DatabaseLockedError` at once."""
        f = self.lock_path.open("a+b")
        try:
            if sys.platform == "win32":
                import msvcrt

                f.seek(0)
                msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            f.close()
            raise DatabaseLockedError(self.db_path) from exc
        self._file = f

    def release(self) -> None:
        """Release the lock (closing the file releases it on every platform)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> DatabaseLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
