"""Dissuasion cases, clues, awards, commendations, monthly case figures and fraud-free titles."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar

from app.cases.dissuasion import REWARDABLE
from app.core.idnumber import gender
from app.core.vocab import (
    ALERT_SOURCES,
    AWARD_KINDS,
    AWARD_STATUSES,
    COMMENDATION_KINDS,
)
from app.demo.context import WINDOW_DAYS, DemoContext
from app.demo.names import OTHER_REGION_CODES, REGION_CODE, mobile, person_name
from app.demo.texts import (
    CASE_STORIES,
    CLUE_SUMMARIES,
    COMMENDATION_REASONS,
    CONTACT_CHANNELS,
)
from app.oversight.titles import CRITERIA
from db.models import (
    Award,
    CaseDissuader,
    CaseStat,
    Commendation,
    ConfidentialReporter,
    DissuasionCase,
    FraudFreeTitle,
    ReportClue,
)

T = TypeVar("T")
# (case id, day, the dissuaders' person ids, outcome) of a case that can be rewarded
Credited = tuple[int, int, tuple[int, ...], str]
# cases of the last days still wait for their awards to be proposed (待提出奖励)
AWAITING_DAYS = 20
MIN_CASES = 60
HOUSEHOLDS_PER_CASE = 30
# Weighted pools; every value also occurs at least once (see `_pick`).
# How often each alert source and outcome occurs; `_pick` makes sure every one occurs.
SOURCE_WEIGHTS = {"fund_side": 6, "alert_96110": 5, "bank_counter": 2, "public_help": 2,
                  "visit": 2, "upstream": 2, "other": 1}  # fmt: skip
OUTCOME_WEIGHTS = {"success": 15, "partial": 2, "failed": 2}
WARNED_SOURCES = {"fund_side", "alert_96110", "upstream"}
# The first cases cover every outcome, the losses on sources that warn nobody (柜面, 求助), and
# one 预警后仍转账 (上级推送); later warned people seldom pay anyway, so the township stays
# under seed 004's 2 % 预警后再转账率 as a real one that meets its target would.
FIRST_OUTCOMES = ("success", "success", "partial", "failed", "success", "transferred_after_warning")
TRANSFER_AFTER_WARNING = 0.005
# The forced 预警后仍转账 falls in the window's first days: always before this year, so a small
# demo township (35 warned people a year) is not pushed over 2 % by the one case made on purpose.
FORCED_TRANSFER_DAYS = 120
# of a month's cases a year before, the share seen again; and a village's month that gains one
KEPT_SHARE = 0.75
NEW_CASE_SHARE = 0.01
AMOUNTS_YUAN = (800, 2_000, 5_000, 10_000, 30_000, 50_000, 100_000, 200_000, 480_000)


def _pick(ctx: DemoContext, i: int, every: Sequence[T], weights: dict[T, int]) -> T:
    """The i-th of `every` while i is small (so each value occurs), then a weighted draw."""
    if i < len(every):
        return every[i]
    return ctx.rng.choices(list(weights), list(weights.values()))[0]


def _outcome(ctx: DemoContext, i: int, warned: bool) -> str:
    """The i-th case's outcome (see FIRST_OUTCOMES)."""
    if i < len(FIRST_OUTCOMES):
        return FIRST_OUTCOMES[i]
    if warned:
        late = ctx.rng.random() < TRANSFER_AFTER_WARNING
        return "transferred_after_warning" if late else "success"
    return ctx.rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]


def build_cases(ctx: DemoContext, households: int) -> list[Credited]:
    """Dissuasion cases with their dissuaders; returns (case id, day, dissuaders' person ids,
    outcome) of the cases that can be rewarded."""
    rng = ctx.rng
    count = max(MIN_CASES, households // HOUSEHOLDS_PER_CASE)
    fraud_ids = [f for f, _ in ctx.fraud_types]
    names = dict(ctx.fraud_types)
    villages = {v.unit.id: v for v in ctx.villages}
    credited: list[Credited] = []
    for i in range(count):
        day = ctx.random_day(0, WINDOW_DAYS)
        source = _pick(ctx, i, list(ALERT_SOURCES), SOURCE_WEIGHTS)
        warned = source in WARNED_SOURCES
        outcome = _outcome(ctx, i, warned)
        if i < len(FIRST_OUTCOMES) and outcome == "transferred_after_warning":
            day = ctx.random_day(0, FORCED_TRANSFER_DAYS)  # a past year's, not this year's rate
        occurred = ctx.moment(day, 480 + int(rng.random() * 780))
        warned = warned or outcome == "transferred_after_warning"
        fraud_id = _pick(ctx, i, fraud_ids, dict.fromkeys(fraud_ids, 1))
        village = ctx.villages[int(rng.random() * len(ctx.villages))]
        at_risk = int(rng.choice(AMOUNTS_YUAN) * (0.5 + rng.random())) * 100
        saved = {"success": at_risk, "partial": int(at_risk * (0.3 + 0.5 * rng.random()))}.get(
            outcome, 0
        )
        sample = ctx.resident_samples and rng.random() < 0.6
        if sample:
            resident_id, name, sex, age, id_number, phone, village_id = rng.choice(
                ctx.resident_samples
            )
            village = villages[village_id]
        else:
            resident_id, age, male = None, 18 + int(rng.random() * 62), rng.random() < 0.5
            name = person_name(rng, male, age)
            born = ctx.today.toordinal() - int((age + rng.random()) * 365.2425)
            region = rng.choice(OTHER_REGION_CODES) if rng.random() < 0.3 else REGION_CODE
            id_number = ctx.ids.make(region, born, male) if rng.random() < 0.8 else None
            sex = gender(id_number) if id_number else ("男" if male else "女")
            phone = mobile(rng)
        grid = village.grids[int(rng.random() * len(village.grids))]
        team = [(grid.police_id, "民警"), (grid.worker_id, "网格员")]
        if rng.random() < 0.6:
            team.append((rng.choice(village.volunteer_ids), "反诈志愿者"))
        story = CASE_STORIES[outcome].format(
            source=ALERT_SOURCES[source],
            village=village.unit.name,
            fraud=names[fraud_id],
            dissuader="、".join(role for _, role in team[1:]) or "民警",
        )
        reported = day + 1 + int(rng.random() * 3) if rng.random() < 0.5 else None
        case_id = ctx.add(
            DissuasionCase,
            occurred,
            occurred_at=occurred,
            alert_source=source,
            resident_id=resident_id,
            person_name=name,
            person_gender=sex,
            person_age=age,
            person_id_number=id_number,
            person_phone=phone,
            village_id=village.unit.id,
            fraud_type_id=fraud_id,
            contact_channel=rng.choice(CONTACT_CHANNELS),
            amount_at_risk_fen=at_risk,
            amount_saved_fen=saved,
            amount_lost_fen=at_risk - saved,
            was_warned=warned,
            outcome=outcome,
            narrative=story,
            is_typical=rng.random() < 0.05,
            reported_upward_on=ctx.day(reported) if reported and reported <= WINDOW_DAYS else None,
        )
        for person_id, role in team:
            ctx.add(CaseDissuader, occurred, case_id=case_id, person_id=person_id, role=role)
        if outcome in REWARDABLE:
            credited.append((case_id, day, tuple(person for person, _ in team), outcome))
    return credited


def build_clues(ctx: DemoContext, households: int) -> list[tuple[int, int]]:
    """Clues from the public, each reporter kept apart; returns (clue id, day) of the verified
    ones with a named reporter (those a 举报奖励 can go to)."""
    rng = ctx.rng
    verified_clues = []
    for _ in range(max(20, households // 200)):
        day = ctx.random_day(0, WINDOW_DAYS - 3)
        verified = rng.random() < 0.6
        checked = day + 1 + int(rng.random() * 10)
        clue_id = ctx.add(
            ReportClue,
            ctx.moment(day, 600),
            received_on=ctx.day(day),
            summary=rng.choice(CLUE_SUMMARIES),
            village_id=rng.choice(ctx.villages).unit.id,
            fraud_type_id=rng.choice(ctx.fraud_types)[0] if rng.random() < 0.8 else None,
            verified=verified,
            verified_on=ctx.day(min(checked, WINDOW_DAYS)) if verified else None,
        )
        named = rng.random() < 0.9  # the rest were anonymous, and cannot be rewarded
        if named:
            male, age = rng.random() < 0.5, 20 + int(rng.random() * 50)
            born = ctx.today.toordinal() - int((age + rng.random()) * 365.2425)
            ctx.add(
                ConfidentialReporter,
                ctx.moment(day, 600),
                clue_id=clue_id,
                name=person_name(rng, male, age),
                id_number=ctx.ids.make(REGION_CODE, born, male),
                phone=mobile(rng),
            )
        if verified and named:
            verified_clues.append((clue_id, min(checked, WINDOW_DAYS)))
    return verified_clues


def _award_status(ctx: DemoContext, i: int, day: int) -> tuple[str, int | None, int | None]:
    """Older proposals are paid, newer ones approved or still proposed; the first few cover all."""
    statuses = list(AWARD_STATUSES)
    if i < len(statuses):
        status = statuses[i]
    else:
        age = WINDOW_DAYS - day
        status = "paid" if age > 90 else "approved" if age > 30 else "proposed"
    approved = min(WINDOW_DAYS, day + 7 + int(ctx.rng.random() * 14))
    paid = min(WINDOW_DAYS, approved + 10 + int(ctx.rng.random() * 20))
    return (status, approved if status != "proposed" else None, paid if status == "paid" else None)


def build_awards(ctx: DemoContext, cases: list[Credited], clues: list[tuple[int, int]]) -> None:
    """一事一奖 and 一案一奖 for cases, 举报奖励 for clues, 年度表彰 and other awards."""
    rng = ctx.rng
    plans: list[tuple[str, int, dict]] = []
    for k, (case_id, day, people, outcome) in enumerate(cases):
        if WINDOW_DAYS - day < AWAITING_DAYS and k >= len(AWARD_STATUSES):
            continue  # the clerk has not proposed the awards of the latest cases yet
        kind = "per_deed" if k % 2 else "per_case"
        reason = "参与劝阻成功" if outcome == "success" else "参与劝阻，部分止损"
        # as app.cases.awards proposes them: one for each of the case's dissuaders
        for person_id in people:
            plans.append(
                (kind, day + 2, {"case_id": case_id, "recipient_person_id": person_id,
                                 "reason": reason})
            )  # fmt: skip
    plans += [
        ("report", day + 3, {"clue_id": clue_id, "reason": "举报线索查证属实"})
        for clue_id, day in clues
    ]
    for year_end in range(ctx.start.year, ctx.today.year + 1):
        end_day = (date(year_end, 12, 28) - ctx.start).days
        for unit in rng.sample(ctx.units, 3):
            plans.append(
                (
                    "annual",
                    end_day,
                    {"recipient_unit_id": unit.id, "reason": f"{year_end}年度反诈工作先进单位"},
                )
            )
    plans.append(
        (
            "other",
            ctx.random_day(200, 600),
            {
                "recipient_person_id": ctx.villages[0].volunteer_ids[0],
                "reason": "反诈宣传志愿服务时长突出",
            },
        )
    )
    amounts = {
        "per_deed": (200, 500),
        "per_case": (500, 2000),
        "report": (200, 3000),
        "annual": (2000, 5000),
        "other": (200, 800),
    }
    # Awards of one kind get every status: number them per kind.
    seen: dict[str, int] = dict.fromkeys(AWARD_KINDS, 0)
    for kind, day, values in plans:
        if day < 0 or day > WINDOW_DAYS:
            continue
        status, approved, paid = _award_status(ctx, seen[kind], day)
        seen[kind] += 1
        low, high = amounts[kind]
        ctx.add(
            Award,
            ctx.moment(day, 600),
            kind=kind,
            amount_fen=rng.randrange(low, high + 1, 50) * 100,
            status=status,
            proposed_on=ctx.day(day),
            approved_on=ctx.day(approved) if approved is not None else None,
            approved_by=ctx.people["chair"][1] if approved is not None else None,
            paid_on=ctx.day(paid) if paid is not None else None,
            paid_by=ctx.people["clerk"][1] if paid is not None else None,
            updated_at=ctx.moment(paid or approved or day, 600),
            **values,
        )


def build_commendations(ctx: DemoContext) -> None:
    """Praise, criticism, yellow and red cards and interviews, several of each kind."""
    rng = ctx.rng
    # 警示 came with the plans' registers: the demo adds them there (app.demo.centre)
    kinds = [k for k in COMMENDATION_KINDS if k != "warning"]
    drawn = [
        (
            ctx.random_day(60, WINDOW_DAYS),
            kinds[k % len(kinds)],
            rng.choice(ctx.villages).unit if rng.random() < 0.7 else rng.choice(ctx.units),
        )
        for k in range(3 * len(kinds) + len(ctx.villages) // 4)
    ]
    # by day and kind only: two of one kind on one day keep their order (units do not compare)
    issued = sorted(drawn, key=lambda item: item[:2])
    numbers: dict[int, int] = {}
    for day, kind, unit in issued:
        year = ctx.day(day).year
        numbers[year] = numbers.get(year, 0) + 1
        due = day + 30 if kind != "praise" else None
        # most are rectified in time, some late, a few not at all (整改逾期)
        late = rng.random()
        fixed = None
        if due and late < 0.9:
            fixed = due - int(rng.random() * 25) if late < 0.75 else due + 1 + int(rng.random() * 9)
        if fixed and fixed >= WINDOW_DAYS - 5:
            fixed = None
        ctx.add(
            Commendation,
            ctx.moment(day, 600),
            unit_id=unit.id,
            kind=kind,
            reason=COMMENDATION_REASONS[kind],
            issued_on=ctx.day(day),
            document_number=f"清反诈〔{year}〕{numbers[year]}号",
            rectification_due=ctx.day(due) if due else None,
            rectified_on=ctx.day(fixed) if fixed else None,
            updated_at=ctx.moment(fixed or day, 600),
        )


def months(ctx: DemoContext, ended: bool = False) -> list[tuple[int, int]]:
    """The 24 (year, month) pairs ending with today's month, oldest first; `ended`: ending with
    the month before (the police station's figures of a month come after it ends)."""
    y, m = ctx.today.year, ctx.today.month
    pairs = []
    for _ in range(24 + ended):
        pairs.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return pairs[ended:][::-1]


def _poisson(ctx: DemoContext, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, ctx.rng.random()
    while product > limit:
        k += 1
        product *= ctx.rng.random()
    return k


def build_case_stats(ctx: DemoContext) -> dict[tuple[int, int, int], list[int]]:
    """Monthly cases and losses per village for the months that have ended. The first year is
    drawn; each month of the second keeps most of the same month's cases a year before (and
    their losses, smaller) and now and then gains one, so the township shows the 双降 its plan
    asks for while single villages and months may rise. Returns each case's loss in yuan by
    (year, month, village id)."""
    rng = ctx.rng
    drawn: dict[tuple[int, int, int], list[int]] = {}
    year_ago: dict[tuple[int, int], list[int]] = {}  # (month index, village) -> losses in yuan
    for t, (year, month) in enumerate(months(ctx, ended=True)):
        stamp = datetime(year, month, 1) + timedelta(days=32)
        stamp = min(stamp.replace(day=3, hour=10), ctx.moment(WINDOW_DAYS, 1020))
        for village in ctx.villages:
            if t < 12:
                mean = max(0.3, village.households * 0.0006) * 1.1
                losses = [
                    int(rng.choice(AMOUNTS_YUAN) * rng.random()) for _ in range(_poisson(ctx, mean))
                ]
                year_ago[(t, village.unit.id)] = losses
            else:
                before = year_ago[(t - 12, village.unit.id)]
                losses = [
                    int(x * (0.5 + 0.4 * rng.random())) for x in before if rng.random() < KEPT_SHARE
                ]
                if rng.random() < NEW_CASE_SHARE:
                    losses.append(int(rng.choice(AMOUNTS_YUAN[:4]) * rng.random()))
            ctx.add(
                CaseStat,
                stamp,
                village_id=village.unit.id,
                year=year,
                month=month,
                case_count=len(losses),
                loss_fen=sum(losses) * 100,
                source="imported" if rng.random() < 0.7 else "typed",
            )
            drawn[(year, month, village.unit.id)] = losses
    return drawn


def build_titles(ctx: DemoContext) -> None:
    """无诈社区/单位/校园/楼宇 titles for the last two years, in every status."""
    rng = ctx.rng
    candidates = [("community", v.unit) for v in ctx.villages[: max(3, len(ctx.villages) // 3)]]
    candidates += [("campus", u) for u in ctx.units if u.kind == "school"]
    candidates += [("unit", u) for u in ctx.units if u.kind in ("institution", "finance")][:5]
    candidates += [("building", u) for u in ctx.units if u.kind == "enterprise"]
    # Last year's titles are mostly awarded (one revoked); this year's are being applied for.
    last_year = ("awarded", "awarded", "applying", "awarded", "revoked")
    for k, (kind, unit) in enumerate(candidates):
        for year in (ctx.today.year - 1, ctx.today.year):
            status = last_year[k % len(last_year)] if year < ctx.today.year else "applying"
            # the program's checklist of the kind: a title is awarded only with every one met
            met = {c: status != "applying" or rng.random() < 0.7 for c in CRITERIA[kind]}
            ctx.add(
                FraudFreeTitle,
                min(datetime(year, 3, 1, 9), ctx.moment(WINDOW_DAYS)),
                unit_id=unit.id,
                title_kind=kind,
                year=year,
                criteria=json.dumps(met, ensure_ascii=False),
                evidence=f"{unit.name}{year}年创建台账、宣传活动照片和走访记录。",
                status=status,
                awarded_on=date(year, 12, 20) if status in ("awarded", "revoked") else None,
            )
