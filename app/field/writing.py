"""Writing a check-in's records at the office: references turned back into local ids, and
one statement per batch of a table and a set of columns (5,000 visits are one executemany)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from sqlalchemy import Engine, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from app.field import tables
from app.field.outcome import Write
from db.base import utcnow
from db.models import AuditLog


class OfficeWriter:
    """Writes the planned records at the office, references turned back into local ids."""

    def __init__(self, session: Session, field_engine: Engine, package_id: str) -> None:
        self.session, self.field_engine, self.package_id = session, field_engine, package_id
        self.conn = session.connection()
        self.ids: dict[str, dict[str, int]] = {}
        self.user = session.info.get("user")
        self.households_visited: set[int] = set()

    def _id(self, table: str, uuid: str) -> int | None:
        known = self.ids.setdefault(table, {})
        if uuid not in known:
            known.update(tables.ids_by_uuid(self.conn, table, [uuid]))
        return known.get(uuid)

    def prefetch(self, writes: list[Write]) -> None:
        """Look up every referenced uuid at once, table by table."""
        wanted: dict[str, set[str]] = {}
        for write in writes:
            spec = tables.BY_NAME[write.table]
            for column, target in spec.refs.items():
                if write.values.get(column):
                    wanted.setdefault(target, set()).add(write.values[column])
        for target, uuids in wanted.items():
            self.ids.setdefault(target, {}).update(tables.ids_by_uuid(self.conn, target, uuids))

    def _local(self, write: Write) -> dict[str, Any]:
        spec = tables.BY_NAME[write.table]
        values = dict(write.values)
        for column, target in spec.refs.items():
            if values.get(column) is not None:
                values[column] = self._id(target, values[column])
        return values

    def _heavy(self, write: Write) -> dict[str, Any]:
        spec = tables.BY_NAME[write.table]
        if not spec.heavy:
            return {}
        table = spec.table
        with self.field_engine.connect() as conn:
            row = conn.execute(
                select(*[table.c[c] for c in spec.heavy]).where(table.c.uuid == write.uuid)
            ).one()
        return dict(row._mapping)

    def apply(self, writes: list[Write]) -> None:
        """Write records in batches of one table and one set of columns (executemany), in the
        planned order, so that a record's references are written before it."""
        for (name, inserting, _columns), group in groupby(
            writes, key=lambda w: (w.table, w.is_insert, tuple(sorted(w.values)))
        ):
            group = list(group)
            if inserting:
                self._insert(name, group)
            else:
                self._update(name, group)
            self.conn.execute(
                insert(AuditLog.__table__),
                [
                    {"at": utcnow(), "username": self.user, "table_name": name,
                     "action": "create" if inserting else "update", "record_uuid": w.uuid,
                     "detail": f"外勤包 {self.package_id}"}
                    for w in group
                ],
            )  # fmt: skip

    def _insert(self, name: str, group: list[Write]) -> None:
        table, now = tables.BY_NAME[name].table, utcnow()
        rows = [
            {**self._local(w), **self._heavy(w), "uuid": w.uuid,
             "created_at": w.created_at or now, "updated_at": now, "changed_by": w.changed_by}
            for w in group
        ]  # fmt: skip
        self.conn.execute(insert(table), rows)
        added = tables.ids_by_uuid(self.conn, name, [w.uuid for w in group])
        self.ids.setdefault(name, {}).update(added)
        if name == "visit":
            self.households_visited.update(r["household_id"] for r in rows)

    def _update(self, name: str, group: list[Write]) -> None:
        table, now = tables.BY_NAME[name].table, utcnow()
        columns = sorted(group[0].values)
        statement = (
            update(table)
            .where(table.c.id == bindparam("office_id_"))
            .values({c: bindparam(f"{c}_") for c in [*columns, "updated_at", "changed_by"]})
        )
        rows = []
        for w in group:
            values = self._local(w)
            row = {f"{c}_": values[c] for c in columns}
            row.update(office_id_=w.office_id, updated_at_=now, changed_by_=self.user)
            rows.append(row)
        self.conn.execute(statement, rows)
        if name == "visit":
            ids = [w.office_id for w in group]
            for start in range(0, len(ids), tables.CHUNK):
                self.households_visited.update(
                    self.conn.scalars(
                        select(table.c.household_id).where(
                            table.c.id.in_(ids[start : start + tables.CHUNK])
                        )
                    )
                )

    def finish(self) -> None:
        """Households with new or changed visits get their last visit date again."""
        ids = sorted(i for i in self.households_visited if i is not None)
        for start in range(0, len(ids), tables.CHUNK):
            chunk = ",".join(str(int(i)) for i in ids[start : start + tables.CHUNK])
            self.conn.execute(
                text(
                    "UPDATE household SET last_visited_on = (SELECT max(v.visited_on) FROM visit v "
                    "WHERE v.household_id = household.id AND v.deleted_at IS NULL "
                    f"AND v.outcome != 'nobody_home') WHERE id IN ({chunk})"
                )
            )
