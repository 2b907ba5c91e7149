"""Import of household rosters (住户花名册) from Excel or CSV, with a row-by-row report.

Two shapes of roster are read, told apart by their columns:

- one row per household: the head of household's name, ID number, phone, address, village,
  grid, family size, key-group tags and notes (the grid system's export);
- a 花名册, one row per person: rows with the same 户号 are one household, or, without 户号,
  a row whose 与户主关系 is 户主 starts a household and the rows below it are its members.
  Its head is the 户主 row (the first row of a 户号 when there is no 与户主关系 column).

Every person becomes a resident (gender and birth date from the ID number); the head also
fills the household's own columns. Cells are normalised as a clerk would
(app.exchange.roster.normalise)
and checked with the rules forms use. Refused: a bad ID number, an impossible birth date, a
missing name, the same head twice in the file, a head already in the database (skipped or, by
option, the stored household updated: the file's filled cells replace the stored values).
Villages and grids the file names are created only if the caller agrees (`create_missing`).
Good rows are written in one transaction with Core bulk inserts (app.exchange.roster.write); a dry
run
(`preview_household_import`) and a cancelled import write nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine

from app.core.progress import Job, Progress
from app.core.validation import ValidationError
from app.exchange.roster.columns import COLUMN_BY_KEY, RosterLayout, detect_layout, not_a_roster
from app.exchange.roster.columns import load_remembered as load_remembered_mapping
from app.exchange.roster.normalise import (
    Cell,
    OldIds,
    clean_id_number,
    clean_name,
    clean_phone,
    clean_place,
    clean_relation,
    clean_size,
    clean_tags,
    clean_text,
)
from app.exchange.roster.plan import (
    STATUS_LABELS,
    MissingPlaces,
    PersonRow,
    RosterPlan,
    RosterResult,
    plan_rows,
)
from app.exchange.roster.rows import MergedFill, data_rows
from app.sheets.files import SheetFile, open_sheet_file
from db.engine import unit_of_work

Duplicates = Literal["skip", "update"]
PROGRESS_EVERY = 2000


@dataclass(frozen=True)
class RosterOptions:
    """How to import a roster.

    `village`: the village of rows whose file has no 村居 column or an empty cell.
    `duplicates`: a head already in the database is skipped, or the stored household updated.
    `old_ids`: 15-digit ID numbers are converted to 18 digits, or kept as they are (flagged).
    `create_missing`: create the villages and grids the file names that do not exist; True,
    False, or a function asked with the `MissingPlaces` before anything is written.
    `layout`: the column mapping the clerk confirmed; None finds it from the headers and the
    remembered mapping.
    """

    village: str | None = None
    duplicates: Duplicates = "skip"
    old_ids: OldIds = "convert"
    create_missing: bool | Callable[[MissingPlaces], bool] = False
    layout: RosterLayout | None = None


def _person(number: int, cells: dict[str, Any], options: RosterOptions) -> PersonRow:
    """Clean one row's cells into a person-row with notes and errors."""
    name = clean_name(cells.get("name"), COLUMN_BY_KEY["name"].label)
    row = PersonRow(number, name.value)
    checked: list[tuple[str, Cell]] = [("姓名", name)]
    if "id_number" in cells:
        cell = clean_id_number(cells["id_number"], options.old_ids)
        row.id_number = cell.value
        checked.append(("身份证号码", cell))
    if "phone" in cells:
        cell = clean_phone(cells["phone"])
        row.phone = cell.value
        checked.append(("联系电话", cell))
        row.notes_text = cell.extra
    if "relation" in cells:
        cell = clean_relation(cells["relation"])
        row.relation = cell.value
        checked.append(("与户主关系", cell))
    if "tags" in cells:
        cell = clean_tags(cells["tags"])
        row.tags = cell.value
        checked.append(("重点人群", cell))
    if "size" in cells:
        cell = clean_size(cells["size"])
        row.size = cell.value
        checked.append(("家庭人口", cell))
    if "address" in cells:
        cell = clean_text(cells["address"], "地址", 200)
        row.address = cell.value
        checked.append(("地址", cell))
    if "notes" in cells:
        cell = clean_text(cells["notes"], "备注", 2000)
        checked.append(("备注", cell))
        row.notes_text = "；".join(t for t in (cell.value, row.notes_text) if t) or None
    row.village = clean_place(cells.get("village"))
    row.grid = clean_place(cells.get("grid"))
    row.household_number = clean_place(cells.get("household_number"))
    for label, cell in checked:
        row.notes.extend(cell.notes)
        if cell.error:
            row.errors.append(f"{label}：{cell.error}")
    if row.errors:
        row.refuse("；".join(row.errors))
    return row


def _read_rows(
    book: SheetFile, layout: RosterLayout, options: RosterOptions
) -> Job[list[PersonRow]]:
    """Every non-empty row after the header, cleaned; yields progress while reading."""
    people: list[PersonRow] = []
    sheet = book.sheet(layout.sheet_index)
    total = max(sheet.total_rows - layout.header_row, 1)
    positions = [(i, k) for i, k in sorted(layout.mapping.items()) if k]
    fill = MergedFill(sheet.merged, layout.header_row)
    yield Progress(0, total, "正在读取名单…")
    for count, (number, cells) in enumerate(data_rows(sheet, layout, positions, fill)):
        people.append(_person(number, cells, options))
        if count % PROGRESS_EVERY == 0:
            yield Progress(number - layout.header_row, total, f"已读取 {count} 行…")
    return people


def _layout_of(path: Path, book: SheetFile, engine: Engine, options: RosterOptions) -> RosterLayout:
    if options.layout is not None:
        layout = options.layout
    else:
        layout = detect_layout(book, load_remembered_mapping(engine))
    problem = not_a_roster(path.name, layout)
    if problem:
        raise ValidationError({"": problem})
    if "village" not in layout.keys and not options.village:
        raise ValidationError(
            {"": f"“{path.name}”中没有村居列：请指定这份名单属于哪个村居（--village 村居名称）。"}
        )
    return layout


def plan_import(
    session: Any, path: Path | str, options: RosterOptions, engine: Engine
) -> Job[RosterPlan]:
    """Read and check the file and match it against the database in `session`; writes nothing."""
    from app.exchange.roster.match import resolve_against_database

    path = Path(path)
    with open_sheet_file(path) as book:
        layout = _layout_of(path, book, engine, options)
        rows = yield from _read_rows(book, layout, options)
    if not rows:
        raise ValidationError({"": f"“{path.name}”的表头下面没有任何数据行。"})
    yield Progress(0, 1, "正在核对重复和村居、网格…")
    plan = RosterPlan(layout, rows, plan_rows(rows, layout, options.village))
    resolve_against_database(session, plan, options.duplicates)
    return plan


def preview_household_import(
    engine: Engine, path: Path | str, options: RosterOptions | None = None
) -> Job[RosterPlan]:
    """What importing `path` would do, row by row (a dry run); writes nothing.

    Rows in villages or grids that do not exist are shown as they would be with the
    `create_missing` choice; with a function there, the preview shows them created.
    """
    from app.exchange.roster.match import apply_missing_choice

    options = options or RosterOptions()
    if callable(options.create_missing):
        options = replace(options, create_missing=True)
    with unit_of_work(engine) as session:
        plan = yield from plan_import(session, path, options, engine)
    apply_missing_choice(plan, bool(options.create_missing))
    return plan


def import_households(
    engine: Engine, path: Path | str, user: str | None, options: RosterOptions | None = None
) -> Job[RosterResult]:
    """Import the roster's good rows in one transaction; every row gets a status in the result.

    A cancel (closing the job) or any error rolls everything back.
    """
    from app.exchange.roster.match import apply_missing_choice
    from app.exchange.roster.write import write_plan

    options = options or RosterOptions()
    with unit_of_work(engine, user) as session:
        plan = yield from plan_import(session, path, options, engine)
        choice = options.create_missing
        create = bool(plan.missing) and (choice(plan.missing) if callable(choice) else choice)
        apply_missing_choice(plan, bool(create))
        result = yield from write_plan(session, plan, user)
    return result


def report_rows(plan: RosterPlan) -> Iterator[tuple[int, str, str, str, int, str, str]]:
    """(row, status, name, ID number, head's row, what was normalised, reason) per row."""
    for row in sorted(plan.rows, key=lambda r: r.row_number):
        yield (
            row.row_number,
            STATUS_LABELS[row.status],
            row.name or "",
            row.id_number or "",
            row.head_row or row.row_number,
            "；".join(row.notes),
            row.reason,
        )


def known_villages(engine: Engine) -> list[str]:
    """The names of the live villages, in their order, for the clerk to pick one."""
    from sqlalchemy import select

    from db.models import Unit

    with unit_of_work(engine) as session:
        return list(
            session.scalars(
                select(Unit.name)
                .where(Unit.kind == "village", Unit.deleted_at.is_(None))
                .order_by(Unit.sort_order, Unit.id)
            )
        )


def inspect_roster(engine: Engine, path: Path | str) -> RosterLayout:
    """Where the roster is in `path` and its columns, mapped from headers and earlier choices.

    Raises a Chinese `ValidationError` when the file cannot be read.
    """
    with open_sheet_file(path) as book:
        return detect_layout(book, load_remembered_mapping(engine))
