"""Backups made by the clerk (文件 → 备份数据库, or `wuzha backup`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from db.sqlite_file import backup_copy


def default_backup_name(db_path: Path, now: datetime | None = None) -> str:
    """`wuzha-备份-20261123-101500.sqlite`: sorts by time and says what it is."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"{db_path.stem}-备份-{stamp}.sqlite"


def backup_database(db_path: Path, destination: Path) -> Path:
    """Write a consistent copy of the live database; a folder gets a timestamped file name."""
    if destination.is_dir():
        destination = destination / default_backup_name(db_path)
    if destination.resolve() == db_path.resolve():
        raise ValueError("备份文件不能与数据库文件相同")
    return backup_copy(db_path, destination)
