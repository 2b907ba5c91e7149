"""Check-in: merge a laptop's return package into the office database, in one transaction.

For every record of the package (matched by uuid) the check-out values it carries say what the
laptop changed, and the office's current values say what the office changed since:

- a record new in the field is added once (a second import finds its uuid and skips it);
- a field the laptop changed and the office did not is updated;
- a field both changed, to different values, is a conflict: the office keeps its value until
  the clerk takes the field's (`take_field`); nothing is overwritten silently. So are a record
  deleted on one side and changed on the other, and a new record under a household the office
  deleted. Importing the same package again changes nothing and reports the same conflicts.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, select

from app.core import audit
from app.field import container, identity, tables
from app.field.checkout import BASELINE_KEY, PACKAGE_KEY, decode_baseline
from app.field.laptop import check_revision
from app.field.outcome import (
    LABELS,
    CheckinResult,
    Conflict,
    FieldDiff,
    Write,
    record_title,
    show_value,
)
from app.field.writing import OfficeWriter
from db.engine import make_engine, sqlite_url, unit_of_work
from db.models import Setting
from db.schema import prepare_database

log = logging.getLogger(__name__)


@dataclass
class _Opened:
    header: dict
    info: dict
    baseline: dict
    engine: Engine


def _open(package: Path, engine: Engine, passphrase: str, folder: Path) -> _Opened:
    """Check everything before reading anything: kind, township, schema, HMAC, passphrase."""
    header = container.read_header(package)
    if header.get("kind") != "return":
        raise container.FieldPackageError(
            "这是办公室导出的出库包，不是笔记本交回的返回包，未导入任何内容"
        )
    with unit_of_work(engine) as session:
        if session.get(Setting, PACKAGE_KEY) is not None:
            raise container.FieldPackageError(
                "这是外勤笔记本上的数据库，返回包只能导入办公室的数据库"
            )
        township = identity.township(session, create=False)
    if township is None:
        raise container.FieldPackageError(
            "本数据库从未导出过外勤包，不能导入返回包，未导入任何内容"
        )
    if header.get("township_id") != township.id:
        raise container.FieldPackageError(
            f"该外勤包来自其他乡镇（{header.get('township_name') or '未知'}），"
            "不是本数据库导出的，未导入任何内容"
        )
    check_revision(header)
    package_id = str(header.get("package_id"))
    opened = container.read_package(
        package, passphrase, identity.return_key(township.key, package_id)
    )
    path = folder / "return.sqlite"
    path.write_bytes(opened.database)
    url = sqlite_url(path)
    prepare_database(url, backup_dir=folder / "backups")
    field_engine = make_engine(url)
    with field_engine.connect() as conn:
        settings = dict(
            conn.execute(
                select(Setting.key, Setting.value).where(
                    Setting.key.in_([PACKAGE_KEY, BASELINE_KEY])
                )
            ).all()
        )
    if PACKAGE_KEY not in settings or BASELINE_KEY not in settings:
        field_engine.dispose()
        raise container.FieldPackageError("返回包里没有外勤包的出库信息，未导入任何内容")
    info = json.loads(settings[PACKAGE_KEY])
    if info.get("package_id") != package_id:
        field_engine.dispose()
        raise container.FieldPackageError("返回包内容与文件头不符，未导入任何内容")
    return _Opened(header, info, decode_baseline(settings[BASELINE_KEY]), field_engine)


class _Planner:
    """Decides, table by table, what to add, update, skip or ask about."""

    def __init__(self, office: Connection, opened: _Opened, result: CheckinResult) -> None:
        self.office, self.opened, self.result = office, opened, result
        self.writes: list[Write] = []
        # uuids that will exist at the office once the writes are done (for references)
        self.coming: dict[str, set[str]] = {t.name: set() for t in tables.SYNCED}
        self.added: dict[str, set[str]] = {t.name: set() for t in tables.SYNCED}
        # what the office has, looked up once per table rather than once per record
        self.known: dict[str, set[str]] = {}
        self.deleted_households: set[str] = set()

    def plan(self) -> list[Write]:
        with self.opened.engine.connect() as field_conn:
            for spec in tables.SYNCED:
                self._plan_table(spec, tables.read_all(field_conn, spec))
        return self.writes

    def _conflict(self, kind, spec, uuid, columns, base, office, fresh, write) -> None:
        def side(values: dict | None, column: str) -> str:
            return "（无）" if values is None else show_value(column, values.get(column))

        diffs = tuple(
            FieldDiff(c, LABELS.get(c, c), side(base, c), side(office, c), side(fresh, c))
            for c in sorted(columns)
        )
        number = len(self.result.conflicts) + 1
        self.result.conflicts.append(
            Conflict(
                number, kind, spec.name, uuid, record_title(spec, office or fresh), diffs, write
            )
        )

    def _skip(self, spec: tables.SyncedTable, reason: str | None = None) -> None:
        self.result.skipped[spec.name] += 1
        if reason:
            self.result.skip_reasons.append(reason)

    def _plan_table(self, spec: tables.SyncedTable, field_rows: dict[str, tables.Record]) -> None:
        baseline = self.opened.baseline.get(spec.name, {})
        office_rows = tables.read_by_uuid(self.office, spec, sorted(field_rows))
        self._look_up_references(spec, field_rows)
        for uuid, record in field_rows.items():
            fresh = tables.normalised(record.values)
            base = baseline.get(uuid)
            office_record = office_rows.get(uuid)
            office = tables.normalised(office_record.values) if office_record else None
            if base is None:
                self._plan_new(spec, record, fresh, office_record, office)
            elif office_record is None:
                self._skip(spec, f"{record_title(spec, fresh)}：办公室数据库中已没有这条记录")
            else:
                self._plan_changed(spec, record, fresh, base, office_record, office)

    def _look_up_references(self, spec: tables.SyncedTable, field_rows) -> None:
        for column, target in spec.refs.items():
            wanted = {r.values[column] for r in field_rows.values() if r.values.get(column)}
            known = self.known.setdefault(target, set())
            known.update(tables.ids_by_uuid(self.office, target, wanted - known))
            if target == "household":
                self.deleted_households |= tables.deleted_uuids(self.office, target, wanted)

    def _missing_reference(self, spec: tables.SyncedTable, values: dict) -> str | None:
        for column, target in spec.refs.items():
            ref = values.get(column)
            if ref is None or ref in self.coming.get(target, ()):
                continue
            if ref not in self.known.get(target, ()):
                what = LABELS.get(column, column)
                return f"{record_title(spec, values)}：引用的{what}在办公室数据库中不存在"
        return None

    def _plan_new(self, spec, record, fresh, office_record, office) -> None:
        if office_record is not None:
            differ = {c for c in spec.compared if fresh.get(c) != office.get(c)}
            if not differ:
                self._skip(spec)  # added by an earlier import of this package
                return
            write = Write(spec.name, record.uuid, office_record.id,
                          {c: record.values[c] for c in differ})  # fmt: skip
            self._conflict("changed_after_import", spec, record.uuid, differ, None, office,
                           fresh, write)  # fmt: skip
            return
        missing = self._missing_reference(spec, fresh)
        if missing:
            self._skip(spec, missing)
            return
        if spec.name == "letter" and self._number_taken(fresh["number"]):
            self._skip(spec, f"{record_title(spec, fresh)}：办公室已有相同编号的另一份文书")
            return
        write = Write(spec.name, record.uuid, None, dict(record.values), record.created_at,
                      record.changed_by)  # fmt: skip
        household = fresh.get("household_id")
        if (
            household
            and household not in self.added["household"]
            and household in self.deleted_households
        ):
            self._conflict("parent_deleted", spec, record.uuid, {"household_id"}, None, None,
                           fresh, write)  # fmt: skip
            return
        self.coming[spec.name].add(record.uuid)
        self.added[spec.name].add(record.uuid)
        self.writes.append(write)

    def _number_taken(self, number: str) -> bool:
        letter = tables.BY_NAME["letter"].table
        return self.office.scalar(select(letter.c.id).where(letter.c.number == number)) is not None

    def _plan_changed(self, spec, record, fresh, base, office_record, office) -> None:
        columns = [c for c in spec.compared if c in base]
        field_changed = {c for c in columns if fresh.get(c) != base[c]}
        self.coming[spec.name].add(record.uuid)
        if not field_changed:
            return
        pending = {c for c in field_changed if fresh.get(c) != office.get(c)}
        if not pending:
            self._skip(spec)  # the office already has the field's values
            return
        office_changed = {c for c in columns if office.get(c) != base[c]}
        write = Write(spec.name, record.uuid, office_record.id,
                      {c: record.values[c] for c in pending})  # fmt: skip
        field_deleted = fresh.get("deleted_at") is not None and "deleted_at" in field_changed
        office_deleted = office.get("deleted_at") is not None and "deleted_at" in office_changed
        if office_deleted and not field_deleted:
            self._conflict("deleted_at_office", spec, record.uuid, pending, base, office, fresh,
                           write)  # fmt: skip
        elif field_deleted and not office_deleted and office_changed - {"deleted_at"}:
            self._conflict("deleted_in_field", spec, record.uuid,
                           (office_changed - {"deleted_at"}) | {"deleted_at"}, base, office,
                           fresh, write)  # fmt: skip
        else:
            clash = pending & office_changed
            if pending - clash:
                self.writes.append(
                    Write(spec.name, record.uuid, office_record.id,
                          {c: record.values[c] for c in pending - clash})
                )  # fmt: skip
            if clash:
                self._conflict("both_changed", spec, record.uuid, clash, base, office, fresh,
                               Write(spec.name, record.uuid, office_record.id,
                                     {c: record.values[c] for c in clash}))  # fmt: skip


def import_package(
    engine: Engine,
    package: Path,
    passphrase: str,
    dry_run: bool = False,
    take_field: Collection[int] = (),
    user: str | None = None,
) -> CheckinResult:
    """Check a return package and merge it in one transaction (rolled back when `dry_run`).

    `take_field`: the numbers of the conflicts for which the clerk takes the field's values;
    every other conflict keeps the office's. Raises `FieldPackageError`, nothing applied, for a
    package that is not this township's, newer, edited, truncated or under another passphrase.
    """
    with tempfile.TemporaryDirectory(prefix="wuzha-checkin-") as folder:
        opened = _open(Path(package), engine, passphrase, Path(folder))
        try:
            return _merge(engine, opened, dry_run, set(take_field), user)
        finally:
            opened.engine.dispose()


class _DryRun(Exception):
    pass


def _merge(engine, opened: _Opened, dry_run: bool, take_field: set[int], user) -> CheckinResult:
    result = CheckinResult(
        opened.info["package_id"], tuple(g["label"] for g in opened.info["grids"]),
        dry_run=dry_run,
    )  # fmt: skip
    try:
        with unit_of_work(engine, user) as session:
            writes = _Planner(session.connection(), opened, result).plan()
            unknown = take_field - {c.number for c in result.conflicts}
            if unknown:
                raise container.FieldPackageError(
                    f"没有编号为{'、'.join(map(str, sorted(unknown)))}的冲突，未导入任何内容"
                )
            applier = OfficeWriter(session, opened.engine, result.package_id)
            taken = [c.write for c in result.conflicts if c.number in take_field]
            applier.prefetch(writes + taken)
            applier.apply(writes)
            for write in writes:
                (result.added if write.is_insert else result.updated)[write.table] += 1
            applier.apply(taken)
            result.taken_from_field = len(taken)
            applier.finish()
            if result.changed:  # a second import of the same package writes nothing at all
                summary = (
                    f"外勤包 {result.package_id}：新增{sum(result.added.values())}，"
                    f"更新{sum(result.updated.values())}，冲突{len(result.conflicts)}"
                )
                audit.record(session, "import", None, None, summary)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    log.info(
        "field package %s checked in%s: %d added, %d updated, %d conflicts, %d skipped",
        result.package_id, " (dry run)" if dry_run else "", sum(result.added.values()),
        sum(result.updated.values()), len(result.conflicts), sum(result.skipped.values()),
    )  # fmt: skip
    return result
