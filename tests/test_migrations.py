"""The migration history agrees with the models, upgrades old files safely, refuses new ones."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import db.models  # noqa: F401
from app.storage.database import open_database
from db.base import Base
from db.engine import make_engine, sqlite_url
from db.errors import DatabaseTooNewError, NotSqliteError, NotWuzhaDatabaseError
from db.household_index import include_name
from db.schema import HEAD_REVISION, alembic_config, current_revision, upgrade


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_head_constant_matches_the_history():
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [HEAD_REVISION]


def test_models_and_migrations_agree(tmp_path):
    url = sqlite_url(tmp_path / "a.sqlite")
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": include_name}
            ),
            Base.metadata,
        )
    engine.dispose()
    assert diff == []


def _first_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    return list(script.walk_revisions())[-1].revision


def test_old_database_is_upgraded_with_a_backup(tmp_path):
    path = tmp_path / "old.sqlite"
    first = _first_revision()
    assert first != HEAD_REVISION
    upgrade(sqlite_url(path), first)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO unit (id, uuid, created_at, updated_at, name, kind, is_member, sort_order)"
            " VALUES (1, 'u-1', '2024-01-01', '2024-01-01', '白鹤村', 'village', 1, 0)"
        )
        conn.execute(
            "INSERT INTO household (id, uuid, created_at, updated_at, village_id, address,"
            " head_name, size) VALUES (1, 'h-1', '2024-01-01', '2024-01-01', 1, '白鹤村3组15号',"
            " '王喆', 3)"
        )
    assert current_revision(sqlite_url(path)) == first

    database = open_database(path)
    try:
        assert database.backup_made is not None and database.backup_made.exists()
        assert current_revision(database.url) == HEAD_REVISION
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT head_name FROM household").scalar() == "王喆"
            assert conn.exec_driver_sql("SELECT count(*) FROM fraud_type").scalar() == 10
    finally:
        database.close()
    # the backup is the file as it was: old revision, same data
    assert current_revision(sqlite_url(database.backup_made)) == first
    with sqlite3.connect(database.backup_made) as conn:
        assert conn.execute("SELECT head_name FROM household").fetchone() == ("王喆",)


def test_database_at_head_is_opened_without_backup(tmp_path):
    path = tmp_path / "new.sqlite"
    open_database(path).close()
    database = open_database(path)
    database.close()
    assert database.backup_made is None
    assert not (tmp_path / "backups").exists()


def test_newer_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "future.sqlite"
    open_database(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _digest(path)
    with pytest.raises(DatabaseTooNewError) as raised:
        open_database(path)
    assert "更新版本" in str(raised.value)
    assert _digest(path) == before
    assert not (tmp_path / "backups").exists()


def test_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("这是一份会议记录，不是数据库。", encoding="utf-8")
    before = _digest(path)
    with pytest.raises(NotSqliteError):
        open_database(path)
    assert _digest(path) == before


def test_sqlite_file_of_another_program_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    before = _digest(path)
    with pytest.raises(NotWuzhaDatabaseError):
        open_database(path)
    assert _digest(path) == before
