"""Check-out: write the field package of one or more grids at the office.

The package's database is a new file at the program's schema holding those grids' households,
residents, letters and visits (live ones), their villages and grids, the people those records
name (names and posts only), the letter templates, fraud types and settings needed to work —
and nothing else of the township. It also holds the package's identity and the check-out values
of every record it carries, so that check-in can tell who changed what since.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import secrets
import sqlite3
import tempfile
import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

from app.core import audit
from app.field import container, identity, tables
from db.base import Base, utcnow
from db.engine import make_engine, sqlite_url, unit_of_work
from db.household_index import FTS_TABLE
from db.models import Grid, Household, Setting, Unit
from db.schema import HEAD_REVISION, sqlite_path

log = logging.getLogger(__name__)

PACKAGE_KEY = "field_package"
BASELINE_KEY = "field_baseline"
CHECKOUT_PREFIX = "field_checkout:"
PREFIX_KEY = "letter_number_prefix"
FTS_SHADOW_TABLES = frozenset(f"{FTS_TABLE}_{p}" for p in ("data", "idx", "docsize", "config"))


@dataclass(frozen=True)
class GridChoice:
    """A grid chosen for check-out."""

    id: int
    uuid: str
    name: str
    village: str

    @property
    def label(self) -> str:
        """`白鹤村/第一网格`."""
        return f"{self.village}/{self.name}"


@dataclass(frozen=True)
class CheckoutResult:
    """What a check-out wrote."""

    package_id: str
    path: Path
    size: int
    grids: tuple[str, ...]
    counts: dict[str, int]


def grid_choices(engine: Engine) -> list[tuple[str, int]]:
    """Every live grid as `村居/网格`, with its number of live households, to choose from."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Unit.name, Grid.name, func.count(Household.id))
            .join(Grid, Grid.village_id == Unit.id)
            .outerjoin(Household, (Household.grid_id == Grid.id) & Household.deleted_at.is_(None))
            .where(Grid.deleted_at.is_(None))
            .group_by(Grid.id)
            .order_by(Unit.sort_order, Unit.id, Grid.sort_order, Grid.id)
        ).all()
    return [(f"{village}/{grid}", count) for village, grid, count in rows]


def find_grids(engine: Engine, wanted: Sequence[str]) -> list[GridChoice]:
    """The grids named `村居/网格`, by code, or by a name only one village uses.

    Raises `FieldPackageError` naming the grid that is unknown or ambiguous.
    """
    with engine.connect() as conn:
        rows = conn.execute(
            select(Grid.id, Grid.uuid, Grid.name, Grid.code, Unit.name.label("village"))
            .join(Unit, Unit.id == Grid.village_id)
            .where(Grid.deleted_at.is_(None))
        ).all()
    chosen: dict[int, GridChoice] = {}
    for text in wanted:
        text = text.strip()
        matches = [
            r for r in rows
            if text in (f"{r.village}/{r.name}", r.code, r.name) and text
        ]  # fmt: skip
        exact = [r for r in matches if text in (f"{r.village}/{r.name}", r.code)]
        matches = exact or matches
        if not matches:
            raise container.FieldPackageError(
                f"没有名为“{text}”的网格（可写“村居/网格”或网格编码）"
            )
        if len(matches) > 1:
            names = "、".join(f"{r.village}/{r.name}" for r in matches)
            raise container.FieldPackageError(f"“{text}”有多个网格（{names}），请写成“村居/网格”")
        r = matches[0]
        chosen[r.id] = GridChoice(r.id, r.uuid, r.name, r.village)
    if not chosen:
        raise container.FieldPackageError("请至少选择一个网格")
    return list(chosen.values())


def _columns(name: str, overrides: dict[str, str] | None = None) -> tuple[str, str]:
    """The column list of an INSERT … SELECT, and the SELECT's expressions."""
    overrides = overrides or {}
    names = [c.name for c in Base.metadata.tables[name].columns]
    return ", ".join(names), ", ".join(overrides.get(n, f"o.{n}") for n in names)


def _copy(conn: sqlite3.Connection, table: str, where: str, overrides=None) -> int:
    into, expressions = _columns(table, overrides)
    # the migrations seed some tables (the fraud types): the office's rows replace those
    cursor = conn.execute(
        f"INSERT OR REPLACE INTO main.{table} ({into}) SELECT {expressions} FROM office.{table} o "
        f"WHERE {where}"
    )
    return cursor.rowcount


def _create_schema(conn: sqlite3.Connection) -> None:
    """The office's own schema (it is at the program's revision): tables, the search index,
    indexes and triggers, as the migrations made them, without running Alembic (2 s)."""
    revision = conn.execute("SELECT version_num FROM office.alembic_version").fetchone()
    if revision is None or revision[0] != HEAD_REVISION:
        raise container.FieldPackageError("数据库版本与本程序不一致，请先用本程序打开以升级")
    rows = conn.execute(
        "SELECT type, name, sql FROM office.sqlite_master "
        "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    order = {"table": 0, "index": 1, "view": 2, "trigger": 3}
    for _kind, name, sql in sorted(rows, key=lambda r: order.get(r[0], 4)):
        if name not in FTS_SHADOW_TABLES:  # made by their virtual table
            conn.execute(sql)
    conn.execute("INSERT INTO main.alembic_version SELECT * FROM office.alembic_version")


def _fill(field_path: Path, office_path: Path, grid_ids: Sequence[int]) -> dict[str, int]:
    """Make the new file and copy the grids' records from the office file into it (ids kept)."""
    grids = ",".join(str(int(i)) for i in grid_ids)
    conn = sqlite3.connect(field_path, isolation_level=None)
    conn.execute("ATTACH DATABASE ? AS office", (str(office_path),))
    counts: dict[str, int] = {}
    try:
        conn.execute("BEGIN")
        _create_schema(conn)
        households = (
            f"SELECT id FROM office.household WHERE grid_id IN ({grids}) AND deleted_at IS NULL"
        )
        counts["unit"] = _copy(
            conn, "unit",
            f"o.id IN (SELECT village_id FROM office.grid WHERE id IN ({grids})) "
            f"OR o.id IN (SELECT village_id FROM office.household WHERE id IN ({households}))",
        )  # fmt: skip
        people = (
            f"SELECT grid_worker_id FROM office.grid WHERE id IN ({grids}) "
            f"UNION SELECT police_officer_id FROM office.grid WHERE id IN ({grids}) "
            f"UNION SELECT grid_worker_id FROM office.visit WHERE household_id IN ({households}) "
            "UNION SELECT police_officer_id FROM office.visit "
            f"WHERE household_id IN ({households}) "
            f"UNION SELECT delivered_by_id FROM office.letter WHERE household_id IN ({households})"
        )
        # the laptop needs a visitor's name and post, not their ID number or phone
        counts["person"] = _copy(
            conn, "person", f"o.id IN ({people})",
            {"id_number": "NULL", "mobile": "NULL",
             "unit_id": "CASE WHEN o.unit_id IN (SELECT id FROM main.unit) THEN o.unit_id END"},
        )  # fmt: skip
        counts["grid"] = _copy(conn, "grid", f"o.id IN ({grids})")
        counts["fraud_type"] = _copy(conn, "fraud_type", "1")
        counts["letter_template"] = _copy(conn, "letter_template", "1")
        counts["household"] = _copy(conn, "household", f"o.id IN ({households})")
        counts["visit"] = _copy(
            conn,
            "visit",
            "o.household_id IN (SELECT id FROM main.household) AND o.deleted_at IS NULL",
        )
        counts["resident"] = _copy(
            conn, "resident",
            "o.household_id IN (SELECT id FROM main.household) AND o.deleted_at IS NULL",
            {"app_installed_visit_id":
             "CASE WHEN o.app_installed_visit_id IN (SELECT id FROM main.visit) "
             "THEN o.app_installed_visit_id END"},
        )  # fmt: skip
        # scans and photos stay at the office: the package is for working, not for archive
        counts["letter"] = _copy(
            conn, "letter",
            "o.household_id IN (SELECT id FROM main.household) AND o.deleted_at IS NULL",
            {"scan_attachment_id": "NULL",
             "visit_id": "CASE WHEN o.visit_id IN (SELECT id FROM main.visit) THEN o.visit_id END"},
        )  # fmt: skip
        secret = ",".join(f"'{k}'" for k in identity.OFFICE_ONLY_SETTINGS)
        conn.execute(
            "INSERT OR REPLACE INTO main.setting (key, value, updated_at) "
            f"SELECT key, value, updated_at FROM office.setting WHERE key NOT IN ({secret}) "
            f"AND key NOT LIKE '{CHECKOUT_PREFIX}%'"
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("DETACH DATABASE office")
        conn.close()
    return counts


def _encode_baseline(baseline: dict) -> str:
    return base64.b64encode(gzip.compress(json.dumps(baseline).encode("utf-8"), 1)).decode()


def decode_baseline(text: str) -> dict:
    """The check-out values stored in a laptop's database."""
    return json.loads(gzip.decompress(base64.b64decode(text)))


def _finish(field_path: Path, info: dict, office_prefix: str | None) -> None:
    """Store the package identity, a letter prefix of its own and the check-out values."""
    engine = make_engine(sqlite_url(field_path))
    try:
        with unit_of_work(engine) as session:
            prefix = office_prefix
            while prefix == office_prefix:
                prefix = secrets.token_hex(2).upper()
            session.merge(Setting(key=PREFIX_KEY, value=prefix))
            session.merge(Setting(key=PACKAGE_KEY, value=json.dumps(info, ensure_ascii=False)))
            with_baseline = tables.baseline_of(session.connection())
            session.merge(Setting(key=BASELINE_KEY, value=_encode_baseline(with_baseline)))
    finally:
        engine.dispose()


def snapshot(path: Path, into: Path) -> bytes:
    """One consistent, compact copy of a SQLite file (its WAL included), as bytes."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("VACUUM INTO ?", (str(into),))
    finally:
        conn.close()
    return into.read_bytes()


def export_package(
    engine: Engine,
    grids: Sequence[str],
    out: Path,
    passphrase: str,
    user: str | None = None,
) -> CheckoutResult:
    """Write the field package of these grids to `out`; records the check-out at the office."""
    container.check_passphrase(passphrase)
    office_path = sqlite_path(str(engine.url))
    if office_path is None:
        raise container.FieldPackageError("外勤包只能从本机数据库文件导出")
    with unit_of_work(engine, user) as session:
        if session.get(Setting, PACKAGE_KEY) is not None:
            raise container.FieldPackageError("这是外勤笔记本上的数据库，不能再导出外勤包")
        township = identity.township(session, create=True)
        prefix_row = session.get(Setting, PREFIX_KEY)
        office_prefix = prefix_row.value if prefix_row else None
    chosen = find_grids(engine, grids)
    package_id = str(uuidlib.uuid4())
    checked_out_at = utcnow().isoformat(timespec="seconds")
    info = {
        "package_id": package_id, "township_id": township.id, "township_name": township.name,
        "grids": [{"uuid": g.uuid, "label": g.label} for g in chosen],
        "checked_out_at": checked_out_at,
        "return_key": identity.return_key(township.key, package_id).hex(),
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="wuzha-field-") as folder:
        field_path = Path(folder) / "field.sqlite"
        counts = _fill(field_path, office_path, [g.id for g in chosen])
        _finish(field_path, info, office_prefix)
        database = snapshot(field_path, Path(folder) / "packed.sqlite")
    header = {
        "kind": "checkout", "package_id": package_id, "township_id": township.id,
        "township_name": township.name, "schema_revision": HEAD_REVISION,
        "created_at": checked_out_at, "grids": [g.label for g in chosen],
    }  # fmt: skip
    size = container.write_package(Path(out), header, database, passphrase, township.key)
    with unit_of_work(engine, user) as session:
        session.add(
            Setting(
                key=CHECKOUT_PREFIX + package_id,
                value=json.dumps(
                    {"grids": [g.label for g in chosen], "at": checked_out_at, "by": user},
                    ensure_ascii=False,
                ),
            )
        )
        for grid in chosen:
            audit.record(session, "export", "grid", grid.uuid, f"外勤包 {package_id}")
    log.info("field package %s written: %d grids, %d bytes", package_id, len(chosen), size)
    return CheckoutResult(package_id, Path(out), size, tuple(g.label for g in chosen), counts)
