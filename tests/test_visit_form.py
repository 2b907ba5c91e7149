"""The visit form driven keyboard-only over ten households: what is stored is what was chosen.

Issue 21: a 拒绝 changed letters, choices carried over from the household before, Ctrl+→ did
nothing in the date field, and 保存并下一户 followed the grid's addresses instead of the list.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from household_town import two_villages_one_grid
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QWidget
from sqlalchemy import select

from app.households.records import HouseholdService, ResidentService
from app.households.visits import save_visit
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Grid, Household, Letter, Resident, Visit
from ui.tabs.households.households_tab import HouseholdsTab

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
# Created in this order, so the list (by id) and the addresses disagree: 1, 22, 3, 14, …
NUMBERS = (1, 22, 3, 14, 5, 16, 7, 28, 9, 2)


class Answers:
    def __init__(self):
        self.messages = []

    def inform(self, _parent, title, text):
        self.messages.append((title, text))


@pytest.fixture
def town(engine):
    """白鹤村 第一网格: ten households not visited this year, each with a child, and one visited
    this year created among them; 青山村 with its own grid and one household."""
    ids = two_villages_one_grid(engine)
    with unit_of_work(engine) as s:
        other_grid = Grid(village_id=ids["other"], name="青山一网格")
        s.add(other_grid)
        s.flush()
        ids["other_grid"] = other_grid.id
    service = HouseholdService(engine)
    ids["households"], ids["children"] = [], {}
    for n, number in enumerate(NUMBERS):
        household = service.create({
            "village_id": ids["village"], "grid_id": ids["grid"],
            "address": f"白鹤村1组{number}号", "head_name": f"户主{number}号", "size": 2,
        })  # fmt: skip
        ids["households"].append(household)
        ids["children"][household] = ResidentService(engine, None, household).create(
            {"name": f"孩子{number}号", "relation": "child"}
        )
        if n == 4:  # between them in the list's order, but visited already
            ids["visited"] = service.create({
                "village_id": ids["village"], "grid_id": ids["grid"],
                "address": "白鹤村1组4号", "head_name": "已走访户", "size": 1,
            })  # fmt: skip
    service.create({"village_id": ids["other"], "grid_id": ids["other_grid"],
                    "address": "青山村8号", "head_name": "青山户", "size": 1})  # fmt: skip
    with unit_of_work(engine) as s:
        s.execute(Household.__table__.update().values(created_at=utcnow() - timedelta(days=90)))
    save_visit(engine, ids["visited"], {
        "visited_on": date.today(), "mode": "in_person", "outcome": "visited",
        "commitment_result": "not_offered",
    })  # fmt: skip
    return ids


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "wuzha-settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def tab(qtbot, engine, town, settings):
    answers = Answers()
    tab = HouseholdsTab(engine, "网格员小王", inform=answers.inform, settings=settings)
    tab.answers = answers
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    return tab


def choose(combo, value):
    combo.setCurrentIndex(combo.findData(value))


def list_ids(tab) -> list[int]:
    model = tab.households.model
    return [model.row(r).id for r in range(model.count)]


def open_form(qtbot, tab, household_id):
    tab.households.select_id(household_id)
    tab.households.table.setFocus()
    qtbot.keyClick(tab.households.table, Qt.Key.Key_F2)
    dialog = tab.visit_dialog
    qtbot.waitUntil(dialog.isActiveWindow)  # Alt+… and Ctrl+→ reach the active window
    return dialog


def press(qtbot, dialog, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key where the worker's cursor is."""
    qtbot.keyClick(dialog.focusWidget(), key, modifier)


def shown(dialog) -> int:
    return dialog.defaults.household_id


def nothing_chosen(dialog, topics=()) -> bool:
    return (
        dialog.outcome.value() == "visited"
        and not dialog.notice.isChecked()
        and dialog.commitment.value() is None
        and dialog.topics.value() == list(topics)
        and not any(box.isChecked() for box in dialog.app_checks.values())
        and dialog.focusWidget() is dialog.outcome.buttons["visited"]
    )


def stored(engine, household_id):
    """(outcome, notice, commitment, topics) of each visit, letters by kind, APP residents."""
    with unit_of_work(engine) as s:
        visits = [
            (v.outcome, v.notice_delivered, v.commitment_result, v.topics or "")
            for v in s.scalars(select(Visit).where(Visit.household_id == household_id))
        ]
        letters = {
            le.kind: le.status
            for le in s.scalars(select(Letter).where(Letter.household_id == household_id))
        }
        app = sorted(
            s.scalars(
                select(Resident.name).where(
                    Resident.household_id == household_id, Resident.app_installed_on.is_not(None)
                )
            )
        )
    return visits, letters, app


def test_ten_households_keyboard_only_store_exactly_what_was_chosen(qtbot, tab, engine, town):
    h = town["households"]
    bar = tab.households.filter_bar
    choose(bar.combos["village"], town["village"])
    choose(bar.combos["visited"], "not_this_year")
    qtbot.waitUntil(lambda: list_ids(tab) == h)  # the visited one is not in the list
    dialog = open_form(qtbot, tab, h[0])
    seen = []

    def arrive(topics=()):
        seen.append(shown(dialog))
        assert nothing_chosen(dialog, topics), shown(dialog)
        # the list and the panel behind follow the form
        assert tab.households.selected_id() == shown(dialog) == tab.detail.household_id

    # 0: 已走访, 承诺书已签, 告知书 ticked, the first topic
    arrive()
    press(qtbot, dialog, Qt.Key.Key_4, ALT)
    press(qtbot, dialog, Qt.Key.Key_G, ALT)
    press(qtbot, dialog, Qt.Key.Key_X, ALT)
    press(qtbot, dialog, Qt.Key.Key_Space)
    press(qtbot, dialog, Qt.Key.Key_Return)
    # 1: 拒绝 and nothing else
    arrive()
    press(qtbot, dialog, Qt.Key.Key_3, ALT)
    press(qtbot, dialog, Qt.Key.Key_Return)
    # 2: Enter alone is refused: the commitment letter must be chosen; then 未提供
    arrive()
    press(qtbot, dialog, Qt.Key.Key_Return)
    assert shown(dialog) == h[2] and "承诺书须选择已签、拒签或未提供" in dialog.error.text()
    assert dialog.focusWidget() is dialog.commitment.buttons["signed"]
    press(qtbot, dialog, Qt.Key.Key_6, ALT)
    press(qtbot, dialog, Qt.Key.Key_Return)
    # 3: skipped
    arrive()
    press(qtbot, dialog, Qt.Key.Key_Right, CTRL)
    # 4: letters and APP ticked, then 不在家: all greyed, nothing ticked
    arrive()
    press(qtbot, dialog, Qt.Key.Key_4, ALT)
    press(qtbot, dialog, Qt.Key.Key_G, ALT)
    press(qtbot, dialog, Qt.Key.Key_A, ALT)
    press(qtbot, dialog, Qt.Key.Key_Space)
    assert any(box.isChecked() for box in dialog.app_checks.values())
    press(qtbot, dialog, Qt.Key.Key_2, ALT)
    assert not dialog.notice.isEnabled() and not dialog.commitment.isEnabled()
    assert not dialog.notice.isChecked() and dialog.commitment.value() is None
    assert not any(b.isChecked() or b.isEnabled() for b in dialog.app_checks.values())
    press(qtbot, dialog, Qt.Key.Key_Return)
    # 5: 拒绝 with 拒签 chosen knowingly
    arrive()
    press(qtbot, dialog, Qt.Key.Key_3, ALT)
    press(qtbot, dialog, Qt.Key.Key_5, ALT)
    press(qtbot, dialog, Qt.Key.Key_Return)
    # 6: 拒签 with the notice delivered, the second topic
    arrive()
    press(qtbot, dialog, Qt.Key.Key_5, ALT)
    press(qtbot, dialog, Qt.Key.Key_G, ALT)
    press(qtbot, dialog, Qt.Key.Key_X, ALT)
    press(qtbot, dialog, Qt.Key.Key_Tab)
    press(qtbot, dialog, Qt.Key.Key_Space)
    press(qtbot, dialog, Qt.Key.Key_Return)
    # 7: 同上户 turned on knowingly (it fills the households after this one)
    arrive()
    press(qtbot, dialog, Qt.Key.Key_S, ALT)
    assert dialog.same_topics.isChecked() and dialog.topics.value() == []
    press(qtbot, dialog, Qt.Key.Key_X, ALT)
    press(qtbot, dialog, Qt.Key.Key_Space)
    press(qtbot, dialog, Qt.Key.Key_4, ALT)
    press(qtbot, dialog, Qt.Key.Key_Return)
    # 8: the topics of 7, as asked for; letters still unchosen; 未提供
    arrive(topics=["刷单返利"])
    press(qtbot, dialog, Qt.Key.Key_6, ALT)
    press(qtbot, dialog, Qt.Key.Key_S, ALT)  # off again
    press(qtbot, dialog, Qt.Key.Key_Return)
    # 9: Alt+1, 已签, the head installed the APP; the last of the list closes the form
    arrive()
    press(qtbot, dialog, Qt.Key.Key_1, ALT)
    press(qtbot, dialog, Qt.Key.Key_4, ALT)
    press(qtbot, dialog, Qt.Key.Key_A, ALT)
    press(qtbot, dialog, Qt.Key.Key_Space)
    press(qtbot, dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.visit_dialog is None)
    assert tab.answers.messages == [("登记走访", "已是列表中的最后一户。")]
    assert seen == h  # the list's order, never the grid's addresses, never the visited one

    visited = ("visited", True, "signed", "刷单返利")
    expected = {
        0: ([visited], {"notice": "delivered", "commitment_household": "signed"}, []),
        1: ([("refused", False, None, "")], {}, []),
        2: ([("visited", False, "not_offered", "")], {}, []),
        3: ([], {}, []),
        4: ([("nobody_home", False, None, "")], {}, []),
        5: ([("refused", False, "refused", "")], {"commitment_household": "refused"}, []),
        6: ([("visited", True, "refused", "虚假投资理财")],
            {"notice": "delivered", "commitment_household": "refused"}, []),
        7: ([("visited", False, "signed", "刷单返利")], {"commitment_household": "signed"}, []),
        8: ([("visited", False, "not_offered", "刷单返利")], {}, []),
        9: ([("visited", False, "signed", "")], {"commitment_household": "signed"},
            [f"户主{NUMBERS[9]}号"]),
    }  # fmt: skip
    for n, household in enumerate(h):
        assert stored(engine, household) == expected[n], n
    assert stored(engine, town["visited"])[1] == {}  # passed over, untouched


def test_skip_and_choices_work_from_every_field(qtbot, tab, town):
    h = town["households"]
    dialog = open_form(qtbot, tab, h[0])
    fields = [
        w for w in dialog.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisible() and w.isEnabled()
        and not isinstance(w.parent(), QAbstractSpinBox)  # the date's own line edit
    ]  # fmt: skip
    assert dialog.date in fields and dialog.others in fields and dialog.same_topics in fields
    assert len(fields) > 25
    for field in fields:
        dialog.load(h[0])
        field.setFocus()
        target = dialog.focusWidget()
        assert target is field or target.focusProxy() is field, field
        press(qtbot, dialog, Qt.Key.Key_3, ALT)
        assert dialog.outcome.value() == "refused", field
        press(qtbot, dialog, Qt.Key.Key_1, ALT)
        field.setFocus()
        press(qtbot, dialog, Qt.Key.Key_Right, CTRL)
        assert shown(dialog) == h[1], field
    assert tab.households.selected_id() == h[1]


def test_the_date_field_keeps_ctrl_right_for_the_form(qtbot, tab, town):
    """The bug as reported: after a save the cursor sat in the date, which ate Ctrl+→."""
    dialog = open_form(qtbot, tab, town["households"][0])
    press(qtbot, dialog, Qt.Key.Key_D, ALT)
    assert dialog.focusWidget() is dialog.date
    date_before = dialog.date.value()
    press(qtbot, dialog, Qt.Key.Key_Right, CTRL)
    assert shown(dialog) == town["households"][1] and dialog.date.value() == date_before


def test_every_group_has_its_key_and_f1_lists_them(qtbot, tab, town):
    dialog = open_form(qtbot, tab, town["households"][0])
    jumps = {
        Qt.Key.Key_D: dialog.date, Qt.Key.Key_M: dialog.mode,
        Qt.Key.Key_J: dialog.outcome.buttons["visited"], Qt.Key.Key_W: dialog.worker,
        Qt.Key.Key_P: dialog.officer, Qt.Key.Key_Q: dialog.others,
        Qt.Key.Key_X: next(iter(dialog.topics.boxes.values())),
        Qt.Key.Key_C: dialog.commitment.buttons["signed"],
        Qt.Key.Key_A: next(iter(dialog.app_checks.values())),
        Qt.Key.Key_F: dialog.risks, Qt.Key.Key_B: dialog.notes,
    }  # fmt: skip
    for key, widget in jumps.items():
        press(qtbot, dialog, key, ALT)
        assert dialog.focusWidget() is widget, key
    press(qtbot, dialog, Qt.Key.Key_U, ALT)
    assert dialog.follow_up.isChecked()
    press(qtbot, dialog, Qt.Key.Key_F1)
    title, text = tab.answers.messages[-1]
    assert title == "快捷键"
    for key in ("Ctrl+→", "Alt+1/2/3", "Alt+4/5/6", "Alt+A", "F2", "Ctrl+F"):
        assert key in text


def test_closing_returns_to_the_list_at_the_last_household(qtbot, tab, engine, town):
    h = town["households"]
    dialog = open_form(qtbot, tab, h[0])
    press(qtbot, dialog, Qt.Key.Key_6, ALT)
    press(qtbot, dialog, Qt.Key.Key_Return)
    assert shown(dialog) == h[1]
    press(qtbot, dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: tab.visit_dialog is None)
    assert tab.households.selected_id() == h[1] == tab.detail.household_id
    qtbot.waitUntil(lambda: tab.households.table.hasFocus())
    # the saved visit shows in the list at once
    column = tab.households.register.column_index("last_visited_on")
    row = tab.households.model.row_of_id(h[0])
    assert tab.households.model.row(row).values[column] == date.today()
    qtbot.keyClick(tab.households.table, Qt.Key.Key_F2)  # F2 works at once, on that household
    assert tab.visit_dialog is not None and shown(tab.visit_dialog) == h[1]


def test_ctrl_f_searches_and_a_change_elsewhere_shows_on_return(qtbot, tab, engine, town):
    from app.letters.status import change_status

    h = town["households"]
    tab.households.select_id(h[2])
    tab.households.table.setFocus()
    qtbot.waitUntil(lambda: tab.households.table.hasFocus())
    qtbot.keyClick(tab.households.table, Qt.Key.Key_F, CTRL)
    assert tab.households.filter_bar.search.hasFocus()
    with unit_of_work(engine) as s:
        letter = Letter(kind="notice", number="GZ2026-TEST-000009", household_id=h[2],
                        status="printed")  # fmt: skip
        s.add(letter)
        s.flush()
        letter_id = letter.id
    tab.hide()  # another tab is shown, where the letter is delivered
    change_status(engine, [letter_id], "delivered")
    tab.show()
    column = tab.households.register.column_index("notice_delivered_on")
    assert tab.households.selected_id() == h[2]
    row = tab.households.model.row(tab.households.selected_row())
    assert row.values[column] == date.today()
    assert "告知书：" + f"{date.today():%Y-%m-%d}" in tab.detail.summary.text()


def test_the_main_window_lists_the_keys_and_shows_a_letter_changed_in_another_tab(
    qtbot, tmp_path, monkeypatch
):
    from app.letters.status import change_status
    from app.storage.database import open_database
    from ui import main_window

    database = open_database(tmp_path / "window.sqlite")
    ids = two_villages_one_grid(database.engine)
    household = HouseholdService(database.engine).create(
        {"village_id": ids["village"], "address": "白鹤村3号", "head_name": "张三", "size": 1}
    )
    with unit_of_work(database.engine) as s:
        letter = Letter(kind="notice", number="GZ2026-TEST-000010", household_id=household,
                        status="printed")  # fmt: skip
        s.add(letter)
        s.flush()
        letter_id = letter.id
    window = main_window.MainWindow(database, user="clerk")
    qtbot.addWidget(window)
    window.show()
    shown_text = []
    monkeypatch.setattr(main_window.QMessageBox, "information",
                        lambda _parent, title, text: shown_text.append((title, text)))  # fmt: skip
    help_menu = window.menuBar().actions()[1].menu()
    next(a for a in help_menu.actions() if a.text() == "快捷键(&K)").trigger()
    assert shown_text[0][0] == "快捷键" and "Ctrl+→：跳过此户" in shown_text[0][1]

    households = window.tab_widget("入户走访")
    window.tabs.setCurrentWidget(households)
    households.households.select_id(household)
    assert "告知书：未送达" in households.detail.summary.text()
    window.tabs.setCurrentWidget(window.tab_widget("承诺书与告知书"))
    change_status(database.engine, [letter_id], "delivered")  # as that tab does
    window.tabs.setCurrentWidget(households)
    column = households.households.register.column_index("notice_delivered_on")
    assert households.households.selected_id() == household
    row = households.households.model.row(households.households.selected_row())
    assert row.values[column] == date.today()
    assert f"告知书：{date.today():%Y-%m-%d}" in households.detail.summary.text()
    window.close()
    database.close()


def test_village_and_grid_are_kept_and_the_grids_follow_the_village(qtbot, engine, town, settings):
    first = HouseholdsTab(engine, "网格员小王", settings=settings)
    qtbot.addWidget(first)
    bar = first.households.filter_bar
    assert bar.combos["grid"].count() == 3  # 全部网格 and both villages' grids
    choose(bar.combos["village"], town["other"])
    assert [bar.combos["grid"].itemData(i) for i in range(bar.combos["grid"].count())] == [
        None, town["other_grid"],
    ]  # fmt: skip
    choose(bar.combos["grid"], town["other_grid"])
    choose(bar.combos["village"], town["village"])  # the other village's grid cannot stay
    grids = bar.combos["grid"]
    assert [grids.itemData(i) for i in range(grids.count())] == [None, town["grid"]]
    assert grids.currentData() is None
    choose(grids, town["grid"])
    assert first.households.model.count == 11
    first.close()
    settings.sync()

    again = HouseholdsTab(engine, "网格员小王", settings=settings)  # the next launch
    qtbot.addWidget(again)
    bar = again.households.filter_bar
    assert bar.combos["village"].currentData() == town["village"]
    assert bar.combos["grid"].currentData() == town["grid"]
    assert bar.combos["grid"].count() == 2
    assert again.households.model.count == 11


def test_esc_asks_before_throwing_away_what_was_chosen(qtbot, tmp_path):
    """放弃修改？ (issue 20) in the visit form: Esc on a household with nothing chosen closes at
    once; with a choice made it asks, and 继续编辑 keeps the choice."""
    from app.core.progress import run_to_end
    from app.demo.township import build_demo
    from app.storage.database import open_database
    from ui.tabs.households.visit_dialog import VisitDialog

    database = open_database(tmp_path / "d.sqlite")
    run_to_end(build_demo(database.engine, 40, 1))
    with database.engine.connect() as conn:
        first = conn.exec_driver_sql("SELECT id FROM household ORDER BY id LIMIT 1").scalar()
    asked: list[str] = []
    answer = {"discard": False}

    def ask(_parent, title, _text):
        asked.append(title)
        return answer["discard"]

    dialog = VisitDialog(database.engine, "worker", first, inform=lambda *_: None, ask_discard=ask)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)  # nothing chosen: closes at once
    assert asked == [] and not dialog.isVisible()
    dialog.show()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
    assert dialog.values()["commitment_result"] == "not_offered"  # 承诺书 未提供
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert asked == ["放弃修改？"] and dialog.isVisible()
    assert dialog.values()["commitment_result"] == "not_offered"
    answer["discard"] = True
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    database.close()
