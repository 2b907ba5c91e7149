"""The 组织架构 tab and the township set-up, driven through their real widgets."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QWidget
from qt_input import click, type_text
from sqlalchemy import func, select
from test_units_tab import Answers, open_form

from app.org.grids import GridService
from app.org.leading_group import GroupService, MemberService
from app.org.publicity_groups import GroupService as PublicityGroupService
from app.org.units import UnitService
from db.engine import unit_of_work
from db.models import Grid, Household, LeadingGroupMember, Unit, Visit
from ui.tabs.org.org_tab import OrgTab
from ui.tabs.org.units_tab import UnitsTab


@pytest.fixture
def answers():
    return Answers()


@pytest.fixture
def chosen():
    """The answers of the list and text dialogs, in order."""
    return {"items": [], "texts": [], "offered": []}


@pytest.fixture
def town(engine):
    units = UnitService(engine, "clerk")
    villages = {n: units.create({"name": n, "kind": "village"}) for n in ("溪口村", "桃源村")}
    grids = GridService(engine, "clerk")
    first = grids.create(
        {"village_id": villages["溪口村"], "name": "第1网格", "worker_name": "李芳",
         "worker_mobile": "13800000011", "police_name": "王警官"}
    )  # fmt: skip
    second = grids.create({"village_id": villages["溪口村"], "name": "第2网格"})
    with unit_of_work(engine) as session:
        for grid_id, count in ((first, 3), (second, 2)):
            for n in range(count):
                household = Household(
                    village_id=villages["溪口村"], grid_id=grid_id, address=f"{n}号",
                    head_name=f"户主{grid_id}{n}",
                )  # fmt: skip
                session.add(household)
                session.flush()
                session.add(
                    Visit(household_id=household.id, grid_id=grid_id, visited_on=date(2024, 5, 1),
                          mode="in_person", outcome="visited")
                )  # fmt: skip
    return {**villages, "first": first, "second": second}


@pytest.fixture
def tab(qtbot, engine, town, answers, chosen, tmp_path):
    def choose(_parent: QWidget, _title: str, _label: str, items: list[str]) -> int | None:
        chosen["offered"].append(items)
        wanted = chosen["items"].pop(0)
        return items.index(wanted) if wanted is not None else None

    def ask_text(_parent: QWidget, _title: str, _label: str, _text: str) -> str | None:
        return chosen["texts"].pop(0)

    opened: list[str] = []
    tab = OrgTab(
        engine, "clerk",
        ask=answers.ask, inform=answers.inform, ask_save_path=answers.ask_save_path,
        ask_pdf=lambda _p, _t, _s: str(tmp_path / "名单.pdf"), open_file=opened.append,
        choose=choose, ask_text=ask_text, ask_open_xlsx=answers.ask_open,
    )  # fmt: skip
    tab.opened = opened
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    with qtbot.waitActive(tab):
        tab.show()
    return tab


def cells(view, column: int) -> list[str]:
    model = view.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_building_the_leading_group_changing_a_member_and_printing(qtbot, tab, engine, answers):
    panel = tab.leading_group
    assert not panel.print_button.isEnabled() and "还没有领导小组" in panel.facts.text()
    click(qtbot, panel.new_group_button)
    dialog = panel.dialog
    type_text(qtbot, dialog.editors["name"], "清溪镇打击治理电信网络新型违法犯罪工作领导小组")
    type_text(qtbot, dialog.editors["office_location"], "镇平安办")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert panel.print_button.isEnabled() and "办公室设在镇平安办" in panel.facts.text()

    seats = (
        ("组长", "杨欢刚", "党委副书记、镇长"),
        ("副组长", "胡杰强", "平安办主任"),
        ("副组长", "杨雯晶", "清溪派出所所长"),
        ("成员", "王莲娜", "党群办主任"),
    )
    for role, name, post in seats:
        form = open_form(qtbot, panel.members.add_button)
        roles = form.editors["group_role"]
        roles.setCurrentIndex(roles.findText(role))
        type_text(qtbot, form.editors["name"], name)
        type_text(qtbot, form.editors["post"], post)
        click(qtbot, form.save_button)
        qtbot.waitUntil(lambda form=form: not form.isVisible())
    assert cells(panel.members, 1) == ["杨欢刚", "胡杰强", "杨雯晶", "王莲娜"]

    # the station's chief changes: the seat passes with the post, the former chief is kept
    panel.members.table.selectRow(2)
    form = open_form(qtbot, panel.members.edit_button)
    form.editors["name"].setText("")
    type_text(qtbot, form.editors["name"], "韩磊超")
    answers.replies = [True]
    click(qtbot, form.save_button)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert "“杨雯晶”离任（保留在历任名单中），新成员接任副组长" in answers.questions[-1]
    assert cells(panel.members, 1) == ["杨欢刚", "胡杰强", "韩磊超", "王莲娜"]
    state = panel.members.filter_bar.combos["state"]
    state.setCurrentIndex(state.findData("former"))
    assert cells(panel.members, 1) == ["杨雯晶"]
    state.setCurrentIndex(state.findData("current"))

    panel.members.table.selectRow(3)
    click(qtbot, panel.up_button)  # 成员 is the only one of its role: stays
    assert cells(panel.members, 1)[3] == "王莲娜"

    click(qtbot, panel.print_button)
    with qtbot.waitSignal(panel.print_job.done, timeout=20000):
        pass
    (path,) = tab.opened
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    for name, post in (("杨欢刚", "党委副书记、镇长"), ("胡杰强", "平安办主任"),
                       ("韩磊超", "清溪派出所所长"), ("王莲娜", "党群办主任")):  # fmt: skip
        assert name in text and post in text
    assert "杨雯晶" not in text


def test_moving_and_merging_grids_from_the_tab(qtbot, tab, engine, town, answers, chosen):
    panel = tab.grids
    assert cells(panel.grids, 1) == ["第1网格", "第2网格"]
    assert [panel.villages.item(r, 2).text() for r in range(2)] == ["5", "0"]
    panel.grids.table.selectRow(1)
    chosen["items"] = ["桃源村"]
    click(qtbot, panel.move_button)
    assert chosen["offered"][-1] == ["桃源村"]  # not the village it is in
    assert answers.messages[-1] == ("已移动", "“第2网格”已移到桃源村，2户住户随之改属桃源村。")
    assert [panel.villages.item(r, 2).text() for r in range(2)] == ["3", "2"]

    panel.villages.selectRow(1)  # 桃源村's grids
    assert cells(panel.grids, 1) == ["第2网格"]
    panel.grids.table.selectRow(0)
    chosen["items"] = ["溪口村 第1网格"]
    answers.replies = [True]
    click(qtbot, panel.merge_button)
    assert "2户住户和2条走访记录转到“溪口村第1网格”" in answers.questions[-1]
    assert answers.messages[-1] == ("已合并", "已转入2户住户、2条走访记录到“溪口村 第1网格”。")
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 5
        assert {g for (g,) in session.execute(select(Household.grid_id))} == {town["first"]}
        assert {g for (g,) in session.execute(select(Visit.grid_id))} == {town["first"]}
        assert session.get(Grid, town["second"]).deleted_at is not None
    click(qtbot, panel.all_button)
    assert cells(panel.grids, 1) == ["第1网格"]
    assert [panel.villages.item(r, 1).text() for r in range(2)] == ["1", "0"]

    panel.grids.table.selectRow(0)
    click(qtbot, panel.grids.delete_button)  # households: refused before any question
    assert answers.messages[-1][0] == "无法删除" and "合并到…" in answers.messages[-1][1]


def test_a_move_into_a_clashing_name_asks_for_a_new_one(qtbot, tab, engine, town, chosen):
    GridService(engine, "clerk").create({"village_id": town["桃源村"], "name": "第1网格"})
    tab.grids.refresh()
    tab.grids.grids.table.selectRow(0)  # 溪口村第1网格
    chosen["items"] = ["桃源村"]
    chosen["texts"] = ["第3网格"]
    click(qtbot, tab.grids.move_button)
    with unit_of_work(engine) as session:
        moved = session.get(Grid, town["first"])
        assert (moved.village_id, moved.name) == (town["桃源村"], "第3网格")


def test_publicity_groups_push_and_tree(qtbot, tab, engine, town):
    service = PublicityGroupService(engine, "clerk")
    top = service.create({"name": "清溪镇反诈宣传指挥群", "tier": 1})
    service.create({"name": "溪口村反诈宣传群", "tier": 2, "parent_id": top})
    panel = tab.publicity_groups
    panel.refresh_tree()
    panel.groups.refresh()
    assert panel.tree.topLevelItemCount() == 1
    root = panel.tree.topLevelItem(0)
    assert root.text(0) == "清溪镇反诈宣传指挥群" and root.child(0).text(0) == "溪口村反诈宣传群"
    assert root.text(6) == "从未推送" and root.text(3) == "（未定）"
    assert "一级群 1 个，二级群 1 个，三级群 0 个" in panel.tree_label.text()
    panel.tabs.setCurrentWidget(panel.groups)
    panel.groups.table.selectRow(0)
    click(qtbot, panel.push_button)
    assert panel.tree.topLevelItem(0).text(6) == date.today().isoformat()
    panel.edit_group(top)
    assert panel.groups.dialog is not None and panel.groups.dialog.values()["name"] == (
        "清溪镇反诈宣传指挥群"
    )


def test_a_contact_who_holds_a_seat_is_not_deleted(qtbot, tab, engine, town, answers):
    contacts = tab.contacts
    tab.tabs.setCurrentIndex(3)
    names = cells(contacts, 0)
    contacts.table.selectRow(names.index("李芳"))
    assert tab.holdings.text() == "李芳担任：溪口村第1网格网格员"
    answers.replies = [True]
    click(qtbot, contacts.delete_button)
    assert answers.messages[-1] == (
        "无法删除",
        "“李芳”还担任溪口村第1网格网格员，请先在那里换人后再删除。",
    )


def test_the_township_set_up_dialog(qtbot, engine, answers):
    def run(dialog) -> bool:
        type_text(qtbot, dialog.township, "白鹤镇")
        dialog.villages.setPlainText("东山村\n西山村")
        assert dialog.preview.text().startswith("将新增23个成员单位、2个村居。")
        dialog.accept_plan()
        return dialog.result() == dialog.DialogCode.Accepted

    tab = UnitsTab(engine, "clerk", ask=answers.ask, inform=answers.inform,
                   run_township_dialog=run)  # fmt: skip
    qtbot.addWidget(tab)
    assert tab.hint.text().startswith("还没有成员单位")
    click(qtbot, tab.setup_button)
    assert answers.messages[-1][0] == "已建立"
    assert tab.units.model.count == 25
    assert tab.report.names()[:2] == ["白鹤镇平安办", "白鹤镇党群办"]
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 25


def test_a_dialog_refuses_a_missing_township_name(qtbot, engine, answers):
    def run(dialog) -> bool:
        dialog.township.clear()
        assert not dialog.ok_button.isEnabled()
        assert dialog.error.text() == "请填写乡镇（街道）名称"
        return False

    tab = UnitsTab(engine, "clerk", ask=answers.ask, inform=answers.inform,
                   run_township_dialog=run)  # fmt: skip
    qtbot.addWidget(tab)
    tab.set_up_township()
    assert tab.units.model.count == 0 and answers.messages == []


def test_leading_group_members_reuse_contacts(qtbot, tab, engine, town):
    group = GroupService(engine, "clerk").create({"name": "领导小组"})
    tab.leading_group.reload_groups(group)
    form = open_form(qtbot, tab.leading_group.members.add_button)
    roles = form.editors["group_role"]
    roles.setCurrentIndex(roles.findText("成员"))
    picker, _key = form.pickers["name"]
    (li,) = [c for c in picker.by_id.values() if c.name == "李芳"]
    picker.pick(li)
    assert form.editors["mobile"].text() == "13800000011"
    type_text(qtbot, form.editors["post"], "网格员代表")
    click(qtbot, form.save_button)
    qtbot.waitUntil(lambda: not form.isVisible())
    with unit_of_work(engine) as session:
        seat = session.scalars(select(LeadingGroupMember)).one()
        assert seat.person_id == li.id
    assert MemberService(engine, group).load(seat.id)["name"] == "李芳"
