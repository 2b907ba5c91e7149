"""A roster's rows grouped into households, and the file's own duplicates refused.

The data of an import: each person-row with its status (imported, updated, skipped,
rejected), what was normalised and why it was refused; the households they form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.exchange.roster.columns import RosterLayout

STATUS_LABELS = {"imported": "导入", "updated": "已更新", "skipped": "跳过", "rejected": "拒绝"}


@dataclass(frozen=True)
class MissingPlaces:
    """Villages and grids the file names that the database does not have."""

    villages: tuple[str, ...] = ()
    grids: tuple[tuple[str, str], ...] = ()  # (village, grid)

    def __bool__(self) -> bool:
        return bool(self.villages or self.grids)

    def describe(self) -> str:
        """In a clerk's words: 村居：桃源村、白鹤村；网格：桃源村第9网格."""
        parts = []
        if self.villages:
            parts.append("村居：" + "、".join(self.villages))
        if self.grids:
            parts.append("网格：" + "、".join(f"{v}{g}" for v, g in self.grids))
        return "；".join(parts)


@dataclass(slots=True)
class PersonRow:
    """One person-row of the file, cleaned."""

    row_number: int
    name: str | None
    id_number: str | None = None
    phone: str | None = None
    relation: str | None = None
    tags: str | None = None
    notes_text: str | None = None
    village: str | None = None
    grid: str | None = None
    household_number: str | None = None
    address: str | None = None
    size: int | None = None
    notes: list[str] = field(default_factory=list)  # what was normalised
    errors: list[str] = field(default_factory=list)
    status: str = "imported"
    reason: str = ""
    head_row: int = 0

    def refuse(self, reason: str) -> None:
        """Mark the row rejected (the first reason is kept)."""
        if self.status != "rejected":
            self.status, self.reason = "rejected", reason


@dataclass
class PlannedHousehold:
    """A household to create or update: its head, members and where it lives."""

    head: PersonRow
    members: list[PersonRow]
    village: str
    grid: str | None
    size: int
    tags: str | None
    existing_id: int | None = None
    village_id: int | None = None
    grid_id: int | None = None

    @property
    def rows(self) -> list[PersonRow]:
        """The head's row and the accepted member rows."""
        return [self.head, *(m for m in self.members if m.status != "rejected")]


@dataclass
class RosterPlan:
    """What an import would do: households to write, every row's status, missing places."""

    layout: RosterLayout
    rows: list[PersonRow] = field(default_factory=list)
    households: list[PlannedHousehold] = field(default_factory=list)
    missing: MissingPlaces = field(default_factory=MissingPlaces)
    create_missing: bool = False

    def count(self, status: str) -> int:
        """How many rows have `status` (imported, updated, skipped, rejected)."""
        return sum(1 for r in self.rows if r.status == status)

    @property
    def normalised(self) -> int:
        """Rows written with at least one value normalised."""
        return sum(1 for r in self.rows if r.notes and r.status in ("imported", "updated"))

    @property
    def writes(self) -> list[PlannedHousehold]:
        """The households whose head row is to be imported or updated."""
        return [h for h in self.households if h.head.status in ("imported", "updated")]

    def summary(self) -> str:
        """One line: 导入 n 行，已更新 n 行，跳过 n 行，拒绝 n 行（规范化 n 行）."""
        counts = "，".join(f"{label} {self.count(s)} 行" for s, label in STATUS_LABELS.items())
        return f"{counts}（其中规范化 {self.normalised} 行）"


@dataclass(frozen=True)
class RosterResult:
    """What an import wrote, and the plan whose rows are the per-row report."""

    plan: RosterPlan
    households_created: int
    households_updated: int
    residents_created: int
    residents_updated: int
    villages_created: int
    grids_created: int


def _is_head_like(row: PersonRow) -> bool:
    return row.relation in (None, "head")


def _group(rows: list[PersonRow]) -> list[list[PersonRow]]:
    """Rows grouped into households: by 户号 (in its village), else a head and the rows below.

    A member row whose village cell is empty belongs to the latest household of its 户号.
    """
    groups: list[list[PersonRow]] = []
    by_number: dict[tuple[str | None, str], list[PersonRow]] = {}
    latest: dict[str, list[PersonRow]] = {}
    current: list[PersonRow] | None = None
    for row in rows:
        number = row.household_number
        if number is not None:
            group = (
                by_number.get((row.village, number))
                if row.village is not None
                else latest.get(number)
            )
            if group is None:
                group = by_number[(row.village, number)] = []
                groups.append(group)
            group.append(row)
            latest[number] = current = group
        elif _is_head_like(row):
            current = [row]
            groups.append(current)
        elif current is not None:
            current.append(row)
        else:
            row.refuse("找不到所属的户：户主行应在家庭成员行之前，或为每一行填写户号")
    return groups


def _household(
    group: list[PersonRow], has_relation: bool, default_village: str | None
) -> PlannedHousehold | None:
    """The household of a group, its head chosen; rows that cannot belong are refused."""
    heads = [r for r in group if r.relation == "head"]
    if not heads and (not has_relation or group[0].relation is None):
        heads = [group[0]]
    if not heads:
        for row in group:
            row.refuse("这一户没有户主行（与户主关系应有一行为“户主”）")
        return None
    head = heads[0]
    for row in group:
        row.head_row = head.row_number
    for extra in heads[1:]:
        extra.refuse(f"同一户有两个户主（第{head.row_number}行已是户主）")
    members = [r for r in group if r is not head and r not in heads[1:]]
    village = head.village or default_village  # members live where their head does
    if village is None:
        head.refuse("村居：未填写（文件中没有村居或空着时，请在导入时指定村居）")
    if head.status == "rejected":
        for row in members:
            row.refuse(f"所属户主（第{head.row_number}行）未导入")
        return None
    for row in members:
        if row.relation is None and has_relation and row.status != "rejected":
            row.notes.append("与户主关系：未填写")
    assert village is not None
    return PlannedHousehold(head, members, village, head.grid, 0, None)


def _person_key(row: PersonRow, village: str) -> tuple[str, ...] | None:
    """Who the row is, for duplicates: the ID number, or without one village, name, address."""
    if row.id_number:
        return ("id", row.id_number)
    if row.address and row.name:
        return ("name", village, row.name, row.address)
    return None


def _refuse_duplicates(households: list[PlannedHousehold]) -> None:
    """The same head twice in the file: the later household is refused; so is a person twice."""
    seen: dict[tuple[str, ...], int] = {}
    for household in households:
        key = _person_key(household.head, household.village)
        if key is not None and key in seen:
            reason = "身份证号码相同" if key[0] == "id" else "村居、姓名和地址相同"
            first = seen[key]
            household.head.refuse(f"与第{first}行是同一户主（{reason}）")
            for row in household.members:
                row.refuse(f"所属户主（第{household.head.row_number}行）未导入")
        elif key is not None:
            seen[key] = household.head.row_number
    people = {k: v for k, v in seen.items() if k[0] == "id"}
    for household in households:
        if household.head.status == "rejected":
            continue
        for row in household.members:
            if row.status == "rejected" or not row.id_number:
                continue
            key = ("id", row.id_number)
            if key in people:
                row.refuse(f"身份证号码：与第{people[key]}行相同，同一人不能登记两次")
            else:
                people[key] = row.row_number


def _finish(household: PlannedHousehold) -> None:
    """Family size and the household's tags, once the member rows are settled."""
    members = [m for m in household.members if m.status != "rejected"]
    listed = 1 + len(members)
    given = household.head.size
    if given is None:
        household.size = listed
    elif given < listed:
        household.size = listed
        household.head.notes.append(f"家庭人口：填的{given}人少于名单中的{listed}人，按{listed}人")
    else:
        household.size = given
    tags: list[str] = []
    for row in (household.head, *members):
        for tag in (row.tags or "").split(","):
            if tag and tag not in tags:
                tags.append(tag)
    household.tags = ",".join(tags)[:200] or None


def plan_rows(
    rows: list[PersonRow], layout: RosterLayout, default_village: str | None = None
) -> list[PlannedHousehold]:
    """Group cleaned rows into households and refuse the file's own duplicates.

    `default_village` is the village of heads whose village cell is empty (or absent).
    """
    has_relation = "relation" in layout.keys
    households = []
    for group in _group(rows):
        household = _household(group, has_relation, default_village)
        if household is not None:
            households.append(household)
    _refuse_duplicates(households)
    for household in households:
        if household.head.status != "rejected":
            _finish(household)
    return households
