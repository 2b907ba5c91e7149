"""The 概览 figures, on a small township whose answers are known."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import Qt

from app.households.coverage import CoverageRow, coverage, table_rows
from app.org.units import UnitService
from app.oversight.overview import Overview, counts, overview
from db.engine import unit_of_work
from db.models import (
    DissuasionCase,
    FraudType,
    Household,
    Letter,
    Meeting,
    Person,
    Resident,
    UnitRole,
)

TODAY = date(2026, 11, 23)


def test_overview_counts_what_the_office_asks(engine):
    units = UnitService(engine)
    village = units.create({"name": "白鹤村", "kind": "village"})
    units.create({"name": "平安办", "kind": "institution"})
    with unit_of_work(engine) as s:
        person = Person(name="王喆")
        s.add(person)
        s.flush()
        for role in ("first_responsible", "specific_responsible", "liaison", "lecturer"):
            s.add(UnitRole(unit_id=village, role=role, person_id=person.id))
        visited = [date(2026, 3, 1), date(2025, 12, 30), None, date(2026, 11, 1)]
        homes = [
            Household(village_id=village, address=f"{i}号", head_name="张三", last_visited_on=v)
            for i, v in enumerate(visited)
        ]
        s.add_all(homes)
        s.flush()
        homes[3].deleted_at = datetime(2026, 11, 2)  # a deleted household counts nowhere
        s.add_all(
            [
                Resident(household_id=homes[0].id, name="张三", app_installed_on=TODAY),
                Resident(household_id=homes[0].id, name="李四"),
                Resident(household_id=homes[1].id, name="王五", app_installed_on=TODAY),
                # the deleted household's resident, letters and APP count nowhere
                Resident(household_id=homes[3].id, name="赵六", app_installed_on=TODAY),
            ]
        )
        letters = [
            ("notice", "delivered", homes[0]), ("notice", "signed", homes[0]),
            ("notice", "printed", homes[1]), ("commitment_household", "signed", homes[1]),
            ("commitment_household", "refused", homes[2]),
            ("notice", "delivered", homes[3]), ("commitment_household", "signed", homes[3]),
        ]  # fmt: skip
        for n, (kind, status, home) in enumerate(letters):
            s.add(Letter(kind=kind, status=status, household_id=home.id, number=f"N{n}"))
        fraud = s.query(FraudType).first()
        for when, saved in ((datetime(2026, 11, 5), 150_000), (datetime(2026, 2, 1), 50),
                            (datetime(2025, 11, 30), 999)):  # fmt: skip
            s.add(DissuasionCase(occurred_at=when, alert_source="visit", person_name="某",
                                 fraud_type_id=fraud.id, outcome="success",
                                 amount_saved_fen=saved))  # fmt: skip
        s.add(Meeting(kind="quarterly", title="第四季度例会", held_at=datetime(2026, 10, 9)))
        # after `today`: not yet held, not yet saved
        s.add(Meeting(kind="special", title="专题会", held_at=datetime(2026, 12, 9)))
        s.add(DissuasionCase(occurred_at=datetime(2026, 11, 24, 9), alert_source="visit",
                             person_name="某", fraud_type_id=fraud.id, outcome="success",
                             amount_saved_fen=7))  # fmt: skip

    o = overview(engine, TODAY)
    assert (o.units, o.villages, o.households, o.residents) == (2, 1, 3, 3)
    assert o.visited_this_year == 1  # 2026-03-01 only: 2025-12-30 is last year
    assert o.notice_delivered == 1  # two letters of one household count once
    assert o.commitment_signed == 1
    assert o.app_installed == 2
    assert o.cases_this_month == 1
    assert o.saved_this_year_fen == 150_050
    assert o.meetings_this_quarter == 1
    assert o.units_missing_roles == 1  # 平安办
    assert Overview.share(o.visited_this_year, o.households) == "33.3%"
    assert Overview.share(1, 0) == "—"
    assert counts(engine) == {"units": 2, "households": 3, "residents": 3}
    # one place for the coverage: the 入户走访 tab's figures, to the row
    assert o.coverage == coverage(engine, TODAY).total


def test_the_overview_shares_are_the_coverage_tables():
    """1.45 % rounds half up in both places (a float would print 1.4 %)."""
    assert Overview.share(29, 2000) == "1.5%"
    assert table_rows([CoverageRow(None, None, 2000, 29, 0, 0, 0, 0)])[0][4] == Decimal("1.5")


def test_overview_has_this_years_transfer_rate_and_dual_decline(engine):
    from db.models import CaseStat, Unit

    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        s.add(village)
        s.flush()
        fraud = s.query(FraudType).first()
        for n, outcome in enumerate(("success", "transferred_after_warning", "success")):
            s.add(
                DissuasionCase(
                    occurred_at=datetime(2026, 5, n + 1, 9),
                    alert_source="fund_side",
                    person_name=f"张{n}",
                    fraud_type_id=fraud.id,
                    was_warned=n < 2,
                    outcome=outcome,
                    amount_lost_fen=100 if n == 1 else 0,
                )
            )
        s.add(CaseStat(village_id=village.id, year=2026, month=1, case_count=1, loss_fen=100))
        s.add(CaseStat(village_id=village.id, year=2025, month=1, case_count=2, loss_fen=50))
        s.add(CaseStat(village_id=village.id, year=2025, month=2, case_count=9, loss_fen=900))
    o = overview(engine, TODAY)
    assert (o.dissuasion.warned_people, o.dissuasion.transferred_people) == (2, 1)
    assert o.dissuasion.meets_target is False
    assert o.decline_months == 1 and o.decline.status == "one"


def test_overview_charts_the_months_and_money_saved(engine):
    from db.models import CaseStat, Unit

    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        s.add(village)
        s.flush()
        fraud = s.query(FraudType).first()
        for when, saved in ((datetime(2026, 3, 9), 12_000), (datetime(2026, 3, 20), 500),
                            (datetime(2026, 11, 1), 7)):  # fmt: skip
            s.add(DissuasionCase(occurred_at=when, alert_source="visit", person_name="某",
                                 fraud_type_id=fraud.id, outcome="success",
                                 amount_saved_fen=saved))  # fmt: skip
        for year, month, cases, loss in ((2026, 1, 2, 300), (2026, 2, 1, 0), (2025, 2, 4, 900)):
            s.add(CaseStat(village_id=village.id, year=year, month=month, case_count=cases,
                           loss_fen=loss))  # fmt: skip
    o = overview(engine, TODAY)
    assert o.saved_by_month_fen == (0, 0, 12_500, 0, 0, 0, 0, 0, 0, 0, 7)
    assert [(m.month, m.cases, m.cases_last, m.loss_fen, m.loss_last_fen) for m in o.months] == [
        (1, 2, 0, 300, 0),
        (2, 1, 4, 0, 900),
    ]


def test_the_tab_shows_cards_and_charts_and_a_card_opens_its_records(qtbot, engine):
    from ui.tabs.oversight.overview_tab import OverviewTab

    units = UnitService(engine)
    village = units.create({"name": "白鹤村", "kind": "village"})
    with unit_of_work(engine) as s:
        s.add_all(
            Household(village_id=village, address=f"{i}号", head_name="张三",
                      last_visited_on=date.today() if i < 3 else None)
            for i in range(4)
        )  # fmt: skip
    tab = OverviewTab(engine)
    qtbot.addWidget(tab)
    tab.resize(1200, 760)
    tab.show()
    qtbot.waitUntil(lambda: tab.cards["households"].value.text() == "4")
    assert tab.cards["visited"].value.text() == "3"
    assert tab.cards["visited"].note.text() == "75.0%"
    assert tab.coverage_chart.labels[0] == "入户走访"
    assert tab.coverage_chart.series[0].values[0] == 75.0
    assert len(tab.saved_chart.labels) == date.today().month
    assert tab.cards["decline"].value.text() == "—"  # no monthly figures yet
    with qtbot.waitSignal(tab.navigate) as signal:
        qtbot.mouseClick(tab.cards["decline"], Qt.MouseButton.LeftButton)
    assert (signal.args[0].tab, signal.args[0].subtab) == ("督导考核", "双降")
    assert tab.cards["cases"].note.text() == "今年还没有劝阻案例"
    with qtbot.waitSignal(tab.navigate) as signal:  # exactly the units that lack someone
        qtbot.mouseClick(tab.cards["roles"], Qt.MouseButton.LeftButton)
    assert (signal.args[0].tab, signal.args[0].filters) == ("成员单位", {"roles": "incomplete"})
    assert len(tab.cards) % tab.COLUMNS == 0  # the cards fill their rows
    image = tab.grab().toImage()
    assert not image.isNull() and image.width() >= 1200


def test_chart_scales_step_by_round_numbers():
    from ui.charts import nice_scale, value_text

    assert [nice_scale(p) for p in (3, 12, 187, 230, 81.4, 0)] == [
        (5, 5), (20, 4), (200, 4), (250, 5), (100, 5), (1.0, 5)
    ]  # fmt: skip
    assert [value_text(v) for v in (12, 3.25, 72.4, 1250.0)] == ["12", "3.25", "72.4", "1,250"]
