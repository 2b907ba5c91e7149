"""A unit's staff list (职工名单) from Excel, and its template.

Towns keep these lists by hand in Excel: dates typed as 2024.3.5 or 2024年3月5日, or only a
是/否 in a 是否签订 column. Employees are matched within the unit by ID number, else by name
and phone, else by a name only one employee has; a known one is updated with what the file
gives (an empty cell never clears a date), the others are added; all in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.progress import Job, Progress
from app.core.validation import FormField, ValidationError
from app.org.staff import EMPLOYEE_FIELDS
from app.sheets.reading import (
    RowError,
    RowErrors,
    RowImportResult,
    RowPlan,
    SheetRow,
    read_rows,
)
from app.sheets.writing import SheetTable, write_tables_xlsx
from db.engine import unit_of_work
from db.models import Employee, Unit

ImportMode = Literal["all_or_nothing", "good_rows"]
_FIELDS = {f.key: f for f in EMPLOYEE_FIELDS}
DATE_KEYS = ("commitment_signed_on", "app_installed_on")
# Dates are read as text and parsed here: a hand-kept list writes them every which way.
COLUMNS: tuple[FormField, ...] = (
    _FIELDS["name"],
    _FIELDS["post"],
    _FIELDS["mobile"],
    _FIELDS["id_number"],
    FormField("commitment_signed_on", "签订承诺书日期"),
    FormField("app_installed_on", "安装反诈APP日期"),
    FormField("signed_flag", "是否签订承诺书", kind="bool"),
    FormField("installed_flag", "是否安装反诈APP", kind="bool"),
    _FIELDS["notes"],
)
TEMPLATE_KEYS = ("name", "post", "mobile", "id_number", *DATE_KEYS, "notes")
ALIASES = {
    "职工姓名": "name",
    "岗位": "post",
    "手机号码": "mobile",
    "手机号": "mobile",
    "联系电话": "mobile",
    "电话": "mobile",
    "身份证号": "id_number",
    "身份证": "id_number",
    "承诺书签订日期": "commitment_signed_on",
    "签订日期": "commitment_signed_on",
    "签订承诺书": "commitment_signed_on",
    "安装日期": "app_installed_on",
    "APP安装日期": "app_installed_on",
    "安装APP日期": "app_installed_on",
    "安装反诈APP": "app_installed_on",
    "是否签订": "signed_flag",
    "是否签承诺书": "signed_flag",
    "是否安装": "installed_flag",
    "是否安装APP": "installed_flag",
    "是否安装国家反诈中心APP": "installed_flag",
}
_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_day(text: str) -> date | None:
    """`2024-03-05`, `2024/3/5`, `2024.3.5`, `2024年3月5日` (and `2024-03-05 00:00`) as a date."""
    text = text.strip().split(" ")[0]
    match = _DAY.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


@dataclass(frozen=True)
class StaffImportRow:
    """A good row: its values and the employee it updates (None: a new employee)."""

    row_number: int
    values: dict[str, Any]
    employee_id: int | None = None


@dataclass
class StaffPreview(RowPlan):
    """What an import would do: employees to add and update, and the bad rows."""

    unit_name: str = ""


StaffImportResult = RowImportResult


def _row_values(row: SheetRow, today: date) -> tuple[dict[str, Any], list[RowError]]:
    """The employee values of a row: dates parsed, 是 without a date meaning today."""
    values = {k: v for k, v in row.values.items() if k in _FIELDS}
    errors = []
    for key, flag in (
        ("commitment_signed_on", "signed_flag"),
        ("app_installed_on", "installed_flag"),
    ):
        label = _FIELDS[key].label
        text = values.get(key)
        if text is not None:
            day = parse_day(str(text))
            if day is None:
                errors.append(RowError(row.row_number, label, f"“{text}”不是日期，应如2024-03-05"))
                continue
            if day > today:
                errors.append(RowError(row.row_number, label, "不能晚于今天"))
                continue
            values[key] = day
        elif row.values.get(flag):
            values[key] = today  # 是 without a date: known from today on
        if row.values.get(flag) is False and values.get(key) is not None:
            errors.append(RowError(row.row_number, label, "填了日期，但“是否”一列填的是“否”"))
    return values, errors


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or unit.deleted_at is not None:
        raise ValidationError({"": "成员单位不存在或已被删除"})
    return unit


def _plan(session: Session, unit_id: int, path: Path, today: date) -> StaffPreview:
    unit = _unit(session, unit_id)
    sheet = read_rows(path, COLUMNS, ALIASES)
    preview = StaffPreview(unit_name=unit.name, errors=list(sheet.errors))
    existing = session.scalars(
        select(Employee).where(Employee.unit_id == unit_id, Employee.deleted_at.is_(None))
    ).all()
    by_id = {e.id_number: e.id for e in existing if e.id_number}
    by_mobile = {(e.name, e.mobile): e.id for e in existing if e.mobile}
    by_name: dict[str, list[int]] = {}
    for e in existing:
        by_name.setdefault(e.name, []).append(e.id)
    seen: dict[tuple, int] = {}
    for row in sheet.rows:
        values, errors = _row_values(row, today)
        keys = [("id", values["id_number"])] if values.get("id_number") else []
        if values.get("mobile"):
            keys.append(("mobile", values["name"], values["mobile"]))
        for key in keys:
            if key in seen:
                errors.insert(0, RowError(row.row_number, "姓名", f"与第{seen[key]}行是同一人"))
                break
        if errors:
            preview.errors.extend(errors)
            continue
        for key in keys:
            seen[key] = row.row_number
        match = by_id.get(values.get("id_number") or "") or by_mobile.get(
            (values["name"], values.get("mobile"))
        )
        if match is None and len(by_name.get(values["name"], [])) == 1:
            match = by_name[values["name"]][0]
        planned = StaffImportRow(row.row_number, values, match)
        (preview.updates if match else preview.creates).append(planned)
    preview.errors.sort(key=lambda e: e.row_number)
    return preview


def preview_staff_import(
    engine: Engine, unit_id: int, path: Path | str, today: date | None = None
) -> StaffPreview:
    """What importing `path` into the unit's staff list would do; writes nothing."""
    with unit_of_work(engine) as session:
        return _plan(session, unit_id, Path(path), today or date.today())


def import_staff(
    engine: Engine,
    unit_id: int,
    path: Path | str,
    user: str | None,
    mode: ImportMode = "all_or_nothing",
    today: date | None = None,
) -> Job[StaffImportResult]:
    """Import a staff list into a unit in one transaction (modes as in the units import)."""
    if mode not in ("all_or_nothing", "good_rows"):
        raise ValueError(f"unknown import mode {mode}")
    yield Progress(0, 1, "正在读取文件…")
    with unit_of_work(engine, user) as session:
        plan = _plan(session, unit_id, Path(path), today or date.today())
        if plan.errors and mode == "all_or_nothing":
            raise RowErrors(plan.errors, f"有{len(plan.errors)}处错误，未导入任何数据")
        total = plan.good_rows
        for done, row in enumerate([*plan.creates, *plan.updates]):
            if row.employee_id is None:
                employee = Employee(unit_id=unit_id, **row.values)
                session.add(employee)
                session.flush()
                audit.record(session, "import", "employee", employee.uuid, "新增")
            else:
                employee = session.get_one(Employee, row.employee_id)
                changed = [
                    k for k, v in row.values.items() if v is not None and getattr(employee, k) != v
                ]
                for key in changed:
                    setattr(employee, key, row.values[key])
                if changed:
                    audit.record(
                        session, "import", "employee", employee.uuid, f"更新:{','.join(changed)}"
                    )
            if done % 100 == 0:
                yield Progress(done, total, f"已导入 {done} / {total} 名职工")
        yield Progress(total, total, "正在保存…")
    return StaffImportResult(len(plan.creates), len(plan.updates), tuple(plan.errors))


def write_staff_template(path: Path | str, unit_name: str = "") -> None:
    """The staff list template: the columns with an example row, and a 填写说明 sheet."""
    columns = [next(f for f in COLUMNS if f.key == key) for key in TEMPLATE_KEYS]
    headers = [f.label + ("*" if f.required else "") for f in columns]
    example = ["张晓燕", "科员", "13800000001", "", "2024-03-05", "2024-03-05", "示例行，请删除"]
    widths = (12, 16, 15, 22, 16, 18, 24)
    title = f"{unit_name}职工名单" if unit_name else "职工名单"
    sheet = SheetTable(title, headers, [example], widths, frozenset(range(len(headers))), {}, 300)
    notes = [
        ["第一行是表头，请勿改动；从第二行起每行填一名职工。示例行请删除。"],
        ["姓名*", "必填，不超过64个字"],
        ["手机", "11位手机号，或带区号的固定电话"],
        ["身份证号码", "18位（末位可为X），可不填；填了就按身份证号码识别是否同一人"],
        ["签订承诺书日期", "如2024-03-05、2024/3/5、2024.3.5或2024年3月5日；未签订的空着"],
        ["安装反诈APP日期", "同上；未安装的空着"],
        [
            "是否签订承诺书 / 是否安装反诈APP",
            "也可以不填日期，只在这两列填“是”或“否”；只填“是”时按导入当天记录",
        ],
        ["再次导入", "按身份证号码、或姓名和手机识别已有职工并更新；空着的格子不会清除已有的日期"],
    ]
    guide = SheetTable("填写说明", ["列", "填写要求"], notes, (30, 90))
    write_tables_xlsx(path, [sheet, guide])
