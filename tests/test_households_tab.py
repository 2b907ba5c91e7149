"""The 入户走访 tab driven with qtbot: search and filters, keyboard-only visits, the panels."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from household_town import two_villages_one_grid
from PySide6.QtCore import Qt
from qt_input import click, type_text
from sqlalchemy import func, select

from app.core.idnumber import make_id_number
from app.households.records import HouseholdService, ResidentService
from db.base import utcnow
from db.engine import unit_of_work
from db.models import AuditLog, Household, Letter, Resident, Visit
from ui.tabs.households.households_tab import HouseholdsTab


class Answers:
    def __init__(self):
        self.messages = []

    def inform(self, _parent, title, text):
        self.messages.append((title, text))


@pytest.fixture
def town(engine):
    """白鹤村 with 第一网格 (5 households on 1组, no visits yet) and 青山村 with one household."""
    ids = two_villages_one_grid(engine)
    service = HouseholdService(engine)
    names = ["张建国", "张伟", "李秀英", "王喆", "赵淼"]
    ids["households"] = [
        service.create({"village_id": ids["village"], "grid_id": ids["grid"],
                        "address": f"白鹤村1组{n + 1}号", "head_name": name, "size": 2})
        for n, name in enumerate(names)
    ]  # fmt: skip
    service.create({"village_id": ids["other"], "address": "青山村8号", "head_name": "张三",
                    "size": 1})  # fmt: skip
    ResidentService(engine, None, ids["households"][0]).create(
        {"name": "张小明", "relation": "child"}
    )
    with unit_of_work(engine) as s:
        s.execute(Household.__table__.update().values(created_at=utcnow() - timedelta(days=90)))
    return ids


@pytest.fixture
def tab(qtbot, engine, town):
    answers = Answers()
    tab = HouseholdsTab(engine, "网格员小王", inform=answers.inform)
    tab.answers = answers
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    return tab


def shown_names(tab) -> list[str]:
    model = tab.households.model
    column = tab.households.register.column_index("head_name")
    return [model.row(r).values[column] for r in range(model.count)]


def choose(combo, value):
    combo.setCurrentIndex(combo.findData(value))


def test_search_one_character_and_a_residents_name_with_filters(qtbot, tab, town):
    bar = tab.households.filter_bar
    type_text(qtbot, bar.search, "张")
    qtbot.waitUntil(lambda: tab.households.model.count == 3)
    assert sorted(shown_names(tab)) == ["张三", "张伟", "张建国"]
    choose(bar.combos["village"], town["village"])
    qtbot.waitUntil(lambda: tab.households.model.count == 2)
    bar.search.clear()
    type_text(qtbot, bar.search, "小明")  # a child of 张建国's household
    qtbot.waitUntil(lambda: shown_names(tab) == ["张建国"])
    bar.search.clear()
    choose(bar.combos["visited"], "not_this_year")
    qtbot.waitUntil(lambda: tab.households.model.count == 5)
    assert bar.count_label.text().startswith("共 5")


def test_a_days_visits_without_the_mouse(qtbot, tab, engine, town):
    """F2, then Alt+4 Alt+G Enter, Alt+2 Enter, Alt+6 Enter, Esc: three visits saved."""
    first = town["households"][0]
    tab.households.select_id(first)
    assert "张建国" in tab.detail.summary.text()
    tab.households.table.setFocus()
    qtbot.keyClick(tab.households.table, Qt.Key.Key_F2)
    dialog = tab.visit_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.isActiveWindow)  # Alt+2 and Ctrl+→ reach the active window
    assert dialog.worker.currentData() == town["worker"]  # the grid's worker by default
    assert [b.text() for b in dialog.app_checks.values()] == ["张建国", "张小明"]
    assert dialog.focusWidget() is dialog.outcome.buttons["visited"]  # the cursor on the result
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)  # 已签
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # 告知书
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert "已保存第1户：张建国" in dialog.status.text()
    assert "张伟" in dialog.heading.text()  # the next household of the list
    qtbot.keyClick(dialog, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # 不在家
    assert dialog.outcome.value() == "nobody_home" and not dialog.notice.isEnabled()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert "李秀英" in dialog.heading.text()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)  # 未提供
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert "王喆" in dialog.heading.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: tab.visit_dialog is None)
    with unit_of_work(engine) as s:
        visits = s.execute(
            select(Household.head_name, Visit.outcome, Visit.visited_on)
            .join(Visit, Visit.household_id == Household.id).order_by(Visit.id)
        ).all()  # fmt: skip
        letters = s.execute(
            select(Household.head_name, Letter.kind, Letter.status)
            .join(Letter, Letter.household_id == Household.id).order_by(Letter.id)
        ).all()  # fmt: skip
    assert [(v.head_name, v.outcome) for v in visits] == [
        ("张建国", "visited"), ("张伟", "nobody_home"), ("李秀英", "visited"),
    ]  # fmt: skip
    assert all(v.visited_on == date.today() for v in visits)
    assert {(le.head_name, le.kind, le.status) for le in letters} == {
        ("张建国", "notice", "delivered"), ("张建国", "commitment_household", "signed"),
    }  # fmt: skip
    # the list shows the household the form was on, and the state of those visited
    assert tab.households.selected_id() == town["households"][3]
    row = tab.households.model.row(tab.households.model.row_of_id(town["households"][2]))
    assert row.values[tab.households.register.column_index("last_visited_on")] == date.today()


def test_visit_errors_stay_in_the_form_and_save_nothing(qtbot, tab, engine, town):
    tab.households.select_id(town["households"][0])
    tab.start_visits()
    dialog = tab.visit_dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.date.set_value(date.today() + timedelta(days=3))
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert "走访日期不能晚于今天" in dialog.error.text() and dialog.error.isVisible()
    assert "张建国" in dialog.heading.text()
    with unit_of_work(engine) as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 0
    qtbot.keyClick(dialog, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)  # skip
    assert "张伟" in dialog.heading.text()


def test_residents_panel_and_the_audited_reveal(qtbot, tab, engine, town):
    tab.households.select_id(town["households"][3])
    residents = tab.detail.residents
    assert residents.model.count == 1  # the head, 王喆
    click(qtbot, residents.add_button)
    child_id = make_id_number("110105", date(2010, 1, 1), 2)  # an even sequence: a girl
    residents.dialog.set_values({"name": "王小淼", "relation": "child", "id_number": child_id})
    click(qtbot, residents.dialog.save_button)
    assert residents.model.count == 2
    with unit_of_work(engine) as s:
        child = s.scalar(select(Resident).where(Resident.name == "王小淼"))
        assert (child.gender, child.birth_date) == ("女", date(2010, 1, 1))
    row = tab.households.model.row(tab.households.selected_row())
    assert row.values[tab.households.register.column_index("residents_without_app")] == 2
    id_column = residents.register.column_index("id_number")
    assert "*" in residents.model.row(1).values[id_column]
    tab.reveal.setChecked(True)
    assert residents.model.row(1).values[id_column] == child_id
    with unit_of_work(engine) as s:
        assert s.scalar(select(AuditLog.action).where(AuditLog.action == "reveal"))


def test_coverage_view_shows_table_and_chart(qtbot, tab, engine, town):
    tab.tabs.setCurrentWidget(tab.coverage)
    qtbot.waitUntil(lambda: tab.coverage.data is not None)
    assert tab.coverage.table.rowCount() == 3  # 白鹤村, 青山村, 合计
    assert tab.coverage.table.item(2, 2).text() == "6"
    assert tab.coverage.chart.labels == ["白鹤村", "青山村"]
    choose(tab.coverage.level, "grids")
    assert tab.coverage.table.rowCount() == 2  # 第一网格, and 青山村 without a grid


def test_letters_print_for_the_filtered_households(qtbot, engine, town, tmp_path):
    from pypdf import PdfReader

    answers = Answers()
    out = tmp_path / "告知书.pdf"
    tab = HouseholdsTab(engine, "clerk", inform=answers.inform,
                        ask_pdf=lambda *_: str(out), open_file=lambda _p: None)  # fmt: skip
    qtbot.addWidget(tab)
    tab.show()
    choose(tab.households.filter_bar.combos["village"], town["village"])
    qtbot.waitUntil(lambda: tab.households.model.count == 5)
    type_text(qtbot, tab.households.filter_bar.search, "张")
    qtbot.waitUntil(lambda: tab.households.model.count == 2)
    tab.notice_action.trigger()
    qtbot.waitUntil(lambda: out.exists(), timeout=20_000)
    qtbot.waitUntil(lambda: tab.print_job is not None and tab.print_job.finished_running,
                    timeout=20_000)  # fmt: skip
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert len(PdfReader(out).pages) == 2 and "张建国" in text and "张伟" in text
    assert "李秀英" not in text
    with unit_of_work(engine) as s:
        printed = s.execute(select(Household.head_name).join(
            Letter, Letter.household_id == Household.id).where(Letter.status == "printed")
        ).scalars().all()  # fmt: skip
    assert sorted(printed) == ["张伟", "张建国"]
