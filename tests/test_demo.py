"""The demo township: complete, valid, reproducible, and all-or-nothing."""

from __future__ import annotations

import itertools
import random
import re
import statistics
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, Integer, func, select, text
from sqlalchemy.orm import Session

import db.models  # noqa: F401 - every table on the metadata
from app.cases.dissuasion import awaiting_award_clause
from app.cases.figures import dissuasion_summary
from app.core import idnumber
from app.core.progress import Progress, run_to_end
from app.core.validation import ValidationError
from app.core.vocab import ALERT_SOURCES, CASE_OUTCOMES, LETTER_STATUSES, RESIDENT_TAGS, UNIT_KINDS
from app.demo.cases import AWAITING_DAYS
from app.demo.context import UuidStream
from app.demo.township import DemoSummary, build_demo, letter_prefix
from app.letters.printing import KIND_CODES, PREFIX_KEY, Numbering
from app.oversight.assessment import assess
from app.oversight.callbacks import redraw
from app.oversight.dual_decline import dual_decline
from app.oversight.titles import CRITERIA, load_title
from app.publicity.activities import campaigns_per_unit, fewer_than_two, not_reported
from app.storage.integrity import check_database
from db.base import Base
from db.engine import make_engine, sqlite_url
from db.models import (
    CallbackCall,
    CallbackSample,
    CaseStat,
    DissuasionCase,
    FraudFreeTitle,
    FraudType,
    Household,
    Letter,
    Resident,
    Setting,
    Unit,
    UnitRole,
    Visit,
)
from db.schema import prepare_database

TODAY = date(2026, 11, 23)
HOUSEHOLDS = 300


def _new_engine(folder: Path, name: str) -> Engine:
    url = sqlite_url(folder / f"{name}.sqlite")
    prepare_database(url)
    return make_engine(url)


def _build(engine: Engine, seed: int = 1) -> tuple[DemoSummary, list[Progress]]:
    steps: list[Progress] = []
    summary = run_to_end(build_demo(engine, HOUSEHOLDS, seed, TODAY), steps.append)
    return summary, steps


def _contents(engine: Engine, table_name: str) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT * FROM {table_name} ORDER BY rowid")).all()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One demo database shared by the read-only tests: (engine, summary, progress steps)."""
    engine = _new_engine(tmp_path_factory.mktemp("demo"), "demo")
    summary, steps = _build(engine)
    yield engine, summary, steps
    engine.dispose()


def test_every_table_is_filled_and_counted(built):
    engine, summary, _ = built
    with engine.connect() as conn:
        counts = {
            name: conn.scalar(select(func.count()).select_from(table))
            for name, table in Base.metadata.tables.items()
        }
    assert len(counts) == 41
    assert [name for name, n in counts.items() if n == 0] == []
    assert counts["household"] == HOUSEHOLDS
    written = dict(summary.counts)
    assert written == {name: n for name, n in counts.items() if name != "fraud_type"}
    assert summary.total_rows == sum(written.values())
    assert (summary.households, summary.seed, summary.today) == (HOUSEHOLDS, 1, TODAY)


def test_progress_runs_from_start_to_total(built):
    _, _, steps = built
    assert steps[-1].done == steps[-1].total
    assert all(a.done <= b.done <= b.total for a, b in itertools.pairwise(steps))
    assert all(step.message for step in steps)


def test_database_is_consistent(built):
    engine, _, _ = built
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        stale = conn.scalar(
            select(func.count())
            .select_from(Household)
            .where(
                func.coalesce(Household.last_visited_on, "")
                != func.coalesce(
                    select(
                        func.max(Visit.visited_on)
                    )  # as app.households.visits keeps it: 不在家 is not
                    .where(Visit.household_id == Household.id, Visit.outcome != "nobody_home")
                    .scalar_subquery(),
                    "",
                )
            )
        )
        assert stale == 0
        assert conn.scalar(select(func.count()).where(Household.grid_id.is_(None))) == 0
    assert check_database(engine).ok


def test_every_code_occurs(built):
    engine, _, _ = built
    with engine.connect() as conn:
        statuses = set(conn.scalars(select(Letter.status).distinct()))
        outcomes = set(conn.scalars(select(DissuasionCase.outcome).distinct()))
        sources = set(conn.scalars(select(DissuasionCase.alert_source).distinct()))
        used_types = set(conn.scalars(select(DissuasionCase.fraud_type_id).distinct()))
        fraud_types = set(conn.scalars(select(FraudType.id)))
        warned = conn.execute(
            select(DissuasionCase.alert_source, DissuasionCase.was_warned).where(
                DissuasionCase.alert_source.in_(("fund_side", "alert_96110"))
            )
        ).all()
    assert statuses == set(LETTER_STATUSES)
    assert outcomes == set(CASE_OUTCOMES)
    assert sources == set(ALERT_SOURCES)
    assert used_types == fraud_types and len(fraud_types) == 10  # the migration's, not new ones
    assert warned and all(was_warned for _, was_warned in warned)


def test_residents_have_valid_id_numbers(built):
    engine, _, _ = built
    with engine.connect() as conn:
        residents = conn.execute(
            select(Resident.id_number, Resident.gender, Resident.birth_date, Resident.tags)
        ).all()
        others = [
            number
            for table in ("person", "employee", "confidential_reporter")
            for number in conn.scalars(text(f"SELECT id_number FROM {table}"))
            if number
        ]
    numbers = [r.id_number for r in residents]
    assert len(set(numbers)) == len(numbers)
    for number, sex, born, tags in residents:
        assert idnumber.id_number_error(number) is None, number
        assert sex == idnumber.gender(number)
        assert born == idnumber.birth_date(number)
        age = TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))
        assert 0 <= age <= 96
        tag_list = tags.split(",") if tags else []
        assert set(tag_list) <= set(RESIDENT_TAGS)
        # Ages are drawn in days, so allow a day's rounding at a birthday.
        if "老年人" in tag_list:
            assert age >= 59
        if age >= 61:
            assert "老年人" in tag_list
        if "学生" in tag_list:
            assert 5 <= age <= 23
    assert all(idnumber.id_number_error(n) is None for n in others)


def test_shape_of_the_township(built):
    engine, _, _ = built
    with engine.connect() as conn:
        residents = conn.scalar(select(func.count()).select_from(Resident))
        visits = conn.scalar(select(func.count()).select_from(Visit))
        letters = conn.scalar(select(func.count()).where(Letter.household_id.is_not(None)))
        recent = conn.scalar(
            select(func.count()).where(Household.last_visited_on > TODAY - timedelta(days=365))
        )
        villages = conn.scalar(select(func.count()).where(Unit.kind == "village"))
        kinds = set(conn.scalars(select(Unit.kind).distinct()))
        roles_named = conn.execute(
            select(Unit.id, func.count(func.distinct(UnitRole.role)))
            .join(UnitRole, UnitRole.unit_id == Unit.id, isouter=True)
            .group_by(Unit.id)
        ).all()
        settings = dict(conn.execute(select(Setting.key, Setting.value)).all())
        newest = conn.scalar(select(func.max(Visit.updated_at)))
    assert 2.2 < residents / HOUSEHOLDS < 2.8
    assert 1.2 < visits / HOUSEHOLDS < 1.8
    assert 1.9 < letters / HOUSEHOLDS < 2.2
    assert 0.6 < recent / HOUSEHOLDS < 0.8
    assert villages >= 2
    assert kinds == set(UNIT_KINDS)
    missing = [unit for unit, named in roles_named if named < 4]
    assert 0 < len(missing) < len(roles_named) / 4
    assert settings["township_name"] == "清溪镇"
    assert settings["issuing_office"] == "清溪镇反电信网络诈骗分中心"
    assert newest < datetime.combine(TODAY + timedelta(days=1), datetime.min.time())


def test_same_seed_same_rows_other_seed_other_rows(built, tmp_path):
    first, summary, _ = built
    again = _new_engine(tmp_path, "again")
    other = _new_engine(tmp_path, "other")
    try:
        _build(again)
        _build(other, seed=2)
        for table in summary.counts:  # every table the demo writes (not the fraud types)
            assert _contents(again, table) == _contents(first, table), table
        for table in ("household", "resident", "visit", "letter", "dissuasion_case"):
            assert _contents(other, table) != _contents(first, table), table
    finally:
        again.dispose()
        other.dispose()


def test_uuids_are_version_4_from_their_own_random_stream():
    stream, rng = UuidStream(5), random.Random("wuzha-demo-uuid:5")
    for _ in range(3000):  # more than one block
        assert stream() == str(uuid.UUID(int=rng.getrandbits(128), version=4))


def test_second_build_is_refused_and_changes_nothing(built):
    engine, _, _ = built
    before = {table: _contents(engine, table) for table in ("unit", "household", "letter")}
    with pytest.raises(ValidationError) as raised:
        run_to_end(build_demo(engine, HOUSEHOLDS, 7, TODAY))
    assert raised.value.errors == {"": "数据库中已有数据，演示数据只能生成到空数据库中。"}
    assert {table: _contents(engine, table) for table in before} == before


def test_cancelled_build_leaves_the_database_empty(tmp_path):
    engine = _new_engine(tmp_path, "cancelled")
    count_indexes = (
        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'resident'"
    )
    try:
        with engine.connect() as conn:
            before = conn.exec_driver_sql(count_indexes).scalar()
        job = build_demo(engine, HOUSEHOLDS, 1, TODAY)
        assert isinstance(next(job), Progress)
        job.close()
        with engine.connect() as conn:
            for model in (Unit, Household, Resident):
                assert conn.scalar(select(func.count()).select_from(model)) == 0
            indexes = conn.exec_driver_sql(count_indexes).scalar()
        assert before >= 4 and indexes == before  # the dropped indexes came back with the rollback
        summary, _ = _build(engine)  # and the database still takes a full build
        assert summary.counts["household"] == HOUSEHOLDS
    finally:
        engine.dispose()


def test_titles_carry_the_programs_checklist(built):
    engine, _, _ = built
    with engine.connect() as conn:
        titles = conn.execute(select(FraudFreeTitle.id, FraudFreeTitle.title_kind)).all()
    assert {kind for _, kind in titles} == set(CRITERIA)
    for title_id, kind in titles:
        record = load_title(engine, title_id)
        assert [text for text, _ in record.criteria] == list(CRITERIA[kind])
        if record.status == "awarded":
            assert record.unmet == []


def test_monthly_figures_only_for_months_that_have_ended(built):
    engine, _, _ = built
    with engine.connect() as conn:
        periods = set(conn.execute(select(CaseStat.year, CaseStat.month).distinct()).all())
        newest = conn.scalar(select(func.max(CaseStat.created_at)))
    assert (TODAY.year, TODAY.month) not in periods
    assert (2026, 10) in periods and (2024, 11) in periods and len(periods) == 24
    assert newest < datetime.combine(TODAY + timedelta(days=1), datetime.min.time())


def test_callback_samples_are_drawn_as_the_program_draws_them(built):
    engine, _, _ = built
    with engine.connect() as conn:
        samples = conn.execute(select(CallbackSample)).all()
        calls = conn.execute(
            select(CallbackCall.sample_id, CallbackCall.household_id, CallbackCall.visit_id,
                   Household.phone, Visit.visited_on, Visit.outcome)
            .join(Household, Household.id == CallbackCall.household_id)
            .join(Visit, Visit.id == CallbackCall.visit_id)
        ).all()  # fmt: skip
    assert samples and len(calls) == sum(s.sample_size for s in samples)
    by_sample: dict[int, list[int]] = {}
    for call in calls:
        by_sample.setdefault(call.sample_id, []).append(call.household_id)
        assert call.phone and call.outcome == "visited"
    for sample in samples:
        assert sample.visited_from <= sample.visited_to < sample.drawn_on
        # 复现: the stored seed over the stored period picks the same households again
        assert redraw(engine, sample.id) == sorted(by_sample[sample.id])
    periods = {s.id: (s.visited_from, s.visited_to) for s in samples}
    assert all(periods[c.sample_id][0] <= c.visited_on <= periods[c.sample_id][1] for c in calls)


def test_letter_numbers_are_the_programs_with_this_databases_prefix(built, tmp_path):
    engine, _, _ = built
    with engine.connect() as conn:
        prefix = conn.scalar(select(Setting.value).where(Setting.key == PREFIX_KEY))
        numbers = conn.execute(select(Letter.kind, Letter.number)).all()
    assert re.fullmatch("[0-9A-F]{4}", prefix)
    for kind, number in numbers:
        assert re.fullmatch(rf"{KIND_CODES[kind]}20\d\d-{prefix}-\d{{6}}", number), number
    # the letters printed next go on from the demo's last number of the year
    last = max(n for k, n in numbers if k == "notice" and n.startswith(f"GZ{TODAY.year}"))
    with Session(engine) as session:
        following = Numbering(session, "notice", TODAY.year).take()
        session.rollback()
    assert following == f"{last[:-6]}{int(last[-6:]) + 1:06d}"
    # another seed, another prefix; a database that has one keeps it
    other = _new_engine(tmp_path, "prefixed")
    try:
        with Session(other) as session, session.begin():
            session.add(Setting(key=PREFIX_KEY, value="0A0B"))
        run_to_end(build_demo(other, 50, 2, TODAY))
        with other.connect() as conn:
            first = conn.scalar(select(Letter.number).order_by(Letter.id).limit(1))
        assert "-0A0B-" in first
    finally:
        other.dispose()
    assert letter_prefix(1) == prefix and letter_prefix(2) != prefix


def test_awards_are_proposed_for_every_dissuader_but_of_the_latest_cases(built):
    engine, _, _ = built
    with engine.connect() as conn:
        waiting = conn.scalars(
            select(DissuasionCase.occurred_at).where(
                DissuasionCase.deleted_at.is_(None), awaiting_award_clause()
            )
        ).all()
        rewardable = conn.scalar(
            select(func.count()).where(DissuasionCase.outcome.in_(("success", "partial")))
        )
    # the clerk is behind only with the last days' cases (待提出奖励 is short, not everything)
    recent = datetime.combine(TODAY - timedelta(days=AWAITING_DAYS + 1), datetime.min.time())
    assert all(when >= recent for when in waiting)
    assert rewardable > 20 and len(waiting) < rewardable / 5


def test_units_report_their_publicity_month_by_month(built):
    engine, _, _ = built
    members = len(campaigns_per_unit(engine, TODAY.year))
    for month in range(1, TODAY.month):
        silent = not_reported(engine, TODAY.year, month)
        assert len(silent) < members / 4, month  # most report; a few miss a month
    assert fewer_than_two(engine, TODAY.year - 1) == []
    on_time = [
        s.indicators["publicity_on_time"] for s in assess(engine, TODAY.year - 1, today=TODAY)
    ]
    assert 0.6 < statistics.median(on_time) < 1  # mostly by the 29th, some late


def test_this_years_transfer_rate_is_under_the_target(built):
    engine, _, _ = built
    summary = dissuasion_summary(engine, date(TODAY.year, 1, 1), TODAY)
    assert summary.warned_people > 10 and summary.meets_target
    with engine.connect() as conn:
        transferred = conn.scalars(
            select(DissuasionCase.occurred_at).where(
                DissuasionCase.outcome == "transferred_after_warning"
            )
        ).all()
    assert transferred  # the code occurs, in a past year


def test_the_township_shows_the_dual_decline_its_plan_asks_for(built):
    engine, _, _ = built
    result = dual_decline(engine, TODAY.year)
    assert result.through_month == TODAY.month - 1  # the month under way has no figures yet
    total = result.total  # 300 households have a handful of cases: both fall at 3,000
    assert total.cases <= total.cases_last and total.loss_fen < total.loss_last_fen
    assert total.status in ("both", "one")


def test_registered_cases_are_the_monthly_figures_of_their_months(built):
    from app.cases.incidents import IncidentService
    from app.oversight.overdue import overdue_items
    from db.models import CaseStat, ClueHandover, FraudIncident

    engine, _, _ = built
    month = func.cast(func.strftime("%m", FraudIncident.occurred_on), Integer)
    with engine.connect() as conn:
        registered = conn.execute(
            select(FraudIncident.village_id, month, func.count(), func.sum(FraudIncident.loss_fen))
            .where(FraudIncident.deleted_at.is_(None))
            .group_by(FraudIncident.village_id, month)
        ).all()
        typed = {
            (v, m): (c, loss)
            for v, m, c, loss in conn.execute(
                select(
                    CaseStat.village_id, CaseStat.month, CaseStat.case_count, CaseStat.loss_fen
                ).where(CaseStat.year == TODAY.year)
            )
        }
        ids = conn.scalars(select(FraudIncident.id)).all()
        results = set(conn.scalars(select(ClueHandover.result)))
    assert registered and all(typed[(v, m)] == (c, loss) for v, m, c, loss in registered)
    # every registered case is valid as the form checks it
    service = IncidentService(engine, "clerk")
    for incident in ids:
        service.update(incident, service.load(incident))
    assert {"pending", "handled"} <= results
    keys = {i.key for i in overdue_items(engine, TODAY)}
    assert "clue_feedback" in keys


def test_instructions_are_signed_and_pushed_and_the_newest_waits(built):
    from app.oversight.instructions import overdue_receipts
    from app.oversight.overdue import overdue_items
    from db.models import Instruction, InstructionReceipt

    engine, _, _ = built
    with Session(engine) as session:
        instructions = session.scalar(select(func.count()).select_from(Instruction))
        signed = session.scalar(
            select(func.count()).where(InstructionReceipt.signed_at.is_not(None))
        )
        unsigned, unpushed = overdue_receipts(session, datetime.combine(TODAY, datetime.max.time()))
    assert instructions >= 12 and signed > 0
    assert (unsigned, unpushed) == (2, 1)
    keys = {i.key for i in overdue_items(engine, TODAY + timedelta(days=1))}
    assert {"instruction_signing", "instruction_pushing"} <= keys


def test_the_plan_dates_are_set_and_late_units_are_overdue(built):
    from app.org.deadlines import load_deadlines, roles_overdue

    engine, _, _ = built
    dates = load_deadlines(engine)
    assert sorted(dates) == [TODAY.year - 1, TODAY.year]
    assert dates[TODAY.year].roles_by == date(TODAY.year, 3, 31)
    late = roles_overdue(engine, TODAY)
    assert late is not None and late.units  # the demo leaves some units short of their 四员


def test_the_centre_is_staffed_and_its_interviews_recorded(built, tmp_path):
    from app.cases.interviews import InterviewService, print_interview
    from app.org.centre import centre_gaps, governor_coverage
    from db.models import Commendation, InterviewRecord

    engine, _, _ = built
    assert centre_gaps(engine, TODAY) == []
    assert len(governor_coverage(engine).missing) == 2
    with engine.connect() as conn:
        warnings = conn.scalar(select(func.count()).where(Commendation.kind == "warning"))
        records = conn.scalars(select(InterviewRecord.id)).all()
    assert warnings == 2 and records
    service = InterviewService(engine, "clerk")
    service.update(records[0], service.load(records[0]))  # valid as the form checks it
    assert print_interview(engine, records[0], tmp_path / "约谈.pdf") >= 1
