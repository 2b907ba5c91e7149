"""Household visits (入户走访): entering one, and everything a visit changes, in one transaction.

Saving a visit records it and, unless nobody was home, brings the household's letters up to
date (告知书 delivered, 承诺书 signed or refused, by the grid worker on that day) as the
worker reported them, and only so: nothing is assumed for a letter, so a visit the household
refused changes no letter unless the worker says one was refused or signed. It marks the
residents who installed the 国家反诈中心 APP, keeps the household's last visit date, and stores
the photos. A paper letter delivered without having been printed by the program still gets a
letter record with its own number, so the register says what the paper says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.attachments import attach, read_checked
from app.core.records import RecordNotFound, RecordService
from app.core.validation import FormField, ValidationError, clean_values
from app.core.vocab import COMMITMENT_RESULTS, LETTER_KINDS, VISIT_MODES, VISIT_OUTCOMES
from app.households.register import not_visited_since
from app.letters.printing import TRANSITIONS, Numbering, mark_household_letter
from db.engine import unit_of_work
from db.models import Grid, Household, Letter, Person, Resident, Unit, Visit

# What grid workers tell households, as the visit form offers it (free text may be added).
VISIT_TOPICS = (
    "刷单返利",
    "虚假投资理财",
    "冒充客服",
    "虚假贷款",
    "冒充公检法",
    "网络婚恋交友",
    "不出租出借银行卡和电话卡",
    "国家反诈中心APP",
    "96110预警劝阻电话",
    "举报奖励",
)


def people_choices(engine: Engine) -> list[tuple[int, str]]:
    """People who visit households: grid workers, police officers and cadres, by name."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Person.id, Person.name, Person.post)
            .where(Person.deleted_at.is_(None))
            .order_by(Person.name, Person.id)
        ).all()
    return [(p.id, f"{p.name}（{p.post}）" if p.post else p.name) for p in rows]


def visit_fields(engine: Engine) -> tuple[FormField, ...]:
    """The fields of a visit, shared by the visit form and the edit form."""

    def people() -> list[tuple[int, str]]:  # read when a form opens
        return people_choices(engine)

    return (
        FormField("visited_on", "走访日期", "date", required=True),
        FormField("mode", "走访方式", "choice", required=True, choices=list(VISIT_MODES.items())),
        FormField("outcome", "走访结果", "choice", required=True,
                  choices=list(VISIT_OUTCOMES.items())),
        FormField("grid_worker_id", "网格员", "choice", choices=people),
        FormField("police_officer_id", "民警/辅警", "choice", choices=people),
        FormField("other_visitors", "其他走访人员", max_length=200),
        FormField("topics", "宣传内容", "tags", choices=[(t, t) for t in VISIT_TOPICS]),
        FormField("notice_delivered", "告知书已送达", "bool"),
        FormField("commitment_result", "承诺书", "choice",
                  choices=list(COMMITMENT_RESULTS.items())),
        FormField("risks_found", "发现的风险", "multiline", max_length=2000),
        FormField("follow_up_needed", "需要跟进", "bool"),
        FormField("notes", "备注", "multiline", max_length=2000),
    )  # fmt: skip


@dataclass(frozen=True)
class VisitDefaults:
    """What the visit form starts with for one household."""

    household_id: int
    title: str
    grid_id: int | None
    grid_worker_id: int | None
    police_officer_id: int | None
    residents: list[tuple[int, str, bool]]  # (id, name, already installed the APP)
    where: str = ""  # 白鹤村 / 第一网格：今年还有12户未走访


def visit_defaults(engine: Engine, household_id: int) -> VisitDefaults:
    """The household's title, its grid's worker and officer, and its residents."""
    from app.households.records import residents_of

    year_start = date(date.today().year, 1, 1)
    with unit_of_work(engine) as session:
        household = _live_household(session, household_id)
        grid = session.get(Grid, household.grid_id) if household.grid_id else None
        title = f"{household.head_name}（{household.address}）"
        village = session.get(Unit, household.village_id).name
        left = session.scalar(
            select(func.count()).where(
                _same_grid(household), Household.deleted_at.is_(None),
                not_visited_since(year_start),
            )
        )  # fmt: skip
        where = f"{village} / {grid.name if grid else '未分网格'}：今年还有{left}户未走访"
    return VisitDefaults(
        household_id,
        title,
        grid.id if grid else None,
        grid.grid_worker_id if grid else None,
        grid.police_officer_id if grid else None,
        residents_of(engine, household_id),
        where,
    )


def _live_household(session: Session, household_id: int) -> Household:
    household = session.get(Household, household_id)
    if household is None or household.deleted_at is not None:
        raise ValidationError({"": "该户不存在或已被删除，不能登记走访"})
    return household


@dataclass
class VisitResult:
    """A saved visit and what it changed."""

    visit_id: int
    letters: list[str] = field(default_factory=list)  # e.g. "告知书GZ2026-…已送达"
    app_installed: int = 0
    photos: int = 0


def _check(values: dict[str, Any], household: Household, today: date) -> dict[str, str]:
    errors = {}
    visited_on = values["visited_on"]
    registered = household.created_at.date()
    if visited_on > today:
        errors["visited_on"] = "走访日期不能晚于今天"
    elif visited_on < registered:
        errors["visited_on"] = f"走访日期不能早于该户的登记日期（{registered:%Y-%m-%d}）"
    if values["outcome"] == "nobody_home" and (
        values["notice_delivered"] or values["commitment_result"] in ("signed", "refused")
    ):
        errors["outcome"] = "不在家时不能送达告知书或签订承诺书"
    return errors


def _check_new(values: dict[str, Any]) -> dict[str, str]:
    """A new visit where someone was met says what became of the commitment letter.

    Only new visits: a stored visit from before this rule may be corrected without it.
    """
    if values["outcome"] == "visited" and values["commitment_result"] is None:
        return {"commitment_result": "承诺书须选择已签、拒签或未提供（该户已走访）"}
    return {}


def save_visit(
    engine: Engine,
    household_id: int,
    raw: Mapping[str, Any],
    app_resident_ids: Sequence[int] = (),
    photos: Sequence[Path | str] = (),
    user: str | None = None,
    today: date | None = None,
) -> VisitResult:
    """Validate and store a visit with all it changes; ValidationError (nothing stored) if bad."""
    today = today or date.today()
    values = clean_values(visit_fields(engine), raw)
    files = [read_checked(p) for p in photos]  # refused before anything is written
    with unit_of_work(engine, user) as session:
        household = _live_household(session, household_id)
        errors = _check(values, household, today) | _check_new(values)
        if errors:
            raise ValidationError(errors)
        visit = Visit(household_id=household_id, grid_id=household.grid_id, **values)
        session.add(visit)
        session.flush()
        result = VisitResult(visit.id)
        if values["outcome"] != "nobody_home":
            if household.last_visited_on is None or household.last_visited_on < visit.visited_on:
                household.last_visited_on = visit.visited_on
            result.letters = _update_letters(session, household, visit)
            result.app_installed = _mark_app(session, household_id, app_resident_ids, visit)
        for file in files:
            attach(session, "visit", visit.uuid, file)
        result.photos = len(files)
        audit.record(session, "create", "visit", visit.uuid)
        return result


def _household_letter(session: Session, household: Household, kind: str, on: date) -> Letter:
    """The household's newest letter of `kind`; a record for a paper letter if there is none."""
    letter = session.scalar(
        select(Letter)
        .where(Letter.household_id == household.id, Letter.kind == kind,
               Letter.deleted_at.is_(None), Letter.status != "void")
        .order_by(Letter.id.desc())
        .limit(1)
    )  # fmt: skip
    if letter is None:
        # handed over on paper without having been printed here: it still gets its number
        letter = Letter(
            kind=kind,
            number=Numbering(session, kind, on.year).take(),
            household_id=household.id,
            status="printed",
            notes="走访时送达的纸质文书（非本程序打印）",
        )
        session.add(letter)
    elif letter.status == "pending_print":
        letter.status = "printed"  # it reached the household, so it was printed
    session.flush()
    return letter


# A visit changes nothing for a letter already at or past what it reports.
_ALREADY = {"delivered": ("delivered", "signed"), "signed": ("signed",),
            "refused": ("refused", "signed")}  # fmt: skip
_DONE_TEXT = {"delivered": "已送达", "signed": "已签回", "refused": "拒签"}


def _mark(
    session: Session, household: Household, visit: Visit, kind: str, status: str
) -> str | None:
    letter = _household_letter(session, household, kind, visit.visited_on)
    if letter.status in _ALREADY[status] or status not in TRANSITIONS[letter.status]:
        return None
    number = mark_household_letter(
        session, household.id, kind, status, visit.visited_on,
        visit_id=visit.id, signer=household.head_name,
    )  # fmt: skip
    letter.delivered_by_id = letter.delivered_by_id or visit.grid_worker_id
    return f"{LETTER_KINDS[kind][:3]}{number}{_DONE_TEXT[status]}"


def _update_letters(session: Session, household: Household, visit: Visit) -> list[str]:
    changes = []
    if visit.notice_delivered:
        changes.append(_mark(session, household, visit, "notice", "delivered"))
    if visit.commitment_result in ("signed", "refused"):
        changes.append(
            _mark(session, household, visit, "commitment_household", visit.commitment_result)
        )
    session.flush()
    return [c for c in changes if c]


def _mark_app(
    session: Session, household_id: int, resident_ids: Sequence[int], visit: Visit
) -> int:
    if not resident_ids:
        return 0
    residents = session.scalars(
        select(Resident).where(Resident.id.in_(resident_ids), Resident.deleted_at.is_(None))
    ).all()
    if len(residents) != len(set(resident_ids)) or any(
        r.household_id != household_id for r in residents
    ):
        raise ValidationError({"": "所选的安装APP居民不属于该户"})
    marked = 0
    for resident in residents:
        if resident.app_installed_on is None:
            resident.app_installed_on, resident.app_installed_visit_id = visit.visited_on, visit.id
            marked += 1
    return marked


def _recompute_last_visit(session: Session, household_id: int) -> None:
    household = session.get(Household, household_id)
    household.last_visited_on = session.scalar(
        select(func.max(Visit.visited_on)).where(
            Visit.household_id == household_id, Visit.deleted_at.is_(None),
            Visit.outcome != "nobody_home",
        )
    )  # fmt: skip


class VisitService(RecordService):
    """Corrects or deletes a stored visit (new visits go through `save_visit`).

    A correction changes the visit's own record; letters it delivered or signed keep their
    state, because the paper was handed over all the same (the letters tab changes those).
    """

    model = Visit
    noun = "走访记录"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = visit_fields(engine)

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """The same date rules as a new visit."""
        visit = session.get(Visit, record_id) if record_id else None
        household = _live_household(session, visit.household_id) if visit else None
        return _check(values, household, date.today()) if household else {}

    def after_save(self, session: Session, obj: Visit, created: bool) -> None:
        """The household's last visit follows a corrected date or outcome."""
        session.flush()
        _recompute_last_visit(session, obj.household_id)

    def after_delete(self, session: Session, obj: Visit) -> None:
        """The household's last visit falls back to the one before."""
        session.flush()
        _recompute_last_visit(session, obj.household_id)

    def title_of(self, obj: Visit) -> str:
        """`2026-03-05的走访`."""
        return f"{obj.visited_on:%Y-%m-%d}的走访"


def delete_visit(engine: Engine, visit_id: int, user: str | None = None) -> None:
    """Soft-delete a visit; the household's last visit date falls back to the one before."""
    try:
        VisitService(engine, user).delete(visit_id)
    except RecordNotFound as exc:
        raise ValidationError({"": "这条走访记录不存在或已被删除"}) from exc


def _same_grid(household: Household):
    """Households of the same grid (or, without a grid, of the village's ungridded ones)."""
    if household.grid_id is not None:
        return Household.grid_id == household.grid_id
    return and_(Household.grid_id.is_(None), Household.village_id == household.village_id)


def next_unvisited(engine: Engine, household_id: int, today: date | None = None) -> int | None:
    """The next household of the same grid (by address) not visited this year, or None.

    "Next" is after this one, so a household where nobody was home is not offered again at once.
    """
    year_start = date((today or date.today()).year, 1, 1)
    with unit_of_work(engine) as session:
        here = session.get(Household, household_id)
        if here is None:
            return None
        same_grid = _same_grid(here)
        after = or_(
            Household.address > here.address,
            and_(Household.address == here.address, Household.id > here.id),
        )
        return session.scalar(
            select(Household.id)
            .where(same_grid, after, Household.deleted_at.is_(None),
                   not_visited_since(year_start))
            .order_by(Household.address, Household.id)
            .limit(1)
        )  # fmt: skip
