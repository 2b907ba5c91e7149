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


AUTO_PREFIX = "自动备份"


def auto_backup(
    db_path: Path, folder: Path, keep: int = 7, every_hours: int = 20, now: datetime | None = None
) -> Path | None:
    """Make the daily automatic backup if the newest one is older than `every_hours`.

    Keeps the `keep` newest automatic backups in `folder` and removes older ones (never a
    backup the clerk made by hand). Returns the new file, or None when none was due.
    """
    now = now or datetime.now()
    folder.mkdir(parents=True, exist_ok=True)
    pattern = f"{db_path.stem}-{AUTO_PREFIX}-*.sqlite"
    existing = sorted(folder.glob(pattern))  # the timestamp in the name sorts by time
    if existing:
        newest = datetime.strptime(existing[-1].stem[-15:], "%Y%m%d-%H%M%S")
        if (now - newest).total_seconds() < every_hours * 3600:
            return None
    name = f"{db_path.stem}-{AUTO_PREFIX}-{now:%Y%m%d-%H%M%S}.sqlite"
    target = backup_copy(db_path, folder / name)
    for old in sorted(folder.glob(pattern))[:-keep]:
        old.unlink()
    return target
