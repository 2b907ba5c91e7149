"""The database side of a roster import: matching against what is stored, and the bulk write.

Matching reads the live villages, grids and the heads of household the file names (by ID
number, in chunks through the index). Writing uses SQLAlchemy Core executemany on the import's
own transaction: villages and grids first, then households, residents and the audit trail,
with ids handed out after the transaction holds SQLite's write lock.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from typing import Any

from sqlalchemy import (
    Date,
    String,
    bindparam,
    func,
    insert,
    literal,
    literal_column,
    select,
    update,
)
from sqlalchemy.orm import Session

from app.core.idnumber import birth_date, gender, upgrade_old_id_number
from app.core.progress import Job, Progress
from app.exchange.roster.match import IN_CHUNK, chunks
from app.exchange.roster.normalise import grid_name_for
from app.exchange.roster.plan import PersonRow, PlannedHousehold, RosterPlan, RosterResult
from db.base import new_uuid, utcnow
from db.models import AuditLog, Grid, Household, Resident, Unit

CHUNK = 5000
BULK_CACHE_KIB = 131072
REBUILD_FROM = 2000  # new households from which the search index is rebuilt at the end


def _next_id(session: Session, column: Any) -> int:
    return (session.scalar(select(func.max(column))) or 0) + 1


def _create_places(session: Session, plan: RosterPlan, base: dict[str, Any]) -> tuple[int, int]:
    """Insert the missing villages and grids; sets each household's village and grid ids."""
    if not plan.create_missing:
        return 0, 0  # their rows were refused
    conn = session.connection()
    households = plan.writes
    village_ids: dict[str, int] = {}
    if plan.missing.villages:
        first_id = _next_id(session, Unit.id)
        order = _next_id(session, Unit.sort_order)
        rows = []
        for offset, name in enumerate(plan.missing.villages):
            village_ids[name] = first_id + offset
            rows.append(
                {
                    **base,
                    "id": first_id + offset,
                    "uuid": new_uuid(),
                    "name": name,
                    "kind": "village",
                    "is_member": True,
                    "sort_order": order + offset,
                }
            )
        conn.execute(insert(Unit.__table__), rows)
    for household in households:
        if household.village_id is None:
            household.village_id = village_ids[household.village]
    village_of = {h.village: h.village_id for h in households}
    grid_ids: dict[tuple[int, str], int] = {}
    if plan.missing.grids:
        next_id = _next_id(session, Grid.id)
        orders = dict(
            session.execute(
                select(Grid.village_id, func.max(Grid.sort_order)).group_by(Grid.village_id)
            ).all()
        )
        rows = []
        for village, cell in plan.missing.grids:
            village_id = village_of[village]
            assert village_id is not None
            orders[village_id] = (orders.get(village_id) or 0) + 1
            grid_ids[(village_id, cell)] = next_id
            rows.append(
                {
                    **base,
                    "id": next_id,
                    "uuid": new_uuid(),
                    "village_id": village_id,
                    "name": grid_name_for(cell),
                    "sort_order": orders[village_id],
                }
            )
            next_id += 1
        conn.execute(insert(Grid.__table__), rows)
    for household in households:
        if household.grid is not None and household.grid_id is None:
            assert household.village_id is not None
            household.grid_id = grid_ids[(household.village_id, household.grid)]
    return len(village_ids), len(grid_ids)


def _decoded(number: str | None) -> tuple[date | None, str | None]:
    """Birth date and gender from an ID number (an old 15-digit one too)."""
    if not number:
        return None, None
    full = upgrade_old_id_number(number) if len(number) == 15 else number
    if full is None or len(full) != 18:
        return None, None
    return birth_date(full), gender(full)


def _resident_values(row: PersonRow, is_head: bool) -> dict[str, Any]:
    born, sex = _decoded(row.id_number)
    return {
        "name": row.name,
        "id_number": row.id_number,
        "gender": sex,
        "birth_date": born,
        "phone": row.phone,
        "relation": "head" if is_head else row.relation,
        "tags": row.tags,
        "notes": row.notes_text,
    }


def _address(household: PlannedHousehold) -> str:
    for row in household.rows:
        if row.address:
            return row.address
    return ""


def _household_values(household: PlannedHousehold) -> dict[str, Any]:
    head = household.head
    return {
        "village_id": household.village_id,
        "grid_id": household.grid_id,
        "address": _address(household),
        "head_name": head.name,
        "head_id_number": head.id_number,
        "phone": head.phone,
        "size": household.size,
        "tags": household.tags,
        "notes": head.notes_text,
    }


def fast_uuids(count: int) -> list[str]:
    """`count` random (version 4) UUID strings, as `new_uuid` makes, ten times faster."""
    raw = os.urandom(16 * count).hex()
    result = []
    for start in range(0, 32 * count, 32):
        h = raw[start : start + 32]
        variant = "89ab"[int(h[16], 16) & 3]
        result.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    return result


def stamped_insert(table: Any, stamp: dict[str, Any]) -> Any:
    """An INSERT of `table` with the import's time and user written once into the statement.

    Binding the same datetime on each of 100,000 rows costs SQLAlchemy a conversion per row.
    """
    when = literal_column(f"'{stamp['updated_at']:%Y-%m-%d %H:%M:%S.%f}'")
    values = {name: when for name in ("created_at", "updated_at", "at") if name in table.c}
    user_column = "changed_by" if "changed_by" in table.c else "username"
    values[user_column] = literal(stamp["changed_by"], String)
    return insert(table).values(values)


def bulk_insert(conn: Any, table: Any, rows: list[dict[str, Any]], stamp: dict[str, Any]) -> None:
    """Insert rows (dicts with the same keys in the same order) stamped with time and user.

    On SQLite the rows go to the driver's executemany as tuples, dates as the ISO text
    SQLAlchemy stores, the way the demo township is written: SQLAlchemy's per-row parameter
    processing would double the time of a 50,000-household import. Elsewhere a Core INSERT.
    """
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(stamped_insert(table, stamp), rows)
        return
    names = list(rows[0])
    tail: list[tuple[str, Any]] = [
        (name, f"{stamp['updated_at']:%Y-%m-%d %H:%M:%S.%f}")
        for name in ("created_at", "updated_at", "at")
        if name in table.c
    ]
    tail.append(("changed_by" if "changed_by" in table.c else "username", stamp["changed_by"]))
    columns = ", ".join([*names, *(name for name, _ in tail)])
    marks = ", ".join("?" * (len(names) + len(tail)))
    fixed = tuple(value for _, value in tail)
    dates = [i for i, name in enumerate(names) if isinstance(table.c[name].type, Date)]
    if dates:
        values = []
        for row in rows:
            cells = list(row.values())
            for i in dates:
                if cells[i] is not None:
                    cells[i] = cells[i].isoformat()
            values.append((*cells, *fixed))
    else:
        values = [(*row.values(), *fixed) for row in rows]
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", values)


def _insert_new(
    session: Session, households: Sequence[PlannedHousehold], base: dict[str, Any]
) -> Job[tuple[int, list[tuple[str, str]]]]:
    """Insert new households with their residents, a chunk at a time; returns residents, audit."""
    conn = session.connection()
    household_id = _next_id(session, Household.id)
    resident_id = _next_id(session, Resident.id)
    residents_written = 0
    audit: list[tuple[str, str]] = []
    total = len(households)
    for done, chunk in enumerate(chunks(households, CHUNK)):
        household_rows, resident_rows = [], []
        uuids = iter(fast_uuids(len(chunk) + sum(len(h.rows) for h in chunk)))
        for household in chunk:
            uuid = next(uuids)
            household_rows.append(
                {"id": household_id, "uuid": uuid, **_household_values(household)}
            )
            audit.append((uuid, "新增"))
            for number, row in enumerate(household.rows):
                resident_rows.append(
                    {
                        "id": resident_id,
                        "uuid": next(uuids),
                        "household_id": household_id,
                        **_resident_values(row, number == 0),
                    }
                )
                resident_id += 1
            household_id += 1
        bulk_insert(conn, Household.__table__, household_rows, base)
        bulk_insert(conn, Resident.__table__, resident_rows, base)
        residents_written += len(resident_rows)
        written = min((done + 1) * CHUNK, total)
        yield Progress(written, total, f"已写入 {written} / {total} 户")
    return residents_written, audit


RESIDENT_FIELDS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "phone",
    "relation",
    "tags",
    "notes",
)
HOUSEHOLD_FIELDS = (
    "village_id",
    "grid_id",
    "address",
    "head_name",
    "head_id_number",
    "phone",
    "size",
    "tags",
    "notes",
)


def _stored(session: Session, table: Any, key: Any, ids: Sequence[int], names: Sequence[str]):
    """Rows of `table` whose `key` is in `ids`, as dicts of id, uuid, `key` and `names`."""
    columns = [table.c.id, table.c.uuid, key, *(table.c[n] for n in names)]
    for chunk in chunks(sorted(ids), IN_CHUNK):
        yield from session.execute(
            select(*columns)
            .where(key.in_(chunk), table.c.deleted_at.is_(None))
            .order_by(table.c.id)
        ).mappings()


def _update_many(session: Session, table: Any, changes: list[tuple[int, dict[str, Any]]]) -> None:
    """Core executemany UPDATEs by id, one statement per set of changed columns."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for record_id, values in changes:
        params = {"b_id": record_id, **{f"v_{k}": v for k, v in values.items()}}
        groups.setdefault(tuple(sorted(values)), []).append(params)
    conn = session.connection()
    for keys, params in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({k: bindparam(f"v_{k}") for k in keys})
        )
        conn.execute(statement, params)


def _filled(values: dict[str, Any]) -> dict[str, Any]:
    """The values a file gives: an empty cell keeps what is stored."""
    return {k: v for k, v in values.items() if v is not None and v != ""}


def _update_existing(
    session: Session, households: Sequence[PlannedHousehold], base: dict[str, Any]
) -> tuple[int, int, list[tuple[str, str]]]:
    """Update stored households from the file; returns residents added, updated, audit."""
    if not households:
        return 0, 0, []
    stamp = {"updated_at": base["updated_at"], "changed_by": base["changed_by"]}
    ids = [h.existing_id for h in households if h.existing_id is not None]
    table = Household.__table__
    stored = {r["id"]: r for r in _stored(session, table, table.c.id, ids, HOUSEHOLD_FIELDS)}
    residents_of: dict[int, list[Any]] = {}
    people = Resident.__table__
    for r in _stored(session, people, people.c.household_id, ids, RESIDENT_FIELDS):
        residents_of.setdefault(r["household_id"], []).append(r)
    household_changes, resident_changes, new_residents, audit = [], [], [], []
    for household in households:
        assert household.existing_id is not None
        values = _filled(_household_values(household))
        if household.head.size is None and not household.members:
            values.pop("size", None)  # nothing in the file says how many live there
        old = stored[household.existing_id]
        changed = {k: v for k, v in values.items() if old[k] != v}
        residents = list(residents_of.get(household.existing_id, []))
        for number, row in enumerate(household.rows):
            match = next(
                (r for r in residents if row.id_number and r["id_number"] == row.id_number), None
            )
            match = match or next(
                (r for r in residents if r["name"] == row.name and not r["id_number"]), None
            )
            person = _resident_values(row, number == 0)
            if match is None:
                new_residents.append(
                    {**base, "uuid": new_uuid(), "household_id": household.existing_id, **person}
                )
                changed.setdefault("residents", 1)
                continue
            residents.remove(match)
            different = {k: v for k, v in _filled(person).items() if match[k] != v}
            if different:
                resident_changes.append((match["id"], {**different, **stamp}))
                changed.setdefault("residents", 1)
        if changed:
            household_changes.append(
                (
                    household.existing_id,
                    {**{k: v for k, v in changed.items() if k != "residents"}, **stamp},
                )
            )
            audit.append((old["uuid"], "更新:" + ",".join(sorted(changed))))
    _update_many(session, Household.__table__, household_changes)
    _update_many(session, Resident.__table__, resident_changes)
    if new_residents:
        first = _next_id(session, Resident.id)
        for offset, row in enumerate(new_residents):
            row["id"] = first + offset
        session.connection().execute(insert(Resident.__table__), new_residents)
    return len(new_residents), len(resident_changes), audit


def _search_index_paused(conn: Any, new_households: int) -> AbstractContextManager[None]:
    """The household search index's triggers suspended when rebuilding it all is quicker.

    A trigger per row costs more than one set-based rebuild once the import adds a good part
    of the table (50,000 households into an empty file: trigger time about ten times the
    rebuild's). Small imports keep the triggers. A rollback brings dropped triggers back.
    """
    try:
        from db import household_index
    except ImportError:  # a database layer without the search index
        return nullcontext()
    if conn.dialect.name != "sqlite" or not household_index.has_search_index(conn):
        return nullcontext()
    live = conn.scalar(select(func.count()).select_from(Household.__table__)) or 0
    if new_households < max(REBUILD_FROM, live // 4):
        return nullcontext()
    return household_index.suspended_triggers(conn)


def write_plan(session: Session, plan: RosterPlan, user: str | None) -> Job[RosterResult]:
    """Write the plan's households on the session's transaction; yields progress per chunk."""
    conn = session.connection()
    now = utcnow()
    base = {"created_at": now, "updated_at": now, "changed_by": user}
    creates = [h for h in plan.writes if h.existing_id is None]
    updates = [h for h in plan.writes if h.existing_id is not None]
    yield Progress(0, max(len(creates), 1), "正在写入数据库…")
    big = conn.dialect.name == "sqlite" and len(creates) > CHUNK
    if big:
        # the indexes of 50,000 new rows outgrow SQLite's 2 MB page cache: inserts in random
        # order (UUIDs, ID numbers) then wait on the disk
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    # counts only, no personal data; written first so that SQLite's write lock is held
    # before the next free ids are read
    summary = (
        f"住户花名册：新增{len(creates)}户，更新{len(updates)}户，拒绝{plan.count('rejected')}行"
    )
    conn.execute(
        insert(AuditLog.__table__),
        [
            {
                "at": now,
                "username": user,
                "action": "import",
                "table_name": "household",
                "record_uuid": None,
                "detail": summary,
            }
        ],
    )
    villages, grids = _create_places(session, plan, base)
    with _search_index_paused(conn, len(creates)):
        residents_created, audit = yield from _insert_new(session, creates, base)
        added, residents_updated, updated_audit = _update_existing(session, updates, base)
        if len(creates) > REBUILD_FROM:
            yield Progress(len(creates), max(len(creates), 1), "正在更新查询索引…")
    audit_rows = [
        {"action": "import", "table_name": "household", "record_uuid": uuid, "detail": detail}
        for uuid, detail in (*audit, *updated_audit)
    ]
    for chunk in chunks(audit_rows, CHUNK * 2):
        bulk_insert(conn, AuditLog.__table__, list(chunk), base)
    if big:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
    yield Progress(len(creates), max(len(creates), 1), "正在保存…")
    return RosterResult(
        plan,
        households_created=len(creates),
        households_updated=len(updates),
        residents_created=residents_created + added,
        residents_updated=residents_updated,
        villages_created=villages,
        grids_created=grids,
    )
