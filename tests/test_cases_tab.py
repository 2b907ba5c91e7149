"""The 劝阻案例 and 奖励与表彰 tabs driven with qtbot."""

from __future__ import annotations

from datetime import datetime

import pytest
from qt_input import click
from sqlalchemy import select

from db.engine import unit_of_work
from db.models import Award, FraudType, Person, Unit
from ui.tabs.awards_tab import AwardsTab
from ui.tabs.cases_tab import CasesTab


@pytest.fixture
def town(engine):
    with unit_of_work(engine) as s:
        s.add_all(
            [Unit(name="白鹤村", kind="village"), Person(name="王网格"), Person(name="李民警")]
        )
        s.flush()
        return {
            "village": s.scalar(select(Unit.id)),
            "type": s.scalar(select(FraudType.id).where(FraudType.name == "刷单返利")),
            "people": dict(s.execute(select(Person.name, Person.id)).all()),
        }


def test_a_case_from_entry_to_paid_awards(qtbot, engine, town):
    messages = []
    inform = lambda _p, t, m: messages.append((t, m))  # noqa: E731
    cases = CasesTab(
        engine,
        "clerk",
        inform=inform,
        ask=lambda *_: True,
        ask_amounts=lambda _p, people: {pid: 30000 for pid, _ in people},
    )
    qtbot.addWidget(cases)
    cases.resize(1200, 800)
    cases.show()
    click(qtbot, cases.cases.add_button)
    cases.cases.dialog.set_values({
        "occurred_at": datetime(2024, 5, 3, 10, 30), "alert_source": "fund_side",
        "person_name": "欧阳娜娜", "fraud_type_id": town["type"], "village_id": town["village"],
        "amount_at_risk_fen": "5,000", "amount_saved_fen": "8000", "outcome": "success",
    })  # fmt: skip
    click(qtbot, cases.cases.dialog.save_button)
    errors = cases.cases.dialog.error_labels
    assert errors["amount_saved_fen"].text() == "止损金额不能大于涉案金额"
    cases.cases.dialog.set_values({"amount_saved_fen": "5000.00"})
    click(qtbot, cases.cases.dialog.save_button)
    assert cases.cases.model.count == 1
    panel = cases.dissuaders
    assert panel.add_button.isEnabled()
    for name in ("王网格", "李民警"):
        panel.person.setCurrentIndex(panel.person.findData(town["people"][name]))
        click(qtbot, panel.add_button)
    assert panel.list.count() == 2
    click(qtbot, panel.propose_button)
    assert "已提出2笔奖励" in messages[-1][1]
    cases.tabs.setCurrentWidget(cases.figures)
    qtbot.waitUntil(
        lambda: cases.figures.stats is not None and cases.figures.stats.summary.cases == 0
    )
    cases.figures.start.setDate(cases.figures.start.date().addYears(-3))
    qtbot.waitUntil(lambda: cases.figures.stats.summary.cases == 1)
    assert cases.figures.chart.series[0].values == [1]

    awards = AwardsTab(engine, "clerk", inform=inform, ask_who=lambda *_: "镇长")
    qtbot.addWidget(awards)
    awards.show()
    view = awards.awards
    assert view.awards.model.count == 2
    view.awards.select_id(view.awards.model.row(0).id)
    click(qtbot, view.buttons["pay"])
    assert "不能发放" in messages[-1][1]
    click(qtbot, view.buttons["approve"])
    view.awards.select_id(view.awards.model.row(0).id)
    click(qtbot, view.buttons["pay"])
    with unit_of_work(engine) as s:
        statuses = sorted(s.scalars(select(Award.status)))
    assert statuses == ["paid", "proposed"]


def test_reporter_is_entered_and_revealed_only_through_its_buttons(qtbot, engine, town):
    messages = []
    tab = AwardsTab(
        engine, "clerk", inform=lambda _p, t, m: messages.append((t, m)), ask=lambda *_: True
    )
    qtbot.addWidget(tab)
    tab.show()
    clues = tab.clues
    clues.clues.service.create(
        {"received_on": datetime(2024, 5, 1).date(), "summary": "收购银行卡"}
    )
    clues.clues.refresh()
    clues.clues.select_id(clues.clues.model.row(0).id)
    click(qtbot, clues.reporter_button)
    clues.dialog.set_values({"name": "司徒秘密", "phone": "13912345678"})
    click(qtbot, clues.dialog.save_button)
    assert "司徒秘密" not in str([clues.clues.model.row(0).values])
    click(qtbot, clues.reveal_button)
    assert messages[-1][0] == "举报人（保密）" and "司徒秘密" in messages[-1][1]
