"""The columns of the member-unit exchange file, and how a row's four people are read.

Shared by the export, the template and the import in app/exchange/units.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from app.core.validation import FormField
from app.core.vocab import UNIT_ROLES
from app.org.unit_roles import MULTIPLE_ROLES, RolePerson, person_fields
from app.org.units import UNIT_FIELDS
from app.sheets.reading import RowError, SheetRow, clean_row
from app.sheets.writing import SheetTable

_SEPARATOR = re.compile(r"[、,，;；]")

UNIT_COLUMN_KEYS = ("name", "kind", "address", "phone", "duties")
UNIT_COLUMNS = tuple(f for key in UNIT_COLUMN_KEYS for f in UNIT_FIELDS if f.key == key)


def _role_columns(code: str, label: str) -> tuple[FormField, ...]:
    # read as text: a lecturer cell may hold several names, checked one by one afterwards
    return (
        FormField(f"{code}_name", label),
        FormField(f"{code}_post", f"{label}职务"),
        FormField(f"{code}_mobile", f"{label}手机"),
    )


ROLE_COLUMNS = tuple(c for code, label in UNIT_ROLES.items() for c in _role_columns(code, label))
COLUMNS: tuple[FormField, ...] = UNIT_COLUMNS + ROLE_COLUMNS
WIDTHS = {"name": 28, "address": 28, "phone": 16, "duties": 40, "lecturer_name": 20}
WIDTHS.update({f"{code}_mobile": 14 for code in UNIT_ROLES})
WIDTHS["lecturer_mobile"] = 26
ALIASES = {
    "单位": "name",
    "名称": "name",
    "单位类别": "kind",
    "类型": "kind",
    "单位地址": "address",
    "电话": "phone",
    "办公电话": "phone",
    "职责": "duties",
}


def _split(text: Any) -> list[str]:
    return [part.strip() for part in _SEPARATOR.split(str(text))]


def people_of_row(
    row: SheetRow, roles_in_file: Sequence[str]
) -> tuple[list[RolePerson], list[RowError]]:
    """The people named on a row, each checked with the person rules; errors per cell."""
    people: list[RolePerson] = []
    errors: list[RowError] = []
    n = row.row_number
    for code in roles_in_file:
        label = UNIT_ROLES[code]
        name_f, post_f, mobile_f = person_fields(label)
        names_cell = row.values.get(f"{code}_name")
        post_cell = row.values.get(f"{code}_post")
        mobile_cell = row.values.get(f"{code}_mobile")
        if names_cell is None:
            if post_cell is not None or mobile_cell is not None:
                errors.append(RowError(n, label, "填了职务或手机，但没有填姓名"))
            continue
        several = code in MULTIPLE_ROLES
        names = _split(names_cell) if several else [names_cell]
        if "" in names:
            errors.append(RowError(n, label, "多个姓名之间有空项"))
            continue
        columns: list[list[Any]] = []
        for f, cell in ((post_f, post_cell), (mobile_f, mobile_cell)):
            parts = [None] * len(names) if cell is None else _split(cell) if several else [cell]
            if len(parts) != len(names):
                errors.append(
                    RowError(n, f.label, f"有{len(names)}个姓名，却填了{len(parts)}个{f.label}")
                )
            columns.append(parts)
        if any(len(parts) != len(names) for parts in columns):
            continue
        for name, post, mobile in zip(names, *columns, strict=True):
            cells = {"name": name, "post": post, "mobile": mobile}
            values, cell_errors = clean_row((name_f, post_f, mobile_f), cells, n)
            if several and cell_errors:
                cell_errors = [
                    RowError(e.row_number, e.column_label, f"{name}：{e.message}")
                    for e in cell_errors
                ]
            errors.extend(cell_errors)
            people.append(RolePerson(code, values["name"], values["post"], values["mobile"]))
    return people, errors


def units_table(title: str, rows: Sequence[Sequence[Any]], blank_rows: int = 0) -> SheetTable:
    """The units sheet: required columns marked `*`, 类别 as a drop-down, phones as text."""
    headers = [f.label + ("*" if f.required else "") for f in COLUMNS]
    widths = [
        max(len(h) * 2 + 2, WIDTHS.get(f.key, 12)) for h, f in zip(headers, COLUMNS, strict=True)
    ]
    text_columns = frozenset(i for i, f in enumerate(COLUMNS) if f.kind != "choice")
    kind = next(i for i, f in enumerate(COLUMNS) if f.key == "kind")
    return SheetTable(
        title,
        headers,
        rows,
        widths,
        text_columns,
        {kind: [label for _, label in COLUMNS[kind].choice_list()]},
        blank_rows,
    )


EXAMPLE_ROW = (
    "平安镇派出所",
    "派出所",
    "平安镇人民路1号",
    "0571-88881234",
    "负责涉诈警情处置和预警劝阻",
    "王建国",
    "所长",
    "13800000001",
    "李志强",
    "副所长",
    "13800000002",
    "张晓燕",
    "内勤民警",
    "13800000003",
    "赵敏、陈刚",
    "社区民警、辅警",
    "13800000004、13800000005",
)
