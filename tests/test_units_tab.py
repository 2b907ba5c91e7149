"""The 成员单位 tab, driven through its real widgets on a real database file."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from qt_input import click, type_text
from sqlalchemy import select

from app.org.people import contacts
from app.org.units import UnitService
from db.engine import make_engine, sqlite_url, unit_of_work
from db.models import Employee, Grid, Person, Unit, UnitRole
from db.schema import prepare_database
from ui.register.form_dialog import DISCARD_TEXT, FormDialog
from ui.tabs.org.unit_dialogs import UnitFormDialog
from ui.tabs.org.units_tab import UnitsTab


@dataclass
class Answers:
    """Stands in for the message boxes: records every question and message, answers from a list."""

    replies: list[bool] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)
    save_path: str | None = None
    open_path: str | None = None
    # what the import preview offered, and the clerk's choice for each preview
    previews: list[tuple[str, list[list[str]], list[str]]] = field(default_factory=list)
    modes: list[str | None] = field(default_factory=list)

    def ask(self, _parent: QWidget, _title: str, text: str) -> bool:
        self.questions.append(text)
        return self.replies.pop(0)

    def inform(self, _parent: QWidget, title: str, text: str) -> None:
        self.messages.append((title, text))

    def ask_save_path(self, _parent: QWidget, _title: str, _suggested: str) -> str | None:
        return self.save_path

    def ask_open(self, _parent: QWidget, _title: str) -> str | None:
        return self.open_path

    def decide(self, dialog) -> str | None:
        errors = [dialog.errors.item(r, 2).text() for r in range(dialog.errors.rowCount())]
        self.previews.append((dialog.summary.text(), dialog.shown_rows(), errors))
        mode = self.modes.pop(0)
        if mode is not None:
            click_button = dialog.import_button
            assert click_button.isEnabled()
            dialog.choose_import()
            assert dialog.mode == mode
        return dialog.mode if mode is not None else None


@pytest.fixture
def answers():
    return Answers()


def make_tab(qtbot, engine, answers) -> UnitsTab:
    tab = UnitsTab(
        engine, "clerk",
        ask=answers.ask, inform=answers.inform, ask_save_path=answers.ask_save_path,
        ask_open_xlsx=answers.ask_open, decide_import=answers.decide,
    )  # fmt: skip
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    with qtbot.waitActive(tab):
        tab.show()
    return tab


@pytest.fixture
def tab(qtbot, engine, answers):
    UnitService(engine, "clerk").create({"name": "清溪镇中心小学", "kind": "school"})
    return make_tab(qtbot, engine, answers)


def names(tab: UnitsTab) -> list[str]:
    model = tab.units.model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def select_name(tab: UnitsTab, name: str) -> None:
    tab.units.table.selectRow(names(tab).index(name))


def open_form(qtbot, button) -> FormDialog:
    click(qtbot, button)
    shown = [d for d in button.window().findChildren(FormDialog) if d.isVisible()]
    assert len(shown) == 1
    dialog = shown[0]
    qtbot.waitUntil(dialog.isActiveWindow)  # keyboard shortcuts go to the active window
    return dialog


def fill_new_unit(
    qtbot, dialog: FormDialog, name: str, kind: str = "派出所", phone: str = ""
) -> None:
    type_text(qtbot, dialog.editors["name"], name)
    kinds = dialog.editors["kind"]
    kinds.setCurrentIndex(kinds.findText(kind))
    if phone:
        type_text(qtbot, dialog.editors["phone"], phone)


def fill_person(qtbot, dialog: UnitFormDialog, role: str, name: str, post: str, mobile: str, n=0):
    row = dialog.row_of(role, n)
    type_text(qtbot, row.edits["name"], name)
    type_text(qtbot, row.edits["post"], post)
    type_text(qtbot, row.edits["mobile"], mobile)


def unit_row(engine, name: str) -> Unit:
    with unit_of_work(engine) as session:
        return session.scalars(select(Unit).where(Unit.name == name)).one()


def people_of(engine, name: str) -> list[tuple]:
    with unit_of_work(engine) as session:
        return sorted(
            session.execute(
                select(UnitRole.role, Person.name, UnitRole.post, Person.mobile)
                .join(Person, Person.id == UnitRole.person_id)
                .join(Unit, Unit.id == UnitRole.unit_id)
                .where(Unit.name == name, UnitRole.deleted_at.is_(None))
            ).all()
        )


def test_a_unit_with_its_four_people_leaves_the_missing_list_and_survives_export(
    qtbot, tab, engine, answers, tmp_path
):
    """Done when: add a unit with its four people, find it by part of its name, see it leave
    the missing list, export, re-import the export into an empty database, same units."""
    assert tab.report.names() == ["清溪镇中心小学"]
    assert tab.report.title.text().startswith("截至") and "未报送四员名单的单位（1个）" in (
        tab.report.title.text()
    )
    dialog = open_form(qtbot, tab.units.add_button)
    assert isinstance(dialog, UnitFormDialog) and dialog.windowTitle() == "新增成员单位"
    fill_new_unit(qtbot, dialog, "清溪镇派出所", "派出所", "0571 8888 1234")
    fill_person(qtbot, dialog, "first_responsible", "王建国", "所长", "13800000001")
    fill_person(qtbot, dialog, "specific_responsible", "李志强", "副所长", "13800000002")
    fill_person(qtbot, dialog, "liaison", "张晓燕", "内勤民警", "13800000003")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert "清溪镇派出所" in tab.report.names()  # three of four: still missing the lecturer
    assert tab.report.rows[-1].missing_text == "宣讲员"

    select_name(tab, "清溪镇派出所")
    dialog = open_form(qtbot, tab.units.edit_button)
    assert dialog.row_of("liaison").edits["name"].text() == "张晓燕"
    fill_person(qtbot, dialog, "lecturer", "赵敏", "社区民警", "13800000004")
    click(qtbot, dialog.add_lecturer_button)
    fill_person(qtbot, dialog, "lecturer", "陈刚", "辅警", "13800000005", n=1)
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert tab.report.names() == ["清溪镇中心小学"]  # it left the list
    assert people_of(engine, "清溪镇派出所") == [
        ("first_responsible", "王建国", "所长", "13800000001"),
        ("lecturer", "赵敏", "社区民警", "13800000004"),
        ("lecturer", "陈刚", "辅警", "13800000005"),
        ("liaison", "张晓燕", "内勤民警", "13800000003"),
        ("specific_responsible", "李志强", "副所长", "13800000002"),
    ]
    roles_column = tab.units.register.column_index("roles")
    row = tab.units.selected_row()
    assert tab.units.model.data(tab.units.model.index(row, roles_column)) == "齐全"

    type_text(qtbot, tab.units.filter_bar.search, "派出")
    qtbot.waitUntil(lambda: tab.units.model.count == 1)
    assert names(tab) == ["清溪镇派出所"]
    tab.units.filter_bar.clear()
    missing = tab.units.filter_bar.combos["roles"]
    missing.setCurrentIndex(missing.findData("incomplete"))
    assert names(tab) == ["清溪镇中心小学"]
    tab.units.filter_bar.clear()

    answers.save_path = str(tmp_path / "成员单位.xlsx")
    click(qtbot, tab.units.export_button)
    with qtbot.waitSignal(tab.export_job.done, timeout=10000):
        pass
    assert answers.messages[-1][0] == "导出完成" and "2 个成员单位" in answers.messages[-1][1]
    sheet = load_workbook(answers.save_path).active
    assert sheet["A1"].value == "单位名称*" and sheet["O3"].value == "赵敏、陈刚"

    url = sqlite_url(tmp_path / "empty.sqlite")
    prepare_database(url)
    other = make_engine(url)
    try:
        other_answers = Answers(modes=["all_or_nothing"], open_path=answers.save_path)
        other_tab = make_tab(qtbot, other, other_answers)
        assert other_tab.hint.isVisible()  # an empty list says how to begin
        click(qtbot, other_tab.import_button)
        summary, rows, errors = other_answers.previews[0]
        assert summary == "可导入 2 条成员单位：新增 2 条" and errors == []
        assert rows[1][:3] == ["3", "新增", "清溪镇派出所"]
        assert rows[1][3:8] == ["派出所", "王建国", "李志强", "张晓燕", "赵敏、陈刚"]
        with qtbot.waitSignal(other_tab.import_job.done, timeout=10000):
            pass
        assert sorted(names(other_tab)) == sorted(names(tab))
        assert not other_tab.hint.isVisible()
        for name in names(tab):
            assert people_of(other, name) == people_of(engine, name)
            a, b = unit_row(engine, name), unit_row(other, name)
            assert (a.kind, a.phone, a.address, a.duties) == (b.kind, b.phone, b.address, b.duties)
        assert other_tab.report.names() == ["清溪镇中心小学"]
    finally:
        other.dispose()


def test_people_errors_are_shown_on_their_cells_and_nothing_is_saved(qtbot, tab, engine):
    dialog = open_form(qtbot, tab.units.add_button)
    fill_new_unit(qtbot, dialog, "清溪镇司法所", "机关部门")
    fill_person(qtbot, dialog, "first_responsible", "", "所长", "4871608")  # no area code
    click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    text = dialog.people_error.text()
    assert "第一责任人手机应为11位手机号，或带区号的固定电话" in text
    assert "第一责任人填了职务或电话，但没有填姓名" in text
    assert dialog.row_of("first_responsible").edits["mobile"].styleSheet()
    assert tab.units.model.count == 1
    row = dialog.row_of("first_responsible")
    row.edits["mobile"].setText("0394-4871608")  # a landline with its area code is fine
    type_text(qtbot, row.edits["name"], "刘洋")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert people_of(engine, "清溪镇司法所") == [
        ("first_responsible", "刘洋", "所长", "0394-4871608")
    ]


def test_a_contact_is_picked_by_name_and_reused(qtbot, tab, engine):
    service = UnitService(engine, "clerk")
    people = [
        {"role": "first_responsible", "name": "王建国", "post": "镇长", "mobile": "13800000001"}
    ]
    service.create({"name": "清溪镇人民政府", "kind": "institution", "people": people})
    dialog = open_form(qtbot, tab.units.add_button)
    fill_new_unit(qtbot, dialog, "清溪镇平安办", "机关部门")
    row = dialog.row_of("first_responsible")
    (wang,) = [c for c in contacts(engine) if c.name == "王建国"]
    assert "清溪镇人民政府" in wang.label and "138****0001" in wang.label
    row.picker.pick(wang)
    assert row.edits["mobile"].text() == "13800000001" and row.edits["post"].text() == "镇长"
    row.edits["post"].setText("平安办主任")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with unit_of_work(engine) as session:
        assert session.scalar(select(Person.id).where(Person.name == "王建国").limit(2)) == wang.id
        assert len(session.scalars(select(Person).where(Person.name == "王建国")).all()) == 1
    assert people_of(engine, "清溪镇平安办") == [
        ("first_responsible", "王建国", "平安办主任", "13800000001")
    ]


def test_an_invalid_phone_is_explained_under_the_field(qtbot, tab):
    dialog = open_form(qtbot, tab.units.add_button)
    fill_new_unit(qtbot, dialog, "清溪镇派出所", "派出所", "12345")
    qtbot.keyClick(dialog.editors["name"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()  # stays open
    error = dialog.error_labels["phone"]
    assert error.text() == "联系电话应为11位手机号，或带区号的固定电话（如0571-88881234）"
    assert dialog.error_labels["name"].isHidden()
    assert dialog.focusWidget() is dialog.editors["phone"]
    assert tab.units.model.count == 1  # nothing saved


def test_a_required_field_left_empty_and_a_duplicate_name(qtbot, tab, answers):
    dialog = open_form(qtbot, tab.units.add_button)
    click(qtbot, dialog.save_button)
    assert dialog.error_labels["name"].text() == "单位名称不能为空"
    assert dialog.error_labels["kind"].text() == "类别不能为空"
    fill_new_unit(qtbot, dialog, "清溪镇中心小学", "学校")
    click(qtbot, dialog.save_button)
    assert dialog.error_labels["name"].text() == "已有名为“清溪镇中心小学”的成员单位"
    answers.replies.append(True)  # 放弃修改？ 是: the typing is thrown away, on purpose
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert answers.questions[-1] == DISCARD_TEXT
    assert tab.units.model.count == 1


def test_delete_asks_what_goes_with_the_unit(qtbot, tab, engine, answers):
    unit_id = unit_row(engine, "清溪镇中心小学").id
    with unit_of_work(engine) as session:
        session.add(Employee(unit_id=unit_id, name="周老师"))
    UnitService(engine, "clerk").update(
        unit_id,
        {"name": "清溪镇中心小学", "kind": "school",
         "people": [{"role": "liaison", "name": "钱校长", "post": None, "mobile": None}]},
    )  # fmt: skip
    tab.refresh()
    select_name(tab, "清溪镇中心小学")
    answers.replies = [False]
    click(qtbot, tab.units.delete_button)
    assert answers.questions == [
        "确定删除成员单位“清溪镇中心小学”吗？\n"
        "它的四员名单（1人）和职工名单（1人）将一并删除；联系人本身保留在联系人名单中。"
    ]
    assert names(tab) == ["清溪镇中心小学"]
    answers.replies = [True]
    click(qtbot, tab.units.delete_button)
    assert names(tab) == []
    with unit_of_work(engine) as session:
        assert session.get(Unit, unit_id).deleted_at is not None  # still in the database
        assert session.scalar(select(UnitRole.deleted_at).where(UnitRole.unit_id == unit_id))
        assert session.scalar(select(Person.deleted_at).where(Person.name == "钱校长")) is None
    assert tab.report.names() == []


def test_a_village_with_grids_is_not_deleted_and_no_question_is_asked(qtbot, tab, engine, answers):
    village_id = UnitService(engine, "clerk").create({"name": "溪口村", "kind": "village"})
    with unit_of_work(engine) as session:
        session.add(Grid(village_id=village_id, name="第一网格"))
    tab.refresh()
    select_name(tab, "溪口村")
    click(qtbot, tab.units.delete_button)
    assert answers.questions == []
    assert answers.messages == [
        ("无法删除", "“溪口村”下还有1个网格、0户住户，请先将它们移到其他村居后再删除。")
    ]
    assert "溪口村" in names(tab)


def test_the_selected_units_people_and_staff_are_shown_below(qtbot, tab, engine):
    unit_id = unit_row(engine, "清溪镇中心小学").id
    with unit_of_work(engine) as session:
        session.add(Employee(unit_id=unit_id, name="周老师", commitment_signed_on=None))
    tab.refresh()
    select_name(tab, "清溪镇中心小学")
    assert tab.people.rowCount() == 4
    assert [tab.people.item(r, 1).text() for r in range(4)] == ["（未报送）"] * 4
    assert tab.staff.view.model.count == 1
    assert "未签订承诺书：周老师" in tab.staff.summary.text()
    assert tab.staff.import_button.isEnabled()
    tab.tabs.setCurrentIndex(2)
    assert tab.shares.table.item(0, 0).text() == "清溪镇中心小学"
    assert tab.shares.table.item(0, 6).text() == "周老师"


def test_overview_link_filters_the_units_missing_people(qtbot, tab, engine):
    people = [
        {"role": r, "name": f"人{i}", "post": None, "mobile": None}
        for i, r in enumerate(("first_responsible", "specific_responsible", "liaison", "lecturer"))
    ]
    UnitService(engine, "clerk").create(
        {"name": "清溪镇平安办", "kind": "institution", "people": people}
    )
    tab.refresh()
    tab.show_target(None, {"roles": "incomplete"})
    assert names(tab) == ["清溪镇中心小学"]


def test_clicking_a_header_sorts_in_the_database(qtbot, tab, engine):
    service = UnitService(engine, "clerk")
    for name in ("阿里村", "溪口村", "白沙村"):
        service.create({"name": name, "kind": "village"})
    tab.refresh()
    header = tab.units.table.horizontalHeader()
    assert header.sortIndicatorSection() == -1  # the register's own order at first
    assert names(tab) == ["清溪镇中心小学", "阿里村", "溪口村", "白沙村"]  # in the order added
    x = header.sectionViewportPosition(0) + header.sectionSize(0) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    ascending = names(tab)
    assert ascending == sorted(ascending)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert names(tab) == ascending[::-1]


def test_an_import_with_bad_rows_writes_the_good_ones_or_nothing(
    qtbot, tab, engine, answers, tmp_path
):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["单位名称", "类别", "第一责任人", "第一责任人手机"])
    sheet.append(["清溪镇民政办", "机关部门", "王一", "13800000001"])
    sheet.append(["清溪镇中心小学", "学校", "钱校长", "1380000"])  # row 3: a short mobile
    sheet.append(["", "学校"])  # row 4: no name
    answers.open_path = str(tmp_path / "u.xlsx")
    book.save(answers.open_path)
    answers.modes = [None]
    click(qtbot, tab.import_button)
    summary, rows, errors = answers.previews[-1]
    assert "可导入 1 条成员单位：新增 1 条；2 行有错误" in summary
    assert [r[:3] for r in rows] == [["2", "新增", "清溪镇民政办"]]
    assert errors[0].startswith("应为11位手机号") and errors[1] == "不能为空"
    assert tab.import_job is None and names(tab) == ["清溪镇中心小学"]  # nothing written
    answers.modes = ["good_rows"]
    click(qtbot, tab.import_button)
    with qtbot.waitSignal(tab.import_job.done, timeout=10000):
        pass
    assert names(tab) == ["清溪镇中心小学", "清溪镇民政办"]
    assert answers.messages[-1] == ("导入完成", "新增 1 个、更新 0 个成员单位")


def test_a_staff_list_is_imported_into_the_selected_unit(qtbot, tab, engine, answers, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "职务", "手机", "签订承诺书日期", "安装反诈APP日期"])
    sheet.append(["周老师", "教师", "13800000021", "2024-03-05", ""])
    sheet.append(["吴老师", "教师", "13800000022", "", "2024/3/6"])
    answers.open_path = str(tmp_path / "staff.xlsx")
    book.save(answers.open_path)
    select_name(tab, "清溪镇中心小学")
    tab.detail.setCurrentWidget(tab.staff)
    answers.modes = ["all_or_nothing"]
    click(qtbot, tab.staff.import_button)
    summary, rows, errors = answers.previews[-1]
    assert summary == "可导入 2 条职工：新增 2 条" and errors == []
    assert rows[0][2:5] == ["周老师", "教师", "138****0021"]  # the phone masked on screen
    with qtbot.waitSignal(tab.staff.import_job.done, timeout=10000):
        pass
    assert tab.staff.view.model.count == 2
    assert "已签订承诺书 1 人（50.0%）" in tab.staff.summary.text()
    assert "未签订承诺书：吴老师" in tab.staff.summary.text()
    assert answers.messages[-1] == ("导入完成", "清溪镇中心小学：新增 2 名，更新 0 名职工")
    assert tab.shares.table.item(0, 1).text() == "2"
