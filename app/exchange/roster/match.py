"""A roster against the database: its villages and grids, and heads of household already stored.

Reads only: the live villages and grids, and the stored heads the file names, looked up by ID
number in chunks through the index, so a 50,000-row file costs about a hundred queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.idnumber import upgrade_old_id_number
from app.exchange.roster.normalise import grid_name_for, grid_number
from app.exchange.roster.plan import MissingPlaces, PlannedHousehold, RosterPlan
from db.models import Grid, Household, Unit

IN_CHUNK = 500


def chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _id_forms(number: str) -> tuple[str, ...]:
    """The forms one person's number may be stored in: 18 digits, and the old 15 digits."""
    if len(number) == 15:
        upgraded = upgrade_old_id_number(number)
        return (number, upgraded) if upgraded else (number,)
    if len(number) == 18 and number[6:8] == "19":
        return (number, number[:6] + number[8:17])
    return (number,)


class _Places:
    """Live villages (by name and short name) and their grids (by name and by number)."""

    def __init__(self, session: Session) -> None:
        self.villages: dict[str, int] = {}
        for unit_id, name, short in session.execute(
            select(Unit.id, Unit.name, Unit.short_name)
            .where(Unit.kind == "village", Unit.deleted_at.is_(None))
            .order_by(Unit.id.desc())
        ):
            self.villages[name] = unit_id  # by descending id: the oldest of a name wins
            if short:
                self.villages.setdefault(short, unit_id)
        self.grids: dict[tuple[int, str], int] = {}
        self.grid_numbers: dict[tuple[int, int], int] = {}
        for grid_id, village_id, name in session.execute(
            select(Grid.id, Grid.village_id, Grid.name)
            .where(Grid.deleted_at.is_(None))
            .order_by(Grid.id.desc())
        ):
            self.grids[(village_id, name)] = grid_id
            number = grid_number(name)
            if number is not None:
                self.grid_numbers[(village_id, number)] = grid_id

    def grid(self, village_id: int, cell: str) -> int | None:
        """The grid a cell names in a village: by name, else by its number (3 = 第3网格)."""
        found = self.grids.get((village_id, cell)) or self.grids.get(
            (village_id, grid_name_for(cell))
        )
        if found is None:
            number = grid_number(cell)
            if number is not None:
                found = self.grid_numbers.get((village_id, number))
        return found


def _existing_heads(session: Session, households: Sequence[PlannedHousehold]) -> dict[str, int]:
    """Stored live households of the file's heads: each ID number form → household id."""
    if session.scalar(select(Household.id).limit(1)) is None:
        return {}  # a new database: nothing to look up
    wanted: dict[str, str] = {}
    for household in households:
        if household.head.id_number:
            for form in _id_forms(household.head.id_number):
                wanted[form] = household.head.id_number
    found: dict[str, int] = {}
    for chunk in chunks(sorted(wanted), IN_CHUNK):
        for household_id, number in session.execute(
            select(Household.id, Household.head_id_number).where(
                Household.head_id_number.in_(chunk), Household.deleted_at.is_(None)
            )
        ):
            found.setdefault(wanted[number], household_id)
    return found


def _existing_unnumbered(
    session: Session, households: Sequence[PlannedHousehold]
) -> dict[tuple[int, str, str], int]:
    """Stored heads without an ID number, by (village, name, address)."""
    names = sorted({h.head.name for h in households if not h.head.id_number and h.head.name})
    found: dict[tuple[int, str, str], int] = {}
    for chunk in chunks(names, IN_CHUNK):
        for household_id, village_id, name, address in session.execute(
            select(Household.id, Household.village_id, Household.head_name, Household.address)
            .where(Household.head_name.in_(chunk), Household.deleted_at.is_(None))
            .where(Household.head_id_number.is_(None))
        ):
            found.setdefault((village_id, name, address), household_id)
    return found


def resolve_against_database(session: Session, plan: RosterPlan, duplicates: str) -> None:
    """Find each household's village and grid, the missing ones, and heads already stored."""
    places = _Places(session)
    missing_villages: list[str] = []
    missing_grids: list[tuple[str, str]] = []
    live = [h for h in plan.households if h.head.status != "rejected"]
    for household in live:
        household.village_id = places.villages.get(household.village)
        if household.village_id is None and household.village not in missing_villages:
            missing_villages.append(household.village)
        if household.grid is None:
            continue
        household.grid = grid_name_for(household.grid)  # 3, 3号网格 and 第三网格 are 第3网格
        if household.village_id is not None:
            household.grid_id = places.grid(household.village_id, household.grid)
        if household.grid_id is None and (household.village, household.grid) not in missing_grids:
            missing_grids.append((household.village, household.grid))
    plan.missing = MissingPlaces(tuple(missing_villages), tuple(missing_grids))
    by_id = _existing_heads(session, live)
    by_name = _existing_unnumbered(session, live)
    for household in live:
        head = household.head
        if head.id_number:
            household.existing_id = by_id.get(head.id_number)
            reason = "身份证号码相同"
        elif household.village_id is not None and head.name:
            key = (household.village_id, head.name, head.address or "")
            household.existing_id = by_name.get(key)
            reason = "村居、姓名和地址相同"
        if household.existing_id is None:
            continue
        status = "updated" if duplicates == "update" else "skipped"
        for row in household.rows:
            row.status = status
            if status == "skipped":
                row.reason = f"数据库中已有此户主（{reason}），按选择跳过"
            else:
                row.reason = f"数据库中已有此户主（{reason}），已按文件更新"


def apply_missing_choice(plan: RosterPlan, create: bool) -> None:
    """Rows in missing villages or grids: imported into new ones, or refused."""
    plan.create_missing = create
    new_villages = set(plan.missing.villages)
    new_grids = set(plan.missing.grids)
    noted: set[Any] = set()
    for household in plan.writes:
        village_missing = household.village in new_villages
        grid_missing = (
            household.grid is not None and (household.village, household.grid) in new_grids
        )
        if not (village_missing or grid_missing):
            continue
        if not create:
            what = f"村居“{household.village}”" if village_missing else f"网格“{household.grid}”"
            for row in household.rows:
                row.status, row.reason = "rejected", f"{what}不存在（未同意新建）"
            continue
        created = []
        if village_missing and household.village not in noted:
            noted.add(household.village)
            created.append(f"新建村居“{household.village}”")
        key = (household.village, household.grid)
        if grid_missing and key not in noted:
            noted.add(key)
            created.append(f"新建网格“{household.village}{household.grid}”")
        if created:  # not a normalisation: said in the reason column of the first such row
            household.head.reason = "；".join([household.head.reason, *created]).strip("；")
