"""The demo's registered cases (发案登记, 逐案倒查) and the clues it handed to the police.

The registered cases of a village's month are exactly that month's monthly figures (the same
number of cases and the same losses), so the figures of the notice, the overview and 双降 read
the same whether they come from the register or from the typed figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from app.cases.clue_handovers import FEEDBACK_DAYS
from app.core.periods import month_end
from app.demo.context import WINDOW_DAYS, DemoContext
from app.demo.names import person_name
from app.demo.texts import CONTACT_CHANNELS
from db.models import ClueHandover, FraudIncident

# the ended months, newest last, whose cases the office registered one by one
REGISTERED_MONTHS = 6
REVIEW_FINDINGS = (
    "该户今年已入户走访并签订承诺书，受害人未安装国家反诈中心APP，对刷单返利套路认识不足。",
    "该户今年未入户走访，告知书未送达，网格员宣传未全覆盖。",
    "受害人接到96110预警电话后未接听，村（社区）未及时上门劝阻。",
    "受害人为独居老人，子女在外地，家庭反诈宣传缺位。",
    "该户已签订承诺书，受害人轻信“客服”退款话术，主动下载陌生会议软件。",
)
ACCOUNTABLE_NOTES = ("{grid}未入户走访", "{grid}预警信息未及时上门核实", "{grid}告知书未送达")
FOLLOW_UPS = (
    "网格员和民警上门开展教育引导，帮助安装国家反诈中心APP，讲解同类骗局。",
    "社区干部陪同受害人到派出所补充笔录，做好心理疏导，防止二次被骗。",
)
LEGAL_AID = "司法所为受害人提供法律咨询，指导其依法申请追赃挽损。"
RECEIVERS = ("{station}", "县公安局反诈中心", "{station}刑侦中队")


def build_incidents(ctx: DemoContext, losses: Mapping[tuple[int, int, int], Sequence[int]]) -> None:
    """The cases of the last ended months, one per loss of the monthly figures (in yuan), with
    their review, follow-up and legal aid; the latest ones are still to be reviewed."""
    rng = ctx.rng
    villages = {v.unit.id: v for v in ctx.villages}
    periods = sorted({(y, m) for y, m, _ in losses})[-REGISTERED_MONTHS:]
    with_cases = sorted((y, m) for (y, m, _), amounts in losses.items() if amounts)
    if with_cases and not set(periods) & set(with_cases):
        periods.append(with_cases[-1])  # a small township still registers its latest case
    for (year, month, village_id), amounts in sorted(losses.items()):
        if (year, month) not in periods:
            continue
        village = villages[village_id]
        last = month_end(year, month)
        for loss in amounts:
            occurred = date(year, month, 1) + timedelta(days=int(rng.random() * last.day))
            reviewed = occurred + timedelta(days=3 + int(rng.random() * 25))
            reviewed_on = reviewed if reviewed <= ctx.today - timedelta(days=3) else None
            age = 20 + int(rng.random() * 60)
            grid = rng.choice(village.grids).name if village.grids else "第1网格"
            accountable = reviewed_on is not None and rng.random() < 0.6
            followed = (reviewed_on or occurred) + timedelta(days=2)
            followed_on = followed if followed <= ctx.today else None
            ctx.add(
                FraudIncident,
                occurred,
                occurred_on=occurred,
                village_id=village_id,
                victim_name=person_name(rng, rng.random() < 0.5, age),
                victim_age=age,
                fraud_type_id=rng.choice(ctx.fraud_types)[0],
                loss_fen=loss * 100,
                contact_channel=rng.choice(CONTACT_CHANNELS),
                police_case_number=f"A{year}{month:02d}{int(rng.random() * 10000):04d}",
                reviewed_on=reviewed_on,
                review_findings=rng.choice(REVIEW_FINDINGS) if reviewed_on else None,
                accountable_unit_id=village_id if accountable else None,
                accountable_note=rng.choice(ACCOUNTABLE_NOTES).format(grid=grid)
                if accountable
                else None,
                followed_up_on=followed_on,
                follow_up=rng.choice(FOLLOW_UPS) if followed_on else None,
                legal_aid_on=followed_on if followed_on and loss >= 10_000 else None,
                legal_aid=LEGAL_AID if followed_on and loss >= 10_000 else None,
            )


def build_handovers(ctx: DemoContext, clues: Sequence[tuple[int, int]]) -> None:
    """Most verified clues handed to the police a few days after; older ones have a result,
    and one older one still waits for it (the overview's overdue feedback)."""
    rng = ctx.rng
    station = ctx.villages[0].station if ctx.villages else "派出所"
    waiting = False
    for k, (clue_id, verified_day) in enumerate(clues):
        if k and rng.random() < 0.25:
            continue
        day = min(verified_day + 1 + int(rng.random() * 5), WINDOW_DAYS)
        answered = min(day + 5 + int(rng.random() * 20), WINDOW_DAYS)
        old = WINDOW_DAYS - day > FEEDBACK_DAYS
        if old and not waiting:
            result, waiting = "pending", True
        elif answered < WINDOW_DAYS - 2:
            result = rng.choice(("filed", "handled", "handled", "unfounded"))
        else:
            result = "pending"
        ctx.add(
            ClueHandover,
            ctx.moment(day, 660),
            clue_id=clue_id,
            handed_on=ctx.day(day),
            receiving_unit=rng.choice(RECEIVERS).format(station=station),
            result=result,
            result_on=ctx.day(answered) if result != "pending" else None,
            result_note={"filed": "已立案侦查", "handled": "已依法查处",
                         "unfounded": "经核查无涉诈事实"}.get(result),
        )  # fmt: skip
