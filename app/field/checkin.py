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
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from app.core import audit
from app.core.privacy import mask
from app.field import container, identity, tables
from app.field.checkout import BASELINE_KEY, PACKAGE_KEY, decode_baseline
from app.field.laptop import check_revision
from db.base import utcnow
from db.engine import make_engine, sqlite_url, unit_of_work
from db.models import AuditLog, Setting
from db.schema import prepare_database

log = logging.getLogger(__name__)

CONFLICT_KINDS = {
    "both_changed": "双方都修改了同一项",
    "deleted_at_office": "办公室已删除，外勤修改了",
    "deleted_in_field": "外勤删除了，办公室修改了",
    "parent_deleted": "外勤新增，所属住户已在办公室删除",
    "changed_after_import": "外勤新增的记录导入后，办公室又修改了",
}
LABELS = {
    "address": "地址", "head_name": "户主", "head_id_number": "户主身份证号码", "phone": "电话",
    "size": "人口数", "tags": "重点人群", "notes": "备注", "grid_id": "网格", "village_id": "村居",
    "name": "姓名", "id_number": "身份证号码", "gender": "性别", "birth_date": "出生日期",
    "relation": "与户主关系", "app_installed_on": "安装APP日期", "visited_on": "走访日期",
    "mode": "走访方式", "outcome": "走访结果", "topics": "宣传内容", "status": "状态",
    "notice_delivered": "告知书已送达", "commitment_result": "承诺书", "deleted_at": "删除",
    "delivered_on": "送达日期", "signed_on": "签回日期", "signer_name": "签名人",
    "signature_png": "签名", "other_visitors": "其他走访人员", "risks_found": "发现的风险",
    "follow_up_needed": "需要跟进", "household_id": "所属住户", "grid_worker_id": "网格员",
    "police_officer_id": "民警/辅警", "caption": "说明", "file_name": "文件名",
}  # fmt: skip
# Shown masked, whoever reads the summary (个人信息保护法)
MASKED = {"head_id_number": "id_number", "id_number": "id_number", "phone": "phone"}


@dataclass
class Write:
    """A record to add, or the fields of a record to update, with the field's values."""

    table: str
    uuid: str
    office_id: int | None
    values: dict[str, Any]
    created_at: datetime | None = None
    changed_by: str | None = None

    @property
    def is_insert(self) -> bool:
        """A record the office does not have yet."""
        return self.office_id is None


@dataclass(frozen=True)
class FieldDiff:
    """One field of a conflict, side by side (values ready to show, personal data masked)."""

    column: str
    label: str
    checkout: str
    office: str
    field: str


@dataclass
class Conflict:
    """What the clerk must decide; `number` is what `take_field` names."""

    number: int
    kind: str
    table: str
    uuid: str
    title: str
    diffs: tuple[FieldDiff, ...]
    write: Write

    @property
    def kind_text(self) -> str:
        """The kind, in Chinese."""
        return CONFLICT_KINDS[self.kind]


@dataclass
class CheckinResult:
    """What a check-in did (or, with dry_run, would do)."""

    package_id: str
    grids: tuple[str, ...]
    added: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    conflicts: list[Conflict] = field(default_factory=list)
    taken_from_field: int = 0
    skip_reasons: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        """Whether anything was (or would be) written."""
        return bool(sum(self.added.values()) + sum(self.updated.values()) + self.taken_from_field)

    def lines(self) -> list[str]:
        """The summary, one line per kind, tables by their Chinese noun."""
        nouns = {t.name: t.noun for t in tables.SYNCED}

        def per_table(counter: Counter) -> str:
            total = sum(counter.values())
            parts = "、".join(f"{nouns[t]}{n}" for t, n in counter.items() if n)
            return f"{total}" + (f"（{parts}）" if parts else "")

        return [
            f"新增：{per_table(self.added)}",
            f"更新：{per_table(self.updated)}",
            f"冲突：{len(self.conflicts)}" + (
                f"（其中{self.taken_from_field}处采用外勤的值）" if self.taken_from_field else ""
            ),
            f"跳过：{per_table(self.skipped)}",
        ]  # fmt: skip


@dataclass
class _Opened:
    header: dict
    info: dict
    baseline: dict
    engine: Engine


def _show(column: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if column in MASKED:
        return mask(MASKED[column], str(value))
    if column == "deleted_at":
        return "已删除"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and value.startswith("sha256:"):
        return "（图片）"
    if isinstance(value, str) and len(value) == 36 and value.count("-") == 4:
        return "（另一条记录）"
    return str(value)


def _title(spec: tables.SyncedTable, values: dict[str, Any]) -> str:
    detail = {
        "household": lambda v: f"{v.get('head_name')}（{v.get('address')}）",
        "resident": lambda v: str(v.get("name")),
        "visit": lambda v: f"{v.get('visited_on')}",
        "letter": lambda v: str(v.get("number")),
        "attachment": lambda v: str(v.get("file_name")),
    }[spec.name](values)
    return f"{spec.noun} {detail}"


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
        diffs = tuple(
            FieldDiff(
                c, LABELS.get(c, c), _show(c, base.get(c)) if base is not None else "（无）",
                _show(c, office.get(c)) if office is not None else "（无）", _show(c, fresh.get(c)),
            )
            for c in sorted(columns)
        )  # fmt: skip
        number = len(self.result.conflicts) + 1
        self.result.conflicts.append(
            Conflict(number, kind, spec.name, uuid, _title(spec, office or fresh), diffs, write)
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
                self._skip(spec, f"{_title(spec, fresh)}：办公室数据库中已没有这条记录")
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
                return f"{_title(spec, values)}：引用的{what}在办公室数据库中不存在"
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
            self._skip(spec, f"{_title(spec, fresh)}：办公室已有相同编号的另一份文书")
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


class _Applier:
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
            applier = _Applier(session, opened.engine, result.package_id)
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
