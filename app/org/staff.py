"""Staff lists of the member units (职工名单): who signed the commitment letter and has the APP.

Seed 000: "组织全员签订防范电信网络诈骗承诺书，安装国家反诈APP". Each unit keeps its employees with
the dates they signed and installed; per unit the office wants the share of each and the names
still missing. The letters (app/letters/printing.py) print the staff commitment letters from this
list,
and signing one there fills in `commitment_signed_on` here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, case, func, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.privacy import mask_phone
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister
from app.core.validation import FormField, ValidationError
from db.engine import unit_of_work
from db.models import Employee, Unit

EMPLOYEE_FIELDS = (
    FormField("name", "姓名", required=True, max_length=64),
    FormField("post", "职务", max_length=64),
    FormField("mobile", "手机", kind="phone"),
    FormField("id_number", "身份证号码", kind="id_number"),
    FormField(
        "commitment_signed_on", "签订承诺书日期", kind="date", help="未签订的留空（显示“未填写”）"
    ),
    FormField("app_installed_on", "安装反诈APP日期", kind="date", help="未安装的留空"),
    FormField("notes", "备注", kind="multiline", max_length=2000),
)


class EmployeeRegister(SqlRegister):
    """The staff of one unit (`unit_id`), or of every unit (None) with a 单位 column."""

    title = "职工名单"
    default_sort = "name"
    ALL_COLUMNS = (
        RegisterColumn("unit", "单位", 18),
        RegisterColumn("name", "姓名", 8),
        RegisterColumn("post", "职务", 12),
        RegisterColumn("mobile", "手机", 13, personal="phone"),
        RegisterColumn("id_number", "身份证号码", 19, personal="id_number"),
        RegisterColumn("commitment_signed_on", "签订承诺书", 11),
        RegisterColumn("app_installed_on", "安装反诈APP", 11),
        RegisterColumn("notes", "备注", 20),
    )

    def __init__(self, engine: Engine, unit_id: int | None = None) -> None:
        super().__init__(engine)
        self.unit_id = unit_id
        self.columns = self.ALL_COLUMNS if unit_id is None else self.ALL_COLUMNS[1:]

    def select_rows(self) -> Select:
        """Live employees of live units (of the chosen unit, if any)."""
        stmt = (
            select(
                Employee.id.label("id"),
                Unit.name.label("unit"),
                Employee.name.label("name"),
                Employee.post.label("post"),
                Employee.mobile.label("mobile"),
                Employee.id_number.label("id_number"),
                Employee.commitment_signed_on.label("commitment_signed_on"),
                Employee.app_installed_on.label("app_installed_on"),
                Employee.notes.label("notes"),
            )
            .join(Unit, Unit.id == Employee.unit_id)
            .where(Employee.deleted_at.is_(None), Unit.deleted_at.is_(None))
        )
        if self.unit_id is not None:
            stmt = stmt.where(Employee.unit_id == self.unit_id)
        return stmt

    def search_columns(self) -> Sequence[ColumnElement]:
        """Name, post and notes (phones and ID numbers are not searched: they are masked)."""
        return (Employee.name, Employee.post, Employee.notes, Unit.name)

    def filters(self) -> Sequence[RegisterFilter]:
        """承诺书 and APP: done or not."""
        return (
            RegisterFilter("signed", "承诺书", [("yes", "已签订承诺书"), ("no", "未签订承诺书")]),
            RegisterFilter("installed", "反诈APP", [("yes", "已安装APP"), ("no", "未安装APP")]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the signed and installed filters."""
        column = {
            "signed": Employee.commitment_signed_on,
            "installed": Employee.app_installed_on,
        }.get(key)
        if column is None:
            return None
        return column.is_not(None) if value == "yes" else column.is_(None)


def _date_errors(values: Mapping[str, Any], today: date) -> dict[str, str]:
    errors = {}
    for f in EMPLOYEE_FIELDS:
        value = values.get(f.key)
        if f.kind == "date" and isinstance(value, date) and value > today:
            errors[f.key] = f"{f.label}不能晚于今天"
    return errors


def same_employee(
    session: Session, unit_id: int, values: Mapping[str, Any], exclude_id: int | None = None
) -> Employee | None:
    """A live employee of the unit who is the same person: same ID number, or same name and
    phone."""
    live = (
        Employee.unit_id == unit_id,
        Employee.deleted_at.is_(None),
        Employee.id != (exclude_id or 0),
    )
    if values.get("id_number"):
        found = session.scalar(
            select(Employee).where(*live, Employee.id_number == values["id_number"])
        )
        if found is not None:
            return found
    if values.get("mobile"):
        return session.scalar(
            select(Employee).where(
                *live, Employee.name == values["name"], Employee.mobile == values["mobile"]
            )
        )
    return None


class EmployeeService(RecordService):
    """Adds, edits and deletes the employees of one unit (`unit_id`)."""

    model = Employee
    fields = EMPLOYEE_FIELDS
    noun = "职工"

    def __init__(self, engine: Engine, unit_id: int | None, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.unit_id = unit_id

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Dates are not in the future; the same person is not listed twice in a unit."""
        errors = _date_errors(values, date.today())
        unit_id = self.unit_id
        if record_id is not None:
            unit_id = session.get_one(Employee, record_id).unit_id
        if unit_id is not None and same_employee(session, unit_id, values, record_id):
            errors["name"] = f"本单位已有职工“{values['name']}”（身份证号码或手机相同）"
        return errors

    def create(self, raw: Mapping[str, Any]) -> int:
        """A new employee of this service's unit."""
        if self.unit_id is None:
            raise ValidationError({"": "请先选择一个成员单位"})
        with unit_of_work(self.engine, self.user) as session:
            unit = session.get(Unit, self.unit_id)
            if unit is None or unit.deleted_at is not None:
                raise ValidationError({"": "成员单位不存在或已被删除"})
            values = self._validated(session, raw, None)
            obj = Employee(unit_id=self.unit_id, **values)
            session.add(obj)
            session.flush()
            audit.record(session, "create", "employee", obj.uuid)
            return obj.id


@dataclass(frozen=True)
class StaffShare:
    """A unit's staff list in figures."""

    unit_id: int
    name: str
    staff: int
    signed: int
    installed: int

    @staticmethod
    def percent(part: int, whole: int) -> str:
        """`87.5%`, or `—` for an empty list."""
        return f"{part * 100 / whole:.1f}%" if whole else "—"

    @property
    def signed_share(self) -> str:
        """The share of the staff who signed, as text."""
        return self.percent(self.signed, self.staff)

    @property
    def installed_share(self) -> str:
        """The share of the staff who installed the APP, as text."""
        return self.percent(self.installed, self.staff)


def staff_shares(engine: Engine, include_villages: bool = False) -> list[StaffShare]:
    """Every live unit (villages only if asked) with its staff, signed and installed counts."""
    counts = (
        select(
            Employee.unit_id.label("unit_id"),
            func.count().label("staff"),
            func.sum(case((Employee.commitment_signed_on.is_not(None), 1), else_=0)).label(
                "signed"
            ),
            func.sum(case((Employee.app_installed_on.is_not(None), 1), else_=0)).label("installed"),
        )
        .where(Employee.deleted_at.is_(None))
        .group_by(Employee.unit_id)
        .subquery()
    )
    stmt = (
        select(Unit.id, Unit.name, counts.c.staff, counts.c.signed, counts.c.installed)
        .outerjoin(counts, counts.c.unit_id == Unit.id)
        .where(Unit.deleted_at.is_(None))
        .order_by(Unit.sort_order, Unit.id)
    )
    if not include_villages:
        stmt = stmt.where(Unit.kind != "village")
    with unit_of_work(engine) as session:
        rows = session.execute(stmt).all()
    return [StaffShare(r[0], r[1], r[2] or 0, r[3] or 0, r[4] or 0) for r in rows]


@dataclass(frozen=True)
class MissingEmployee:
    """An employee who has not signed or not installed the APP (phone masked)."""

    employee_id: int
    unit_id: int
    name: str
    post: str
    mobile: str
    signed: bool
    installed: bool

    @property
    def lacking(self) -> str:
        """`未签订承诺书、未安装APP`."""
        parts = [] if self.signed else ["未签订承诺书"]
        return "、".join(parts + ([] if self.installed else ["未安装APP"]))


def missing_staff(engine: Engine, unit_id: int | None = None) -> list[MissingEmployee]:
    """The employees (of one unit, or of every live unit) who still lack the signed letter or
    the APP, by unit and name."""
    stmt = (
        select(
            Employee.id,
            Employee.unit_id,
            Employee.name,
            Employee.post,
            Employee.mobile,
            Employee.commitment_signed_on,
            Employee.app_installed_on,
        )
        .join(Unit, Unit.id == Employee.unit_id)
        .where(
            Employee.deleted_at.is_(None),
            Unit.deleted_at.is_(None),
            (Employee.commitment_signed_on.is_(None)) | (Employee.app_installed_on.is_(None)),
        )
        .order_by(Employee.unit_id, Employee.name, Employee.id)
    )
    if unit_id is not None:
        stmt = stmt.where(Employee.unit_id == unit_id)
    with unit_of_work(engine) as session:
        rows = session.execute(stmt).all()
    return [
        MissingEmployee(
            r[0], r[1], r[2], r[3] or "", mask_phone(r[4]), r[5] is not None, r[6] is not None
        )
        for r in rows
    ]


def find_unit(engine: Engine, name: str) -> int:
    """A live unit by its name or short name; `ValidationError` if none or several."""
    name = name.strip()
    with unit_of_work(engine) as session:
        live = Unit.deleted_at.is_(None)
        found = session.scalars(select(Unit.id).where(live, Unit.name == name)).all()
        if not found:
            found = session.scalars(select(Unit.id).where(live, Unit.short_name == name)).all()
    if not found:
        raise ValidationError({"unit": f"没有名为“{name}”的成员单位"})
    if len(found) > 1:
        raise ValidationError({"unit": f"有{len(found)}个成员单位简称为“{name}”，请写全称"})
    return found[0]
