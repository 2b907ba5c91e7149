"""The laptop's side: open a check-out package as its database, and pack the return.

A laptop's database is an ordinary database of the program (the same windows and commands work
on it) that carries the package's identity in its settings: that is what "field mode" is. It
holds only the grids checked out, so every register shows only those.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from app.field import container
from app.field.checkout import PACKAGE_KEY, snapshot
from db.engine import sqlite_url
from db.models import Setting
from db.schema import HEAD_REVISION, known_revisions, prepare_database, sqlite_path


@dataclass(frozen=True)
class FieldInfo:
    """What a laptop's database says about its package."""

    package_id: str
    township_name: str
    grids: tuple[str, ...]
    checked_out_at: str

    @property
    def notice(self) -> str:
        """The line the main window shows in field mode."""
        return (
            f"外勤模式：本数据库只含 {'、'.join(self.grids)} 的住户（{self.checked_out_at[:10]} "
            "从办公室带出）。回到办公室前请用 wuzha field return 生成返回包。"
        )


def _info_value(engine: Engine) -> dict | None:
    with engine.connect() as conn:
        value = conn.scalar(select(Setting.value).where(Setting.key == PACKAGE_KEY))
    return json.loads(value) if value else None


def field_info(engine: Engine) -> FieldInfo | None:
    """The package this database was opened from; None at the office."""
    info = _info_value(engine)
    if info is None:
        return None
    return FieldInfo(
        info["package_id"], info.get("township_name") or "",
        tuple(g["label"] for g in info["grids"]), info["checked_out_at"],
    )  # fmt: skip


def check_revision(header: dict) -> None:
    """Refuse a package written by a newer program (a schema this one does not know)."""
    revision = header.get("schema_revision")
    if revision != HEAD_REVISION and revision not in known_revisions():
        raise container.FieldPackageError(
            f"外勤包由较新版本的程序生成（数据库版本 {revision}），请先升级本程序，未导入任何内容"
        )


def open_package(package: Path, database: Path, passphrase: str) -> FieldInfo:
    """Make `database` (a new file) the laptop's database of this check-out package."""
    database = Path(database)
    if database.exists() and database.stat().st_size > 0:
        raise container.FieldPackageError(
            f"“{database}”已存在：请指定一个新文件作为外勤数据库，原有文件不会被覆盖"
        )
    header = container.read_header(package)
    if header.get("kind") != "checkout":
        raise container.FieldPackageError(
            "这是笔记本交回的返回包，应在办公室用 wuzha field import 导入"
        )
    check_revision(header)
    opened = container.read_package(package, passphrase, None)
    database.parent.mkdir(parents=True, exist_ok=True)
    temporary = database.with_name(database.name + ".part")
    temporary.write_bytes(opened.database)
    temporary.replace(database)
    prepare_database(sqlite_url(database))  # a package from an older program is brought up
    from db.engine import make_engine

    engine = make_engine(sqlite_url(database))
    try:
        info = field_info(engine)
    finally:
        engine.dispose()
    if info is None or info.package_id != header.get("package_id"):
        raise container.FieldPackageError("外勤包内容与文件头不符，已损坏")
    return info


def pack_return(engine: Engine, out: Path, passphrase: str) -> int:
    """Write the laptop's whole database as the return package; returns its size in bytes."""
    info = _info_value(engine)
    if info is None:
        raise container.FieldPackageError(
            "这不是外勤笔记本上的数据库（没有带出的外勤包），不能生成返回包"
        )
    path = sqlite_path(str(engine.url))
    if path is None:
        raise container.FieldPackageError("外勤数据库必须是本机文件")
    with tempfile.TemporaryDirectory(prefix="wuzha-field-") as folder:
        database = snapshot(path, Path(folder) / "return.sqlite")
    from db.base import utcnow

    header = {
        "kind": "return", "package_id": info["package_id"], "township_id": info["township_id"],
        "township_name": info.get("township_name") or "", "schema_revision": HEAD_REVISION,
        "created_at": utcnow().isoformat(timespec="seconds"),
        "grids": [g["label"] for g in info["grids"]],
    }  # fmt: skip
    return container.write_package(
        Path(out), header, database, passphrase, bytes.fromhex(info["return_key"])
    )
