"""月度通报: a month's cases, losses, dissuasion, visits, letters and publicity, as a 通报.

Seed 001: every month the office issues a notice of cases and work per village and unit. The
figures are computed here (each a small query over indexed columns) and laid out through the
document engine in the 通报 format: numbered sections, tables where they help, a ranking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, distinct, func, select

from app.case_figures import DissuasionSummary, dissuasion_summary
from app.documents import Document, render_pdf
from app.dual_decline import STATUSES, DualDecline, dual_decline, percent
from app.publicity import not_reported
from app.settings import load_profile
from db.engine import unit_of_work
from db.models import CaseStat, Household, Letter, PublicityActivity, Unit, Visit


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


@dataclass(frozen=True)
class VillageMonth:
    """One village's cases (this month, last month, same month last year) and its work."""

    name: str
    cases: int
    cases_last_month: int
    cases_last_year: int
    loss_fen: int
    loss_last_year_fen: int
    households: int
    visited_this_year: int
    commitment_signed: int

    @property
    def visit_share(self) -> float | None:
        """Households visited this year ÷ households."""
        return self.visited_this_year / self.households if self.households else None

    @property
    def commitment_share(self) -> float | None:
        """Households with a signed commitment letter ÷ households."""
        return self.commitment_signed / self.households if self.households else None


@dataclass(frozen=True)
class MonthlyFigures:
    """Everything the month's notice reports."""

    year: int
    month: int
    villages: tuple[VillageMonth, ...]
    dissuasion: DissuasionSummary
    decline: DualDecline
    visits_this_month: int
    activities: int
    people_reached: int
    silent_units: tuple[str, ...]

    def total(self, attribute: str) -> int:
        """The township's total of a village figure."""
        return sum(getattr(v, attribute) for v in self.villages)


def monthly_figures(engine: Engine, year: int, month: int) -> MonthlyFigures:
    """Compute the figures of a month's notice."""
    start, end = date(year, month, 1), month_end(year, month)
    last_month = _previous(year, month)
    year_start = date(year, 1, 1)
    with unit_of_work(engine) as session:
        villages = session.execute(
            select(Unit.id, Unit.name)
            .where(Unit.kind == "village", Unit.deleted_at.is_(None))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
        stats: dict[tuple[int, int, int], tuple[int, int]] = {
            (v, y, m): (c, loss)
            for v, y, m, c, loss in session.execute(
                select(CaseStat.village_id, CaseStat.year, CaseStat.month, CaseStat.case_count,
                       CaseStat.loss_fen)
                .where(CaseStat.deleted_at.is_(None), CaseStat.year.in_((year, year - 1)))
            )
        }  # fmt: skip
        live = Household.deleted_at.is_(None)
        households = dict(
            session.execute(
                select(Household.village_id, func.count())
                .where(live)
                .group_by(Household.village_id)
            ).all()
        )
        visited = dict(
            session.execute(
                select(Household.village_id, func.count())
                .where(live, Household.last_visited_on.between(year_start, end))
                .group_by(Household.village_id)
            ).all()
        )
        signed = dict(
            session.execute(
                select(Household.village_id, func.count(distinct(Letter.household_id)))
                .join(Letter, Letter.household_id == Household.id)
                .where(
                    live,
                    Letter.deleted_at.is_(None),
                    Letter.kind == "commitment_household",
                    Letter.status == "signed",
                )
                .group_by(Household.village_id)
            ).all()
        )
        visits_this_month = session.scalar(
            select(func.count(distinct(Visit.household_id))).where(
                Visit.deleted_at.is_(None),
                Visit.outcome == "visited",
                Visit.visited_on.between(start, end),
            )
        )
        activities, people = session.execute(
            select(
                func.count(), func.coalesce(func.sum(PublicityActivity.people_reached), 0)
            ).where(
                PublicityActivity.deleted_at.is_(None),
                PublicityActivity.held_on.between(start, end),
            )
        ).one()
    rows = []
    for village_id, name in villages:
        now = stats.get((village_id, year, month), (0, 0))
        before = stats.get((village_id, *last_month), (0, 0))
        a_year_ago = stats.get((village_id, year - 1, month), (0, 0))
        rows.append(
            VillageMonth(
                name, now[0], before[0], a_year_ago[0], now[1], a_year_ago[1],
                households.get(village_id, 0), visited.get(village_id, 0),
                signed.get(village_id, 0),
            )
        )  # fmt: skip
    return MonthlyFigures(
        year, month, tuple(rows), dissuasion_summary(engine, start, end),
        dual_decline(engine, year, through_month=month), visits_this_month, activities, people,
        tuple(u.name for u in not_reported(engine, year, month)),
    )  # fmt: skip


def area_word(township: str) -> str:
    """What the township calls itself in "全镇": 镇, 乡 or 街道."""
    return next((w for w in ("街道", "镇", "乡") if township.endswith(w)), "镇")


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def notice_document(f: MonthlyFigures, township: str, issuer: str, issued_on: date) -> Document:
    """The notice as a 通报: title, five numbered sections with tables, the ranking."""
    doc = Document(style="official", where=f"{f.year}年{f.month}月通报")
    area = area_word(township)
    doc.title(f"关于{f.year}年{f.month}月全{area}反电信网络诈骗工作情况的通报")
    doc.paragraph("各村（社区）、各成员单位：", indent=False)
    doc.paragraph(f"现将{f.year}年{f.month}月{township}反电信网络诈骗工作情况通报如下。")

    cases, loss = f.total("cases"), f.total("loss_fen")
    last_month, last_year = f.total("cases_last_month"), f.total("cases_last_year")
    doc.heading("一、发案情况")
    total = f.decline.total
    doc.paragraph(
        f"本月全{area}共发生电信网络诈骗案件{cases}起，案损{_yuan(loss)}元；"
        f"上月{last_month}起，去年同月{last_year}起。"
        f"今年1—{f.month}月累计发案{total.cases}起（同比{percent(total.case_change)}），"
        f"案损{_yuan(total.loss_fen)}元（同比{percent(total.loss_change)}），"
        f"{STATUSES[total.status]}。"
    )
    doc.table(
        ["村（社区）", "本月发案", "上月", "去年同月", "本月案损（元）", "累计双降"],
        [
            [v.name, v.cases, v.cases_last_month, v.cases_last_year, _yuan(v.loss_fen),
             STATUSES[_decline_status(f.decline, v.name)]]
            for v in f.villages
        ],
        widths=[3, 2, 2, 2, 3, 2],
        align=["left", "right", "right", "right", "right", "center"],
    )  # fmt: skip

    d = f.dissuasion
    doc.heading("二、劝阻情况")
    rate = d.transfer_rate
    if rate is None:
        rate_text = "本月无预警对象"
    else:
        verdict = "低于" if d.meets_target else "未达到低于"
        rate_text = f"预警后再转账率{float(rate) * 100:.1f}%，{verdict}2%的目标"
    doc.paragraph(
        f"本月登记劝阻案例{d.cases}起，其中成功劝阻{d.success}起、部分止损{d.partial}起、"
        f"劝阻无效{d.failed}起、预警后仍转账{d.transferred_after_warning}起，"
        f"挽回损失{_yuan(d.saved_fen)}元，损失{_yuan(d.lost_fen)}元；{rate_text}。"
    )

    households = f.total("households")
    visited, signed = f.total("visited_this_year"), f.total("commitment_signed")
    doc.heading("三、入户走访和告知书、承诺书签订情况")
    doc.paragraph(
        f"本月入户走访{f.visits_this_month}户。截至{f.month}月底，全年已走访{visited}户，"
        f"占{_share(_ratio(visited, households))}；已签回承诺书{signed}户，"
        f"占{_share(_ratio(signed, households))}。"
    )
    doc.table(
        ["村（社区）", "住户数", "今年已走访", "走访覆盖率", "承诺书签订率"],
        [[v.name, v.households, v.visited_this_year, _share(v.visit_share),
          _share(v.commitment_share)] for v in f.villages],
        widths=[3, 2, 2, 2, 2],
        align=["left", "right", "right", "right", "right"],
    )  # fmt: skip

    doc.heading("四、宣传工作情况")
    if f.silent_units:
        names = "、".join(f.silent_units)
        silent = f"。{names}共{len(f.silent_units)}个单位本月未报送宣传工作情况"
    else:
        silent = "，各成员单位均已报送"
    doc.paragraph(
        f"本月各单位共开展宣传活动{f.activities}场次，覆盖群众{f.people_reached}人次{silent}。"
    )

    doc.heading("五、排名情况")
    ranked = sorted(
        (v for v in f.villages if v.visit_share is not None), key=lambda v: -(v.visit_share or 0)
    )
    if ranked:
        top = "、".join(f"{v.name}（{_share(v.visit_share)}）" for v in ranked[:3])
        bottom = "、".join(f"{v.name}（{_share(v.visit_share)}）" for v in ranked[-3:][::-1])
        doc.paragraph(f"入户走访覆盖率排名前三位的是：{top}；排名后三位的是：{bottom}。")
        doc.paragraph("请排名靠后的村（社区）查找原因，加快补访进度，确保年底前实现走访全覆盖。")
    doc.signature(issuer, issued_on)
    return doc


def _decline_status(decline: DualDecline, name: str) -> str:
    return next((c.status for c in decline.villages if c.name == name), "zero")


def print_monthly_notice(engine: Engine, year: int, month: int, out: Path | str) -> int:
    """Write the month's notice to a PDF; returns the number of pages."""
    profile = load_profile(engine)
    figures = monthly_figures(engine, year, month)
    issued_on = min(date.today(), month_end(year, month) + timedelta(days=5))
    doc = notice_document(
        figures, profile.get("township_name") or "", profile.get("issuing_office") or "", issued_on
    )
    return render_pdf(doc, out)
