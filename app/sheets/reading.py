"""Read the rows of an .xlsx for an import, checked with the same field rules as the forms.

Generic: a caller names its columns as `FormField`s (their labels are the expected headers) and
gets back clean values per row, or per-row errors carrying the real Excel row number, so a clerk
can find row 37 in the file he filled in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.core.validation import FormField, ValidationError, clean_value
from app.sheets.files import open_sheet_file, unreadable

# The header row is looked for among the first rows: forms often carry a title row or two.
HEADER_SEARCH_ROWS = 10
# Sheets formatted down to row 1,048,576 must not be read to the end.
EMPTY_ROWS_BEFORE_STOP = 200
_HEADER_NOISE = re.compile(r"[\s\u3000]+")
_EXCEL_ERRORS = frozenset(
    ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")
)
_TRUE_WORDS = frozenset(("是", "有", "已", "Y", "YES", "TRUE", "1", "√"))
_FALSE_WORDS = frozenset(("否", "无", "未", "N", "NO", "FALSE", "0", "×"))


@dataclass(frozen=True)
class RowError:
    """What is wrong in one cell (or one row, when `column_label` is empty) of the file."""

    row_number: int
    column_label: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row_number}行"
        if self.column_label:
            return f"{where} {self.column_label}：{self.message}"
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class SheetRow:
    """One good row: its Excel row number and the cleaned values of the columns present."""

    row_number: int
    values: dict[str, Any]


@dataclass
class SheetRows:
    """What `read_rows` found: good rows, bad rows' errors, and which columns the file has."""

    rows: list[SheetRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    header_row: int = 0
    sheet_title: str = ""


@dataclass
class RowPlan:
    """What an import would do: the rows to create and to update, and the bad rows' errors."""

    creates: list[Any] = field(default_factory=list)
    updates: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def good_rows(self) -> int:
        """How many rows can be written."""
        return len(self.creates) + len(self.updates)


@dataclass(frozen=True)
class RowImportResult:
    """What an import did: rows created and updated, and the rows it left out."""

    created: int
    updated: int
    errors: tuple[RowError, ...] = ()


class RowErrors(ValidationError):
    """An import refused because of bad rows; `row_errors` keeps them one by one."""

    def __init__(self, row_errors: Sequence[RowError], summary: str = "") -> None:
        messages = {f"{i}": str(e) for i, e in enumerate(row_errors)}
        if summary:
            messages = {"": summary, **messages}
        super().__init__(messages)
        self.row_errors = list(row_errors)


def header_text(value: Any) -> str:
    """A header cell as compared: no spaces (full-width too), no trailing required mark `*`."""
    text = _HEADER_NOISE.sub("", str(value or ""))
    return text.rstrip("*＊")


def _cell_for(f: FormField, raw: Any) -> tuple[Any, str | None]:
    """A cell value as `clean_value` expects it for this field, or an error about the cell."""
    if isinstance(raw, str):
        raw = raw.strip()
        if raw in _EXCEL_ERRORS:
            return None, f"单元格是公式错误值{raw}"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # Excel keeps every number as a float: 13812345678.0
    if raw is None or raw == "":
        return None, None
    if f.kind == "date" and isinstance(raw, datetime):
        return raw.date(), None
    if f.kind == "bool" and isinstance(raw, str):
        word = raw.upper()
        if word in _TRUE_WORDS or word in _FALSE_WORDS:
            return word in _TRUE_WORDS, None
        return raw, f"应填“是”或“否”，不是“{raw}”"
    if f.kind == "choice":
        by_label = {label: value for value, label in f.choice_list()}
        return by_label.get(str(raw), raw), None
    if f.kind in ("text", "multiline", "phone", "id_number"):
        if isinstance(raw, bool):
            return "是" if raw else "否", None
        if isinstance(raw, datetime) and raw.time() != datetime.min.time():
            return raw.isoformat(sep=" ", timespec="minutes"), None
        if isinstance(raw, datetime):
            return raw.date().isoformat(), None
        if isinstance(raw, date):
            return raw.isoformat(), None
        return str(raw), None
    return raw, None


def _message_for(f: FormField, raw: Any, message: str) -> str:
    """`clean_value`'s message without the label the error line already shows."""
    text = message.removeprefix(f.label).removeprefix("的")
    if f.kind == "choice" and raw is not None:
        allowed = "、".join(label for _, label in f.choice_list())
        text = f"“{raw}”不是可选的{f.label}，应为：{allowed}"
    return text or message


def clean_row(
    columns: Sequence[FormField], cells: Mapping[str, Any], row_number: int
) -> tuple[dict[str, Any], list[RowError]]:
    """Clean the cells of one row (key → raw value) with each field's form rules."""
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for f in columns:
        if f.key not in cells:
            continue
        raw, error = _cell_for(f, cells[f.key])
        if error is None:
            value, error = clean_value(f, raw)
            values[f.key] = value
            if error:
                error = _message_for(f, raw, error)
        if error:
            errors.append(RowError(row_number, f.label, error))
    return values, errors


def _find_header(
    rows: Sequence[Sequence[Any]], columns: Sequence[FormField], aliases: Mapping[str, str]
) -> tuple[int, dict[str, int], list[str]]:
    """The header row's index, its column positions per key, and required labels it lacks."""
    by_text = {header_text(f.label): f.key for f in columns}
    by_text.update({header_text(alias): key for alias, key in aliases.items()})
    required = [f for f in columns if f.required]
    best: tuple[int, dict[str, int], list[str]] | None = None
    for index, row in enumerate(rows):
        positions: dict[str, int] = {}
        for position, value in enumerate(row):
            key = by_text.get(header_text(value))
            if key is not None and key not in positions:
                positions[key] = position
        missing = [f.label for f in required if f.key not in positions]
        if positions and not missing:
            return index, positions, []
        if positions and (best is None or len(positions) > len(best[1])):
            best = (index, positions, missing)
    if best is None:
        return -1, {}, [f.label for f in required]
    return best


def _rows_after_header(
    rows: Iterable[Sequence[Any]], positions: Mapping[str, int], first_number: int
) -> Iterable[tuple[int, dict[str, Any]]]:
    """(row number, key → raw cell) of each non-empty row; stops after a long empty stretch."""
    empty_run = 0
    for number, row in enumerate(rows, start=first_number):
        cells = {key: row[pos] if pos < len(row) else None for key, pos in positions.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            empty_run += 1
            if empty_run >= EMPTY_ROWS_BEFORE_STOP:
                return
            continue
        empty_run = 0
        yield number, cells


def read_rows(
    path: Path | str, columns: Sequence[FormField], aliases: Mapping[str, str] | None = None
) -> SheetRows:
    """Read and clean the rows of the first sheet of an .xlsx (or .xls, .ods, .csv).

    The header row is the first of the first ten rows holding every required column label
    (spaces and a trailing `*` ignored; `aliases` maps other header texts to field keys).
    Columns the file lacks are left out of each row's values, so an update keeps what it had.
    Cells of a merged range other than its first are empty. Formulas
    give the value Excel last computed. Raises `ValidationError` with a Chinese message when
    the file is not a readable spreadsheet or lacks a required header.
    """
    path = Path(path)
    with open_sheet_file(path) as book:
        sheet = book.sheet(0)
        rows = sheet.rows
        try:
            head = [row for _, row in zip(range(HEADER_SEARCH_ROWS), rows, strict=False)]
            index, positions, missing = _find_header(head, columns, aliases or {})
            if missing:
                raise ValidationError(
                    {
                        "": f"“{path.name}”的表头缺少必填列：{'、'.join(missing)}。"
                        "请在前10行内放一行表头，或使用导入模板。"
                    }
                )
            result = SheetRows(
                columns=tuple(f.key for f in columns if f.key in positions),
                header_row=index + 1,
                sheet_title=sheet.title,
            )

            def after_header() -> Iterable[Sequence[Any]]:
                yield from head[index + 1 :]
                yield from rows

            for number, cells in _rows_after_header(after_header(), positions, index + 2):
                values, errors = clean_row(columns, cells, number)
                if errors:
                    result.errors.extend(errors)
                else:
                    result.rows.append(SheetRow(number, values))
        except ValidationError:
            raise
        except Exception as exc:  # a sheet that breaks half-way through is a damaged file
            raise unreadable(path, "文件已损坏，无法读完。") from exc
    return result
