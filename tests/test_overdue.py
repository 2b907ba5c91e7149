"""The overdue list: a fixture with known overdue matters, and the click that opens them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.overdue import overdue_items, quarter_of
from db.engine import unit_of_work
from db.models import (
    CallbackCall,
    CallbackSample,
    Commendation,
    Grid,
    Household,
    Inspection,
    Letter,
    Meeting,
    MeetingDecision,
    PublicityActivity,
    Unit,
)

TODAY = date(2026, 12, 20)  # 11 days before the quarter ends, before the 29th


def test_quarters():
    assert quarter_of(date(2026, 12, 20)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_of(date(2026, 2, 28)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_of(date(2024, 5, 1)) == (date(2024, 4, 1), date(2024, 6, 30))


def _fixture(engine):
    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        s.add(village)
        s.flush()
        grid = Grid(village_id=village.id, name="一网格")
        s.add(grid)
        s.flush()
        # Q3 had its meeting; Q4 has none yet
        q3 = Meeting(kind="quarterly", title="三季度", held_at=datetime(2026, 9, 20, 9))
        s.add(q3)
        s.flush()
        s.add_all(
            [
                MeetingDecision(
                    meeting_id=q3.id,
                    seq=1,
                    text="过期",
                    owner_unit_id=village.id,
                    due_on=date(2026, 10, 31),
                    status="open",
                ),
                MeetingDecision(
                    meeting_id=q3.id,
                    seq=2,
                    text="完成",
                    owner_unit_id=village.id,
                    due_on=date(2026, 10, 31),
                    status="done",
                ),
                MeetingDecision(
                    meeting_id=q3.id,
                    seq=3,
                    text="未到期",
                    owner_unit_id=village.id,
                    due_on=date(2027, 1, 31),
                    status="in_progress",
                ),
                Inspection(
                    inspected_on=date(2026, 11, 1),
                    inspectors="平安办",
                    unit_id=village.id,
                    method="on_site",
                    rectification="补录",
                    rectification_due=date(2026, 12, 1),
                ),
                Inspection(
                    inspected_on=date(2026, 11, 1),
                    inspectors="平安办",
                    unit_id=village.id,
                    method="on_site",
                    rectification="补录",
                    rectification_due=date(2026, 12, 1),
                    rectified_on=date(2026, 11, 30),
                ),
                Commendation(
                    unit_id=village.id,
                    kind="yellow_card",
                    reason="走访不实",
                    issued_on=date(2026, 11, 1),
                    rectification_due=date(2026, 12, 10),
                ),
            ]
        )
        home = Household(village_id=village.id, grid_id=grid.id, address="1号", head_name="张三")
        s.add(home)
        s.flush()
        s.add_all(
            [
                Letter(
                    kind="commitment_household",
                    number="A1",
                    household_id=home.id,
                    status="printed",
                    printed_at=datetime(2026, 11, 1, 9),
                ),
                Letter(
                    kind="commitment_household",
                    number="A2",
                    household_id=home.id,
                    status="printed",
                    printed_at=datetime(2026, 12, 1, 9),
                ),
                Letter(
                    kind="notice",
                    number="A3",
                    household_id=home.id,
                    status="printed",
                    printed_at=datetime(2026, 11, 1, 9),
                ),
            ]
        )
        sample = CallbackSample(grid_id=grid.id, drawn_on=date(2026, 11, 1), seed=1, sample_size=1)
        s.add(sample)
        s.flush()
        s.add(CallbackCall(sample_id=sample.id, household_id=home.id, result="pending"))
        s.add(
            PublicityActivity(
                held_on=date(2026, 12, 3),
                unit_id=village.id,
                title="宣讲",
                form="进社区",
                reported_on=date(2026, 12, 4),
            )
        )


def test_every_kind_of_overdue_matter_is_found(engine):
    _fixture(engine)
    items = {i.key: i for i in overdue_items(engine, TODAY)}
    assert set(items) == {
        "quarter_meeting",
        "decisions",
        "rectifications",
        "criticism_rectifications",
        "unsigned_letters",
        "callbacks",
    }
    assert items["quarter_meeting"].text == "本季度还剩11天，尚未召开季度例会"
    assert items["decisions"].count == 1
    assert items["rectifications"].count == 1
    assert items["rectifications"].target.subtab == "督导检查"
    assert items["unsigned_letters"].count == 1  # the notice and the recent one are not late
    assert items["callbacks"].target.filters == {"result": "pending"}
    # after the 29th the member unit that reported is fine; nobody else is a member
    late = {i.key for i in overdue_items(engine, date(2026, 12, 30))}
    assert "publicity_reports" not in late
    with unit_of_work(engine) as s:
        s.add(Unit(name="派出所", kind="police"))
    late = {i.key: i for i in overdue_items(engine, date(2026, 12, 30))}
    assert late["publicity_reports"].count == 1


def test_a_missed_quarter_is_reported_the_next_quarter(engine):
    _fixture(engine)
    keys = {i.key for i in overdue_items(engine, date(2027, 2, 1))}
    assert "previous_quarter_meeting" in keys and "quarter_meeting" not in keys
    assert "previous_quarter_meeting" not in {
        i.key for i in overdue_items(engine, date(2026, 10, 5))
    }


def test_clicking_an_item_opens_the_filtered_records(qtbot, engine, tmp_path):
    from app.database import open_database
    from ui.main_window import MainWindow

    _fixture(engine)
    with unit_of_work(engine) as s:
        village_id = s.scalar(select(Unit.id))
        s.add(
            Inspection(
                inspected_on=date.today() - timedelta(days=9),
                inspectors="平安办",
                unit_id=village_id,
                method="on_site",
                rectification="补录",
                rectification_due=date.today() - timedelta(days=1),
            )
        )
    database = open_database(tmp_path / "wuzha-test.sqlite")
    window = MainWindow(database, "clerk")
    qtbot.addWidget(window)
    window.show()
    overview = window.tab_widget("概览")
    qtbot.waitUntil(lambda: overview.overdue.count() > 1)
    row = next(i for i, item in enumerate(overview.items) if item.key == "rectifications")
    overview.overdue.itemActivated.emit(overview.overdue.item(row))
    tab = window.tabs.currentWidget()
    assert window.tabs.tabText(window.tabs.currentIndex()) == "督导考核"
    assert tab.tabs.tabText(tab.tabs.currentIndex()) == "督导检查"
    qtbot.waitUntil(lambda: tab.inspections.model.count == 1)
    assert tab.inspections.filter_bar.query().filters == {"state": "overdue"}
    database.close()
