"""分中心 and 治理员: the sub-centre's own people, and each unit's anti-fraud 治理员.

Seed 004: the party secretary for law (政法书记) heads the sub-centre as 主任, the 平安办 head and
the police station head are 常务副主任, with one 副主任 and two or three 工作人员. Seed 003: every
office and enterprise names a 治理员 (一企一员). Phones are shown masked; a post a person leaves
gets its end date, so who served when is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, case, func, literal, or_, select
from sqlalchemy.orm import Session

from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField
from app.core.vocab import UNIT_KINDS
from app.org.people import unit_choices
from db.models import CentreStaff, Unit, UnitGovernor

CENTRE_ROLES = {
    "director": "主任",
    "executive_deputy": "常务副主任",
    "deputy": "副主任",
    "staff": "工作人员",
}
# seed 004: 设副主任1名、工作人员2到3名
MIN_STAFF = 2
# the units that name a 治理员 (一企一员): offices and enterprises, not villages
GOVERNOR_KINDS = ("institution", "school", "finance", "medical", "enterprise")


def serving(day: date) -> ColumnElement:
    """SQL true for a post held on `day`."""
    return or_(CentreStaff.started_on.is_(None), CentreStaff.started_on <= day) & or_(
        CentreStaff.ended_on.is_(None), CentreStaff.ended_on > day
    )


class CentreStaffRegister(SqlRegister):
    """The sub-centre's people, those serving first, 主任 before 工作人员."""

    title = "分中心人员"
    columns = (
        RegisterColumn("role", "分中心职务", 10),
        RegisterColumn("name", "姓名", 8),
        RegisterColumn("post", "本职", 24),
        RegisterColumn("mobile", "手机", 13, personal="phone"),
        RegisterColumn("started_on", "任职日期", 11),
        RegisterColumn("ended_on", "离任日期", 11),
        RegisterColumn("state", "状态", 6),
    )
    default_sort = "rank"

    def __init__(self, engine: Engine, today: date | None = None) -> None:
        super().__init__(engine)
        self.today = today

    def select_rows(self) -> Select:
        """Live posts; `rank` orders those serving first, then by role."""
        today = self.today or date.today()
        role_rank = case({r: i for i, r in enumerate(CENTRE_ROLES)}, value=CentreStaff.role)
        now = serving(today)
        return select(
            CentreStaff.id.label("id"),
            case_label(CentreStaff.role, CENTRE_ROLES).label("role"),
            CentreStaff.name.label("name"),
            CentreStaff.post.label("post"),
            CentreStaff.mobile.label("mobile"),
            CentreStaff.started_on.label("started_on"),
            CentreStaff.ended_on.label("ended_on"),
            case((now, literal("在任")), else_=literal("已离任")).label("state"),
            (case((now, 0), else_=10) + role_rank).label("rank"),
        ).where(CentreStaff.deleted_at.is_(None))

    def search_columns(self) -> Sequence[ColumnElement]:
        """Name and post."""
        return (CentreStaff.name, CentreStaff.post)

    def filters(self) -> Sequence[RegisterFilter]:
        """职务 and 在任."""
        return (
            RegisterFilter("role", "职务", list(CENTRE_ROLES.items())),
            RegisterFilter("serving", "状态", [(True, "在任"), (False, "已离任")]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The role, or whether serving today."""
        if key == "role":
            return CentreStaff.role == value
        if key == "serving":
            now = serving(self.today or date.today())
            return now if value else ~now
        return None


class CentreStaffService(RecordService):
    """Adds and edits the sub-centre's posts; one 主任 at a time."""

    model = CentreStaff
    noun = "分中心人员"
    fields = (
        FormField("role", "分中心职务", kind="choice", required=True,
                  choices=list(CENTRE_ROLES.items())),
        FormField("name", "姓名", required=True, max_length=64),
        FormField("post", "本职", max_length=128, placeholder="如：党委副书记（政法书记）"),
        FormField("mobile", "手机", kind="phone"),
        FormField("started_on", "任职日期", kind="date"),
        FormField("ended_on", "离任日期", kind="date", help="离开分中心时填写，记录保留"),
    )  # fmt: skip

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Left after starting; a second 主任 serving at the same time is refused."""
        started, ended = values["started_on"], values["ended_on"]
        if started and ended and ended <= started:
            return {"ended_on": "离任日期应晚于任职日期"}
        if values["role"] == "director" and ended is None:
            other = session.scalar(
                select(CentreStaff.name).where(
                    CentreStaff.deleted_at.is_(None),
                    CentreStaff.role == "director",
                    CentreStaff.ended_on.is_(None),
                    CentreStaff.id != (record_id or 0),
                )
            )
            if other:
                return {"role": f"分中心主任{other}仍在任；请先填写其离任日期"}
        return {}

    def title_of(self, obj: CentreStaff) -> str:
        """Role and name."""
        return f"{CENTRE_ROLES.get(obj.role, obj.role)}{obj.name}"


def centre_gaps(engine: Engine, today: date) -> list[str]:
    """What the sub-centre lacks on `today` against seed 004, e.g. ["主任", "工作人员（1/2名）"]."""
    with engine.connect() as conn:
        held = dict(
            conn.execute(
                select(CentreStaff.role, func.count())
                .where(CentreStaff.deleted_at.is_(None), serving(today))
                .group_by(CentreStaff.role)
            ).all()
        )
    gaps = [CENTRE_ROLES[r] for r in ("director", "executive_deputy", "deputy") if not held.get(r)]
    if held.get("staff", 0) < MIN_STAFF:
        gaps.append(f"工作人员（{held.get('staff', 0)}/{MIN_STAFF}名）")
    return gaps


class GovernorRegister(SqlRegister):
    """Every live 治理员 with the unit and its kind."""

    title = "治理员"
    columns = (
        RegisterColumn("unit", "单位", 20),
        RegisterColumn("kind", "类别", 8),
        RegisterColumn("name", "治理员", 8),
        RegisterColumn("post", "职务", 14),
        RegisterColumn("mobile", "手机", 13, personal="phone"),
        RegisterColumn("appointed_on", "确定日期", 11),
    )
    default_sort = "unit"

    def select_rows(self) -> Select:
        """治理员 with their live unit."""
        return (
            select(
                UnitGovernor.id.label("id"),
                Unit.name.label("unit"),
                case_label(Unit.kind, UNIT_KINDS).label("kind"),
                UnitGovernor.name.label("name"),
                UnitGovernor.post.label("post"),
                UnitGovernor.mobile.label("mobile"),
                UnitGovernor.appointed_on.label("appointed_on"),
            )
            .join(Unit, Unit.id == UnitGovernor.unit_id)
            .where(UnitGovernor.deleted_at.is_(None), Unit.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Unit and name."""
        return (Unit.name, UnitGovernor.name)

    def filters(self) -> Sequence[RegisterFilter]:
        """单位类别."""
        kinds = [(k, UNIT_KINDS[k]) for k in GOVERNOR_KINDS]
        return (RegisterFilter("kind", "类别", kinds),)

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The unit's kind."""
        return Unit.kind == value if key == "kind" else None


def governor_unit_choices(engine: Engine) -> list[tuple[int, str]]:
    """Live units that name a 治理员 (offices and enterprises), as (id, name)."""
    return [
        (uid, name)
        for kind in GOVERNOR_KINDS
        for uid, name in unit_choices(engine, kind)
    ]  # fmt: skip


class GovernorService(RecordService):
    """Adds and edits 治理员: one per unit (一企一员), of an office or enterprise."""

    model = UnitGovernor
    noun = "治理员"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("unit_id", "单位", kind="choice", required=True,
                      choices=lambda: governor_unit_choices(engine)),
            FormField("name", "治理员", required=True, max_length=64),
            FormField("post", "职务", max_length=64),
            FormField("mobile", "手机", kind="phone"),
            FormField("appointed_on", "确定日期", kind="date"),
        )  # fmt: skip

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """One 治理员 per unit."""
        other = session.scalar(
            select(UnitGovernor.name).where(
                UnitGovernor.unit_id == values["unit_id"],
                UnitGovernor.deleted_at.is_(None),
                UnitGovernor.id != (record_id or 0),
            )
        )
        if other:
            return {"unit_id": f"该单位已有治理员{other}（一企一员）；更换请修改原来那一条"}
        return {}

    def title_of(self, obj: UnitGovernor) -> str:
        """The governor's name."""
        return f"治理员{obj.name}"


@dataclass(frozen=True)
class GovernorCoverage:
    """Units that should name a 治理员, and those that have not."""

    units: int
    missing: tuple[str, ...]


def governor_coverage(engine: Engine) -> GovernorCoverage:
    """Live offices and enterprises, and the names of those without a 治理员."""
    has = (
        select(UnitGovernor.id)
        .where(UnitGovernor.unit_id == Unit.id, UnitGovernor.deleted_at.is_(None))
        .exists()
    )
    with engine.connect() as conn:
        rows = conn.execute(
            select(Unit.name, has)
            .where(Unit.deleted_at.is_(None), Unit.kind.in_(GOVERNOR_KINDS))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
    return GovernorCoverage(len(rows), tuple(name for name, named in rows if not named))
