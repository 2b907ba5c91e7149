"""线索移交: clues handed to the police, their rules, overdue feedback, the notice, the tab."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from qt_input import click, type_text

from app.cases.clue_handovers import (
    HandoverRegister,
    HandoverService,
    handover_summary,
)
from app.cases.clues import ClueService, set_reporter
from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.oversight.monthly_notice import print_monthly_notice
from app.oversight.overdue import overdue_items
from ui.tabs.cases.awards_tab import AwardsTab

TODAY = date.today()


@pytest.fixture
def clues(engine):
    service = ClueService(engine, "clerk")
    first = service.create({"received_on": date(2025, 2, 1), "summary": "有人收购银行卡"})
    second = service.create({"received_on": date(2025, 2, 3), "summary": "冒充客服退款"})
    set_reporter(engine, first, {"name": "李举报", "phone": "13812345678"}, "clerk")
    return first, second


def _values(clue, **changes):
    values = {"clue_id": clue, "handed_on": date(2025, 2, 4), "receiving_unit": "清溪派出所",
              "result": "pending"}  # fmt: skip
    values.update(changes)
    return values


def _errors(service, values) -> dict:
    with pytest.raises(ValidationError) as caught:
        service.create(values)
    return caught.value.errors


def test_one_handover_per_clue_with_dates_in_order(engine, clues):
    first, second = clues
    service = HandoverService(engine, "clerk")
    assert _errors(service, _values(first, handed_on=date(2025, 1, 31))) == {
        "handed_on": "移交日期不能早于线索收到日期（2025-02-01）"
    }
    assert _errors(service, _values(first, handed_on=TODAY + timedelta(days=1))) == {
        "handed_on": "移交日期不能晚于今天"
    }
    assert _errors(service, _values(first, result="filed")) == {
        "result_on": "办理结果为“已立案”，请填写反馈日期"
    }
    assert _errors(service, _values(first, result="filed", result_on=date(2025, 2, 3))) == {
        "result_on": "反馈日期不能早于移交日期"
    }
    handover = service.create(_values(first))
    assert _errors(service, _values(first, handed_on=date(2025, 2, 5))) == {
        "clue_id": f"第{first}号线索已于2025-02-04移交，请修改原来那一条"
    }
    # deleted, the clue can be handed over again
    service.delete(handover)
    again = service.create(_values(first, result="filed", result_on=date(2025, 2, 10)))
    assert service.describe(again) == f"第{first}号线索的移交（2025-02-04）"
    service.create(_values(second))


def test_the_reporter_is_never_listed_nor_written_in_the_result(engine, clues):
    first, _ = clues
    service = HandoverService(engine, "clerk")
    assert _errors(service, _values(first, result_note="已联系李举报核实")) == {
        "result_note": "不要在线索中写举报人的姓名、身份证号码或电话（举报人身份保密）"
    }
    service.create(_values(first, result_note="已立案侦查"))
    register = HandoverRegister(engine)
    rows = register.fetch(RegisterQuery(), 0, 10, reveal=True)
    listed = " ".join(str(v) for v in rows[0].values)
    assert "有人收购银行卡" in listed and "清溪派出所" in listed and "待反馈" in listed
    assert "李举报" not in listed and "13812345678" not in listed


def test_feedback_is_overdue_after_thirty_days_and_the_register_lists_it(engine, clues):
    first, second = clues
    service = HandoverService(engine, "clerk")
    service.create(_values(first))
    service.create(_values(second, result="unfounded", result_on=date(2025, 2, 20)))
    day = date(2025, 3, 7)  # 31 days after the handover
    items = {i.key: i for i in overdue_items(engine, day)}
    assert "clue_feedback" not in {i.key for i in overdue_items(engine, date(2025, 3, 6))}
    item = items["clue_feedback"]
    assert item.text == "1条移交公安的线索超过30天未反馈结果"
    assert (item.target.tab, item.target.subtab) == ("奖励与表彰", "线索移交")
    register = HandoverRegister(engine, today=day)
    listed = register.fetch(RegisterQuery(filters=item.target.filters), 0, 10)
    assert [r.values[0] for r in listed] == [first]
    assert register.count(RegisterQuery(filters={"result": "unfounded"})) == 1


def test_the_monthly_notice_counts_the_handovers(engine, clues, tmp_path):
    first, second = clues
    service = HandoverService(engine, "clerk")
    service.create(_values(first, result="filed", result_on=date(2025, 2, 20)))
    service.create(_values(second, handed_on=date(2025, 3, 1)))
    summary = handover_summary(engine, date(2025, 2, 1), date(2025, 2, 28))
    assert (summary.handed_over, summary.filed, summary.pending) == (1, 1, 0)
    path = tmp_path / "通报.pdf"
    print_monthly_notice(engine, 2025, 2, path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "")
    assert "向公安机关移交涉诈线索1条，已立案1条、已查处0条、查无实据0条、待反馈0条" in text


def test_a_clerk_hands_a_clue_over_in_the_tab(qtbot, engine, clues):
    first, _ = clues
    messages = []
    tab = AwardsTab(engine, "clerk", inform=lambda _p, t, m: messages.append((t, m)),
                    ask=lambda *_: True)  # fmt: skip
    qtbot.addWidget(tab)
    tab.show()
    tab.show_target("线索移交", {})
    view = tab.handovers
    assert tab.tabs.currentWidget() is view
    click(qtbot, view.add_button)
    dialog = view.dialog
    dialog.set_values({"clue_id": first, "handed_on": date(2025, 2, 4), "result": "pending"})
    type_text(qtbot, dialog.editors["receiving_unit"], "清溪派出所")
    dialog.save()
    assert view.dialog is None or not view.dialog.isVisible()
    assert view.model.count == 1
    assert view.model.data(view.model.index(0, 4)) == "清溪派出所"
    assert messages == []
