"""Opening a database: read-only and locked files get a clear message and stay untouched."""

from __future__ import annotations

import sqlite3

import pytest

from app.storage.database import open_database
from db.errors import DatabaseLockedError, ReadOnlyDatabaseError
from db.sqlite_file import DatabaseLock


def test_new_file_is_created_with_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "sub" / "wuzha.sqlite"
    database = open_database(path)
    try:
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        database.close()


def test_read_only_file_is_refused(tmp_path):
    path = tmp_path / "ro.sqlite"
    open_database(path).close()
    path.chmod(0o444)
    try:
        with pytest.raises(ReadOnlyDatabaseError) as raised:
            open_database(path)
        assert "只读" in str(raised.value)
    finally:
        path.chmod(0o644)


def test_second_copy_of_the_program_is_refused(tmp_path):
    path = tmp_path / "shared.sqlite"
    first = open_database(path)
    try:
        with pytest.raises(DatabaseLockedError) as raised:
            open_database(path)
        assert "另一个" in str(raised.value)
    finally:
        first.close()
    # once the first copy is closed the file opens again
    open_database(path).close()


def test_lock_is_released_when_opening_fails(tmp_path):
    path = tmp_path / "x.sqlite"
    open_database(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'zzz'")
    with pytest.raises(Exception):  # noqa: B017 - too new; the point is the lock afterwards
        open_database(path)
    with DatabaseLock(path):
        pass
