"""The window's database is checkpointed by a thread, never inside a clerk's save."""

from __future__ import annotations

from app.storage.database import open_database
from db.engine import unit_of_work
from db.models import AuditLog


def autocheckpoint(database) -> int:
    with database.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()


def test_the_window_checkpoints_in_the_background(tmp_path):
    database = open_database(tmp_path / "台账.sqlite", background_checkpoints=True)
    try:
        assert autocheckpoint(database) == 0
        checkpointer = database.checkpointer
        assert checkpointer is not None and checkpointer._thread.is_alive()
        assert checkpointer.checkpoint() is None or checkpointer.checkpoint()[0] == 0
        with unit_of_work(database.engine) as s:
            s.add_all(AuditLog(action="update", detail="x" * 900) for _ in range(3000))
        busy, frames, done = checkpointer.checkpoint()
        assert busy == 0 and frames > 250 and done == frames
    finally:
        database.close()
    assert database.checkpointer is None and not checkpointer._thread.is_alive()


def test_the_command_line_keeps_sqlites_own_checkpoints(tmp_path):
    database = open_database(tmp_path / "台账.sqlite")
    try:
        assert autocheckpoint(database) == 1000 and database.checkpointer is None
    finally:
        database.close()
