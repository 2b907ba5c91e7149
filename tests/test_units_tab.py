"""The 成员单位 tab, driven through its real widgets on a real database file."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from qt_input import click, type_text
from sqlalchemy import select

from app.units import UnitService
from db.engine import unit_of_work
from db.models import Grid, Unit
from ui.register.form_dialog import FormDialog
from ui.tabs.units_tab import UnitsTab


@dataclass
class Answers:
    """Stands in for the message boxes: records every question and message, answers from a list."""

    replies: list[bool] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)
    save_path: str | None = None

    def ask(self, _parent: QWidget, _title: str, text: str) -> bool:
        self.questions.append(text)
        return self.replies.pop(0)

    def inform(self, _parent: QWidget, title: str, text: str) -> None:
        self.messages.append((title, text))

    def ask_save_path(self, _parent: QWidget, _title: str, _suggested: str) -> str | None:
        return self.save_path


@pytest.fixture
def answers():
    return Answers()


@pytest.fixture
def tab(qtbot, engine, answers):
    UnitService(engine, "clerk").create({"name": "清溪镇中心小学", "kind": "school"})
    tab = UnitsTab(
        engine, "clerk",
        ask=answers.ask, inform=answers.inform, ask_save_path=answers.ask_save_path,
    )  # fmt: skip
    qtbot.addWidget(tab)
    tab.resize(1100, 600)
    with qtbot.waitActive(tab):
        tab.show()
    return tab


def names(tab: UnitsTab) -> list[str]:
    return [tab.model.data(tab.model.index(r, 0)) for r in range(tab.model.rowCount())]


def select_name(tab: UnitsTab, name: str) -> None:
    tab.table.selectRow(names(tab).index(name))


def open_form(qtbot, button) -> FormDialog:
    click(qtbot, button)
    dialog = button.window().findChild(FormDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.isActiveWindow)  # keyboard shortcuts go to the active window
    return dialog


def fill_new_unit(
    qtbot, dialog: FormDialog, name: str, kind: str = "police", phone: str = ""
) -> None:
    type_text(qtbot, dialog.editors["name"], name)
    kinds = dialog.editors["kind"]
    kinds.setCurrentIndex(kinds.findText(kind))
    if phone:
        type_text(qtbot, dialog.editors["phone"], phone)


def unit_row(engine, name: str) -> Unit:
    with unit_of_work(engine) as session:
        return session.scalars(select(Unit).where(Unit.name == name)).one()


def test_add_a_unit_then_find_it(qtbot, tab, engine):
    assert tab.filter_bar.count_label.text() == "共 1 条"
    assert not tab.edit_button.isEnabled() and not tab.delete_button.isEnabled()
    dialog = open_form(qtbot, tab.add_button)
    assert dialog.windowTitle() == "新增成员单位"
    assert dialog.save_button.text() == "保存" and dialog.cancel_button.text() == "取消"
    assert "*" in dialog.labels["name"].text() and "*" not in dialog.labels["address"].text()
    fill_new_unit(qtbot, dialog, "清溪镇派出所", "派出所", "0571 8888 1234")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    assert sorted(names(tab)) == ["清溪镇中心小学", "清溪镇派出所"]
    assert tab.filter_bar.count_label.text() == "共 2 条"
    assert tab.model.data(tab.model.index(tab.selected_row(), 0)) == "清溪镇派出所"  # selected
    assert tab.edit_button.isEnabled()
    stored = unit_row(engine, "清溪镇派出所")
    assert (stored.kind, stored.phone, stored.changed_by) == ("police", "0571-88881234", "clerk")

    type_text(qtbot, tab.filter_bar.search, "派出")
    qtbot.waitUntil(lambda: tab.model.count == 1)  # after the search box's pause
    assert names(tab) == ["清溪镇派出所"]
    assert tab.filter_bar.count_label.text() == "共 1 条"
    kind_filter = tab.filter_bar.combos["kind"]
    assert kind_filter.itemText(0) == "全部类别"
    kind_filter.setCurrentIndex(kind_filter.findData("school"))
    assert tab.model.count == 0
    tab.filter_bar.clear()
    assert tab.model.count == 2


def test_an_invalid_phone_is_explained_under_the_field(qtbot, tab):
    dialog = open_form(qtbot, tab.add_button)
    fill_new_unit(qtbot, dialog, "清溪镇派出所", "派出所", "12345")
    qtbot.keyClick(dialog.editors["name"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()  # stays open
    error = dialog.error_labels["phone"]
    assert not error.isHidden()
    assert error.text() == "联系电话应为11位手机号，或带区号的固定电话（如0571-88881234）"
    assert dialog.error_labels["name"].isHidden()
    assert dialog.focusWidget() is dialog.editors["phone"]
    assert tab.model.count == 1  # nothing saved

    dialog.editors["phone"].setText("13812345678")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert tab.model.count == 2


def test_a_required_field_left_empty(qtbot, tab):
    dialog = open_form(qtbot, tab.add_button)
    click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert dialog.error_labels["name"].text() == "单位名称不能为空"
    assert dialog.error_labels["kind"].text() == "类别不能为空"
    assert dialog.focusWidget() is dialog.editors["name"]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert tab.model.count == 1


def test_a_duplicate_name_is_refused(qtbot, tab):
    dialog = open_form(qtbot, tab.add_button)
    fill_new_unit(qtbot, dialog, "清溪镇中心小学", "学校")
    click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert dialog.error_labels["name"].text() == "已有名为“清溪镇中心小学”的成员单位"
    assert tab.model.count == 1


def test_edit_changes_the_address_and_keeps_the_row_selected(qtbot, tab, engine):
    service = UnitService(engine, "clerk")
    for i in range(30):
        service.create({"name": f"成员单位{i:02d}", "kind": "enterprise"})
    tab.refresh()
    select_name(tab, "清溪镇中心小学")
    dialog = open_form(qtbot, tab.edit_button)
    assert dialog.windowTitle() == "编辑成员单位"
    assert dialog.values()["name"] == "清溪镇中心小学"
    assert dialog.values()["kind"] == "school"
    type_text(qtbot, dialog.editors["address"], "清溪镇学府路8号")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    assert unit_row(engine, "清溪镇中心小学").address == "清溪镇学府路8号"
    row = tab.selected_row()
    assert tab.model.data(tab.model.index(row, 0)) == "清溪镇中心小学"
    assert tab.model.data(tab.model.index(row, 2)) == "清溪镇学府路8号"


def test_double_click_and_enter_open_the_form(qtbot, tab):
    select_name(tab, "清溪镇中心小学")
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    dialog = tab.findChild(FormDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: tab.findChild(FormDialog) is None)
    center = tab.table.visualRect(tab.model.index(0, 0)).center()
    # a real double click is press, release, double-click; QTest's mouseDClick is only the last
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    dialog = tab.findChild(FormDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.values()["name"] == "清溪镇中心小学"


def test_delete_asks_first_and_soft_deletes(qtbot, tab, engine, answers):
    select_name(tab, "清溪镇中心小学")
    answers.replies = [False]
    click(qtbot, tab.delete_button)
    assert answers.questions == ["确定删除成员单位“清溪镇中心小学”吗？"]
    assert names(tab) == ["清溪镇中心小学"]

    answers.replies = [True]
    click(qtbot, tab.delete_button)
    assert names(tab) == []
    assert tab.filter_bar.count_label.text() == "共 0 条"
    assert not tab.delete_button.isEnabled() and not tab.export_button.isEnabled()
    assert unit_row(engine, "清溪镇中心小学").deleted_at is not None  # still in the database


def test_a_refused_delete_shows_the_reason(qtbot, tab, engine, answers):
    village_id = UnitService(engine, "clerk").create({"name": "溪口村", "kind": "village"})
    with unit_of_work(engine) as session:
        session.add(Grid(village_id=village_id, name="第一网格"))
    tab.refresh()
    select_name(tab, "溪口村")
    answers.replies = [True]
    click(qtbot, tab.delete_button)
    assert answers.messages == [
        ("无法删除", "“溪口村”下还有1个网格、0户住户，请先将它们移到其他村居后再删除。")
    ]
    assert "溪口村" in names(tab)


def test_export_runs_as_a_job(qtbot, tab, answers, tmp_path):
    answers.save_path = str(tmp_path / "成员单位.xlsx")
    click(qtbot, tab.export_button)
    with qtbot.waitSignal(tab.export_job.done, timeout=10000):
        pass
    assert answers.messages == [("导出完成", f"已导出 1 条记录到：\n{answers.save_path}")]
    sheet = load_workbook(answers.save_path).active
    assert [c.value for c in sheet[2]][:2] == ["清溪镇中心小学", "学校"]


def test_clicking_a_header_sorts_in_the_database(qtbot, tab, engine):
    service = UnitService(engine, "clerk")
    for name in ("阿里村", "溪口村", "白沙村"):
        service.create({"name": name, "kind": "village"})
    tab.refresh()
    header = tab.table.horizontalHeader()
    assert header.sortIndicatorSection() == -1  # the register's own order at first
    x = header.sectionViewportPosition(0) + header.sectionSize(0) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    ascending = names(tab)
    assert ascending == sorted(ascending)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert names(tab) == ascending[::-1]
    assert tab.model.query.sort_key == "name" and tab.model.query.descending
