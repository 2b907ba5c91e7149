"""The overdue list: a fixture with known overdue matters, and the click that opens them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt

from app.core.periods import report_deadline
from app.oversight.overdue import overdue_items, quarter_of
from db.engine import unit_of_work
from db.models import (
    Award,
    CallbackCall,
    CallbackSample,
    CaseDissuader,
    Commendation,
    DissuasionCase,
    FraudType,
    Grid,
    Household,
    Inspection,
    Letter,
    Meeting,
    MeetingDecision,
    Person,
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
    assert items["callbacks"].target.filters == {"result": "overdue_pending"}
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


def _fixture_around(engine, today: date) -> None:
    """One overdue record of every kind on `today` beside records that are not overdue; no
    quarterly meeting last quarter; of two member units only 白鹤村 reported this month."""
    days = lambda n: today + timedelta(days=n)  # noqa: E731
    previous_start, _ = quarter_of(quarter_of(today)[0] - timedelta(days=1))
    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        police = Unit(name="清溪派出所", kind="police")
        s.add_all([village, police])
        s.flush()
        grid = Grid(village_id=village.id, name="一网格")
        special = Meeting(kind="special", title="专题会", held_at=datetime.combine(
            previous_start + timedelta(days=3), datetime.min.time()))  # fmt: skip
        s.add_all([grid, special])
        s.flush()
        for seq, (due, status) in enumerate(
            ((days(-5), "open"), (days(-5), "done"), (days(60), "in_progress")), start=1
        ):
            s.add(MeetingDecision(meeting_id=special.id, seq=seq, text=f"事项{seq}",
                                  owner_unit_id=village.id, due_on=due, status=status))  # fmt: skip
        for due, done in ((days(-3), None), (days(-3), days(-4)), (days(60), None)):
            s.add(Inspection(inspected_on=days(-20), inspectors="平安办", unit_id=village.id,
                             method="on_site", rectification="补录", rectification_due=due,
                             rectified_on=done))  # fmt: skip
        s.add(Commendation(unit_id=village.id, kind="yellow_card", reason="走访不实",
                           issued_on=days(-20), rectification_due=days(-2)))  # fmt: skip
        s.add(Commendation(unit_id=village.id, kind="yellow_card", reason="台账不全",
                           issued_on=days(-20), rectification_due=days(60)))  # fmt: skip
        home = Household(village_id=village.id, grid_id=grid.id, address="1号", head_name="张三")
        s.add(home)
        s.flush()
        for n, (kind, printed) in enumerate(
            (("commitment_household", -40), ("commitment_household", -1), ("notice", -40))
        ):
            printed_at = datetime.combine(days(printed), datetime.min.time())
            s.add(Letter(kind=kind, number=f"A{n}", household_id=home.id, status="printed",
                         printed_at=printed_at))  # fmt: skip
        for drawn, result in ((-20, "pending"), (-1, "pending"), (-20, "confirmed")):
            sample = CallbackSample(grid_id=grid.id, drawn_on=days(drawn), seed=1, sample_size=1)
            s.add(sample)
            s.flush()
            s.add(CallbackCall(sample_id=sample.id, household_id=home.id, result=result))
        s.add(PublicityActivity(held_on=today.replace(day=1), unit_id=village.id, title="宣讲",
                                form="进社区", reported_on=today.replace(day=1)))  # fmt: skip
        _cases_for_awards(s, village.id, datetime.combine(days(-10), datetime.min.time()))


def _cases_for_awards(s, village_id: int, when: datetime) -> None:
    """A successful case whose dissuader has no award (待提出奖励), one whose dissuader has
    one, a failed one, and a deleted one: only the first is waiting."""
    fraud = s.query(FraudType).first()
    volunteer = Person(name="李志愿")
    s.add(volunteer)
    s.flush()
    for n, (outcome, awarded, deleted) in enumerate(
        (("success", False, False), ("success", True, False), ("failed", False, False),
         ("partial", False, True))
    ):  # fmt: skip
        case = DissuasionCase(occurred_at=when, alert_source="visit", person_name=f"张{n}",
                              village_id=village_id, fraud_type_id=fraud.id, outcome=outcome,
                              deleted_at=when if deleted else None)  # fmt: skip
        s.add(case)
        s.flush()
        s.add(CaseDissuader(case_id=case.id, person_id=volunteer.id, role="反诈志愿者"))
        if awarded:
            s.add(Award(kind="per_case", recipient_person_id=volunteer.id, case_id=case.id,
                        amount_fen=50000, status="proposed", proposed_on=when.date()))  # fmt: skip


def _double_click(qtbot, overview, key: str) -> None:
    row = next(i for i, item in enumerate(overview.items) if item.key == key)
    entry = overview.overdue.item(row)
    overview.overdue.scrollToItem(entry)
    centre = overview.overdue.visualItemRect(entry).center()
    viewport = overview.overdue.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=centre)


def test_double_clicking_each_item_opens_exactly_its_records(qtbot, engine, tmp_path):
    from app.storage.database import open_database
    from ui.main_window import MainWindow

    today = date.today()
    _fixture_around(engine, today)
    expected = {i.key: i for i in overdue_items(engine, today)}
    assert {"previous_quarter_meeting", "decisions", "rectifications", "unsigned_letters",
            "criticism_rectifications", "callbacks", "awaiting_award"} <= set(expected)  # fmt: skip
    assert expected["awaiting_award"].text == "1起成功劝阻案例待提出奖励"
    assert all(expected[k].count == 1 for k in expected if k != "quarter_meeting")
    database = open_database(tmp_path / "wuzha-test.sqlite")
    window = MainWindow(database, "clerk")
    qtbot.addWidget(window)
    window.show()
    overview = window.tab_widget("概览")
    qtbot.waitUntil(lambda: len(overview.items) == len(expected))

    def opened(key: str):
        if window.tabs.currentWidget() is not overview:
            window.tabs.setCurrentWidget(overview)  # which recomputes the list
            qtbot.waitUntil(lambda: len(overview.items) == len(expected))
        target = next(i.target for i in overview.items if i.key == key)
        _double_click(qtbot, overview, key)
        assert window.tabs.tabText(window.tabs.currentIndex()) == target.tab
        return window.tabs.currentWidget()

    tab = opened("previous_quarter_meeting")
    assert tab.tabs.currentIndex() == 0
    previous = quarter_of(quarter_of(today)[0] - timedelta(days=1))[0]
    assert tab.meetings.filter_bar.query().filters == {
        "kind": "quarterly", "year": str(previous.year)
    }  # fmt: skip
    qtbot.waitUntil(lambda: tab.meetings.model.count == 0)  # the missing meeting, and no other
    tab = opened("decisions")
    assert tab.tabs.currentWidget() is tab.all_decisions
    qtbot.waitUntil(lambda: tab.all_decisions.model.count == 1)
    assert tab.all_decisions.model.data(tab.all_decisions.model.index(0, 2)) == "事项1"
    tab = opened("rectifications")
    assert tab.tabs.tabText(tab.tabs.currentIndex()) == "督导检查"
    qtbot.waitUntil(lambda: tab.inspections.model.count == 1)
    tab = opened("callbacks")
    assert tab.tabs.tabText(tab.tabs.currentIndex()) == "电话回访抽查"
    qtbot.waitUntil(lambda: tab.callbacks.calls.model.count == 1)
    tab = opened("criticism_rectifications")
    assert tab.tabs.tabText(tab.tabs.currentIndex()) == "表彰与批评"
    qtbot.waitUntil(lambda: tab.commendations.model.count == 1)
    tab = opened("unsigned_letters")
    qtbot.waitUntil(lambda: tab.letters.model.count == 1)
    tab = opened("awaiting_award")
    assert tab.tabs.currentIndex() == 0
    assert tab.cases.filter_bar.query().filters == {"awaiting_award": True}
    qtbot.waitUntil(lambda: tab.cases.model.count == 1)
    person = tab.cases.model.register.column_index("person_name")
    assert tab.cases.model.data(tab.cases.model.index(0, person)) == "张0"

    # after the 29th the unit that did not report is listed, and its link shows just that unit
    deadline = report_deadline(today.year, today.month)
    window.tabs.setCurrentWidget(overview)
    qtbot.waitUntil(lambda: len(overview.items) == len(expected))
    overview.refresh(max(today, deadline))
    qtbot.waitUntil(lambda: any(i.key == "publicity_reports" for i in overview.items))
    tab = opened("publicity_reports")
    assert tab.tabs.currentWidget() is tab.reporting
    assert tab.reporting.silent.rowCount() == 1
    assert tab.reporting.silent.item(0, 0).text() == "清溪派出所"
    database.close()
