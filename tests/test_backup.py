"""Backups: by hand to a folder, and the daily automatic one that keeps the last seven."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from app.org.units import UnitService
from app.storage.backup import auto_backup, backup_database
from app.storage.database import open_database


def _units_in(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM unit").fetchone()[0]


def test_backup_of_a_live_database_holds_its_data(tmp_path):
    database = open_database(tmp_path / "live.sqlite")
    try:
        UnitService(database.engine).create({"name": "平安办", "kind": "institution"})
        copy = backup_database(database.path, tmp_path)
    finally:
        database.close()
    assert "备份" in copy.name and _units_in(copy) == 1


def test_automatic_backup_once_a_day_keeping_seven(tmp_path):
    database = open_database(tmp_path / "wuzha.sqlite")
    database.close()
    folder = tmp_path / "backups"
    start = datetime(2026, 11, 1, 8, 0)
    made = []
    for day in range(10):
        now = start + timedelta(days=day)
        made.append(auto_backup(database.path, folder, now=now))
        assert auto_backup(database.path, folder, now=now + timedelta(hours=3)) is None
    assert all(made)
    (folder / "wuzha-备份-手工.sqlite").write_bytes(b"")  # made by hand: never pruned
    auto_backup(database.path, folder, now=start + timedelta(days=11))
    automatic = sorted(p.name for p in folder.glob("*自动备份*"))
    assert len(automatic) == 7
    assert automatic[-1] == "wuzha-自动备份-20261112-080000.sqlite"
    assert (folder / "wuzha-备份-手工.sqlite").exists()
    assert _units_in(folder / automatic[0]) == 0
