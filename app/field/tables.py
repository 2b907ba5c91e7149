"""What a field package carries back, and how one record is compared across two databases.

Integer keys differ between the office and a laptop (a record made in the field gets whatever
id the laptop had free), so records are matched by `uuid` and every reference to another
record is read as that record's uuid. A record's values in this form (`normalised`) can be
stored as JSON (the check-out values the package carries) and compared with either side.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.sql.elements import ColumnElement

from db.base import Base
from db.household_index import DERIVED_COLUMNS

# Kept by the program itself on each side; never compared, never copied across.
BOOKKEEPING = frozenset({"id", "uuid", "created_at", "updated_at", "changed_by"})
CHUNK = 500


@dataclass(frozen=True)
class SyncedTable:
    """A table whose records a laptop may add or change, and what its references point at."""

    name: str
    noun: str
    refs: dict[str, str]
    # columns the office recomputes itself (the household's last visit, the trigger columns)
    derived: frozenset[str] = frozenset()
    # large columns read only when a record is added (an attachment's file)
    heavy: frozenset[str] = frozenset()

    @property
    def table(self) -> Table:
        """The mapped table."""
        return Base.metadata.tables[self.name]

    @property
    def compared(self) -> tuple[str, ...]:
        """The columns compared and written, references included (as uuids)."""
        return _compared(self.name)


# In the order records are added, so that a new record's references are added before it.
SYNCED: tuple[SyncedTable, ...] = (
    SyncedTable(
        "household", "住户", {"village_id": "unit", "grid_id": "grid"},
        derived=frozenset({"last_visited_on", *DERIVED_COLUMNS}),
    ),
    SyncedTable(
        "visit", "走访记录",
        {"household_id": "household", "grid_id": "grid", "grid_worker_id": "person",
         "police_officer_id": "person"},
    ),
    SyncedTable(
        "resident", "居民", {"household_id": "household", "app_installed_visit_id": "visit"}
    ),
    SyncedTable("attachment", "附件", {}, heavy=frozenset({"content"})),
    SyncedTable(
        "letter", "文书",
        {"household_id": "household", "employee_id": "employee",
         "template_id": "letter_template", "delivered_by_id": "person",
         "scan_attachment_id": "attachment", "visit_id": "visit"},
    ),
)  # fmt: skip
BY_NAME = {t.name: t for t in SYNCED}


@cache
def _compared(name: str) -> tuple[str, ...]:
    spec = BY_NAME[name]
    return tuple(
        c.name for c in spec.table.columns
        if c.name not in BOOKKEEPING | spec.derived | spec.heavy
    )  # fmt: skip


@dataclass
class Record:
    """One record as read for comparing: its local id and its values, references as uuids."""

    id: int
    uuid: str
    values: dict[str, Any]
    created_at: datetime | None = None
    changed_by: str | None = None


def normalise(value: Any) -> Any:
    """A value as JSON keeps it and both databases compare it: dates as ISO text, bytes as a
    SHA-256 (a signature is compared, not carried twice)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    return value


def normalised(values: dict[str, Any]) -> dict[str, Any]:
    """Every value of a record normalised."""
    return {key: normalise(value) for key, value in values.items()}


def _select(spec: SyncedTable):
    table = spec.table
    columns: list[ColumnElement] = [
        table.c.id,
        table.c.uuid,
        table.c.created_at,
        table.c.changed_by,
    ]
    joined = table
    for name in spec.compared:
        if name in spec.refs:
            target = Base.metadata.tables[spec.refs[name]].alias(f"ref_{name}")
            joined = joined.outerjoin(target, target.c.id == table.c[name])
            columns.append(target.c.uuid.label(name))
        else:
            columns.append(table.c[name])
    return select(*columns).select_from(joined)


def _records(rows: Iterable[Any], spec: SyncedTable) -> Iterator[Record]:
    for row in rows:
        m = row._mapping
        values = {name: m[name] for name in spec.compared}
        yield Record(m["id"], m["uuid"], values, m["created_at"], m["changed_by"])


def read_all(conn: Connection, spec: SyncedTable) -> dict[str, Record]:
    """Every record of the table (a laptop's database is small), by uuid."""
    return {r.uuid: r for r in _records(conn.execute(_select(spec)), spec)}


def read_by_uuid(conn: Connection, spec: SyncedTable, uuids: Sequence[str]) -> dict[str, Record]:
    """The records with these uuids, by uuid (read in chunks: the office may be large)."""
    found: dict[str, Record] = {}
    query = _select(spec)
    for start in range(0, len(uuids), CHUNK):
        chunk = list(uuids[start : start + CHUNK])
        rows = conn.execute(query.where(spec.table.c.uuid.in_(chunk)))
        found.update((r.uuid, r) for r in _records(rows, spec))
    return found


def ids_by_uuid(conn: Connection, table_name: str, uuids: Iterable[str]) -> dict[str, int]:
    """The local ids of records of any table, by uuid; unknown uuids are left out."""
    table = Base.metadata.tables[table_name]
    wanted = sorted(set(uuids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = conn.execute(select(table.c.uuid, table.c.id).where(table.c.uuid.in_(chunk)))
        found.update((u, i) for u, i in rows)
    return found


def deleted_uuids(conn: Connection, table_name: str, uuids: Iterable[str]) -> set[str]:
    """Which of these records are soft-deleted."""
    table = Base.metadata.tables[table_name]
    wanted = sorted(set(uuids))
    deleted: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        deleted.update(
            conn.scalars(
                select(table.c.uuid).where(table.c.uuid.in_(chunk), table.c.deleted_at.is_not(None))
            )
        )
    return deleted


def baseline_of(conn: Connection) -> dict[str, dict[str, dict[str, Any]]]:
    """The check-out values of every synced record of a laptop's database: table → uuid → values."""
    return {
        spec.name: {u: normalised(r.values) for u, r in read_all(conn, spec).items()}
        for spec in SYNCED
    }
