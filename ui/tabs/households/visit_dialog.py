"""登记走访: the visit form, built for a day's 40 visits typed from paper without the mouse.

Enter saves and opens the next household of the list behind the form (its order and filters);
Ctrl+→ skips to it without saving; Esc closes. Tab walks the fields, Space ticks, arrow keys
choose in a group, Alt+1/2/3 choose 已走访/不在家/拒绝, Alt+4/5/6 已签/拒签/未提供, and an
Alt+letter jumps to each group (see visit_keys); every one of them works from any field.

The form records only what the worker chose for this household: each one opens with no letter
outcome, no topic and no APP ticked. Only the day's facts stay (date, way, and the visitors,
who follow each household's grid); the topics stay only while 宣传内容同上一户 is ticked, which
the worker does knowingly. Choosing 不在家 or 拒绝 clears the letter and APP choices.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core.validation import ValidationError
from app.core.vocab import VISIT_MODES
from app.households.visits import (
    VISIT_TOPICS,
    VisitDefaults,
    next_unvisited,
    people_choices,
    save_visit,
    visit_defaults,
)
from ui.register.form_dialog import ERROR_STYLE, Ask, DateEdit, GuardedDialog, TagsEdit
from ui.screen_fit import scrolling
from ui.tabs.households.visit_keys import (
    CHOICE_KEYS,
    FIELD_KEYS,
    PHOTO_KEY,
    SAME_TOPICS_KEY,
    FormShortcuts,
    shortcuts_text,
)

OUTCOMES = (("visited", "已走访"), ("nobody_home", "不在家"), ("refused", "拒绝"))
COMMITMENTS = (("signed", "已签"), ("refused", "拒签"), ("not_offered", "未提供"))


def ask_photo_paths(parent: QWidget) -> list[str]:
    """Ask for photos of the visit."""
    paths, _ = QFileDialog.getOpenFileNames(
        parent, "添加走访照片", str(Path.home()), "图片 (*.png *.jpg *.jpeg *.gif)"
    )
    return paths


class ChoiceRow(QWidget):
    """Radio buttons in a row: arrow keys move between them, Alt+digit picks one."""

    def __init__(self, choices: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for value, label in choices:
            button = QRadioButton(label)
            self.group.addButton(button)
            self.buttons[value] = button
            row.addWidget(button)
        row.addStretch(1)

    def value(self) -> str | None:
        """The chosen value, or None."""
        return next((v for v, b in self.buttons.items() if b.isChecked()), None)

    def set_value(self, value: str | None) -> None:
        """Choose a value (None clears the choice)."""
        self.group.setExclusive(False)
        for v, b in self.buttons.items():
            b.setChecked(v == value)
        self.group.setExclusive(True)

    def focus_choice(self) -> None:
        """Put the cursor on the chosen button (the first if none is), as Tab would."""
        chosen = self.value()
        button = self.buttons[chosen] if chosen else next(iter(self.buttons.values()))
        button.setFocus(Qt.FocusReason.ShortcutFocusReason)


class VisitDialog(GuardedDialog):
    """Visits of one household after another; emits `visitSaved(household_id)` after each
    save and `householdShown(household_id)` whenever it shows a household.

    `next_household(id)` says which household follows (the tab passes the next row of its
    list; without it, the next household of the grid not visited this year). Esc, 取消 or ×
    with something chosen for the household on screen ask 放弃修改？ first; each household
    shown counts as unchanged until the worker changes it.
    """

    visitSaved = Signal(int)
    householdShown = Signal(int)

    def __init__(
        self,
        engine,
        user: str | None,
        household_id: int,
        *,
        inform: Callable[[QWidget, str, str], None],
        ask_photos: Callable[[QWidget], list[str]] = ask_photo_paths,
        next_household: Callable[[int], int | None] | None = None,
        parent: QWidget | None = None,
        ask_discard: Ask | None = None,
    ) -> None:
        super().__init__(parent, ask_discard=ask_discard)
        self.engine, self.user, self.inform, self.ask_photos = engine, user, inform, ask_photos
        if next_household is None:
            self.next_household = lambda current: next_unvisited(engine, current)
            self.last_message = "本网格已没有今年未走访的住户。"
        else:
            self.next_household = next_household
            self.last_message = "已是列表中的最后一户。"
        self.setWindowTitle("登记走访")
        self.setMinimumWidth(720)
        self.saved_count = 0
        self.photos: list[str] = []
        self.defaults: VisitDefaults | None = None
        self.installed: set[int] = set()  # residents who had the APP before this visit
        self.last_topics: list[str] = []  # of the last household saved, for 同上户
        self.keys = FormShortcuts(self)
        self._build()
        self.load(household_id)

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.status = QLabel()
        self.status.setStyleSheet("color: #1e8449;")
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.where = QLabel()
        layout.addWidget(self.heading)
        layout.addWidget(self.where)
        layout.addWidget(self.status)
        layout.addWidget(self.error)

        form = QFormLayout()
        self.date = DateEdit()
        self.date.set_value(date.today())
        self.mode = QComboBox()
        for value, label in VISIT_MODES.items():
            self.mode.addItem(label, value)
        self.outcome = ChoiceRow(OUTCOMES)
        self.outcome.set_value("visited")
        self.worker, self.officer = QComboBox(), QComboBox()
        people = people_choices(self.engine)
        for combo in (self.worker, self.officer):
            combo.addItem("（无）", None)
            for value, label in people:
                combo.addItem(label, value)
        self.others = QLineEdit()
        self.others.setPlaceholderText("如：村干部、志愿者姓名")
        self.topics = TagsEdit([(t, t) for t in VISIT_TOPICS], columns=3)
        self.topics.setFocusProxy(next(iter(self.topics.boxes.values())))
        self.same_topics = QCheckBox(f"宣传内容同上一户（Alt+{SAME_TOPICS_KEY}）")
        self.same_topics.setToolTip("勾选后，每一户的宣传内容先照上一户保存的勾好；本次登记有效")
        topics_box = QWidget()
        topics_column = QVBoxLayout(topics_box)
        topics_column.setContentsMargins(0, 0, 0, 0)
        topics_column.addWidget(self.topics)
        topics_column.addWidget(self.same_topics)
        topics_box.setFocusProxy(self.topics)
        self.notice = QCheckBox("告知书已送达")
        self.commitment = ChoiceRow(COMMITMENTS)
        self.app_box = QWidget()
        self.app_layout = QGridLayout(self.app_box)
        self.app_layout.setContentsMargins(0, 0, 0, 0)
        self.app_checks: dict[int, QCheckBox] = {}
        self.risks = QLineEdit()
        self.risks.setPlaceholderText("如：近期接到冒充客服电话")
        self.follow_up = QCheckBox("需要跟进")
        self.notes = QLineEdit()
        photo_row = QHBoxLayout()
        self.photo_button = QPushButton(f"添加照片…（Alt+{PHOTO_KEY}）")
        self.photo_button.clicked.connect(self.add_photos)
        self.photo_label = QLabel("无")
        photo_row.addWidget(self.photo_button)
        photo_row.addWidget(self.photo_label, 1)
        self.editors = {
            "visited_on": ("走访日期", self.date), "mode": ("走访方式", self.mode),
            "outcome": ("走访结果", self.outcome),
            "grid_worker_id": ("网格员", self.worker),
            "police_officer_id": ("民警/辅警", self.officer),
            "other_visitors": ("其他走访人员", self.others), "topics": ("宣传内容", topics_box),
            "notice_delivered": ("告知书", self.notice),
            "commitment_result": ("承诺书", self.commitment),
            "app": ("安装国家反诈中心APP", self.app_box), "risks_found": ("发现的风险", self.risks),
            "follow_up_needed": ("跟进", self.follow_up), "notes": ("备注", self.notes),
        }  # fmt: skip
        choice_keys = {"outcome": "，Alt+1/2/3", "commitment_result": "，Alt+4/5/6"}
        for key, (label, editor) in self.editors.items():
            form.addRow(f"{label}（Alt+{FIELD_KEYS[key]}{choice_keys.get(key, '')}）", editor)
        form.addRow("照片", photo_row)
        body = QWidget()
        body.setLayout(form)
        layout.addWidget(scrolling(body), 1)  # a big household scrolls; the buttons stay
        self.outcome.group.buttonToggled.connect(self._outcome_changed)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存并下一户（Enter）")
        self.save_button.setDefault(True)
        self.save_only_button = QPushButton("保存并关闭（Ctrl+Enter）")
        self.skip_button = QPushButton("跳过此户（Ctrl+→）")
        self.close_button = QPushButton("关闭（Esc）")
        self.help_button = QPushButton("快捷键（F1）")
        self.save_button.clicked.connect(lambda: self.save(go_on=True))
        self.save_only_button.clicked.connect(lambda: self.save(go_on=False))
        self.skip_button.clicked.connect(self.skip)
        self.close_button.clicked.connect(self.reject)
        self.help_button.clicked.connect(self.show_shortcuts)
        for button in (self.save_only_button, self.skip_button, self.close_button,
                       self.help_button):  # fmt: skip
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self._build_shortcuts()

    def _build_shortcuts(self) -> None:
        """The form's own keys, each working from whichever field holds the cursor."""
        self.keys.add("Ctrl+Right", self.skip)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            self.keys.add(key, lambda: self.save(go_on=False))
        self.keys.add("F1", self.show_shortcuts)
        choices = [*self.outcome.buttons.values(), *self.commitment.buttons.values()]
        for key, button in zip(CHOICE_KEYS, choices, strict=True):
            self.keys.add(f"Alt+{key}", lambda b=button: self._pick(b))
        jumps = {
            "visited_on": self.date.setFocus, "mode": self.mode.setFocus,
            "outcome": self.outcome.focus_choice, "grid_worker_id": self.worker.setFocus,
            "police_officer_id": self.officer.setFocus, "other_visitors": self.others.setFocus,
            "topics": self.topics.setFocus, "notice_delivered": lambda: self._pick(self.notice),
            "commitment_result": self.commitment.focus_choice, "app": self._focus_app,
            "risks_found": self.risks.setFocus,
            "follow_up_needed": lambda: self._pick(self.follow_up), "notes": self.notes.setFocus,
        }  # fmt: skip
        for field_key, letter in FIELD_KEYS.items():
            self.keys.add(f"Alt+{letter}", jumps[field_key])
        self.keys.add(f"Alt+{SAME_TOPICS_KEY}", lambda: self._pick(self.same_topics))
        self.keys.add(f"Alt+{PHOTO_KEY}", self.add_photos)

    def _pick(self, button) -> None:
        """Alt+key on a choice or a box: as a click on it, with the cursor there."""
        if button.isEnabled():
            button.setFocus(Qt.FocusReason.ShortcutFocusReason)
            button.click()

    def _focus_app(self) -> None:
        boxes = [box for box in self.app_checks.values() if box.isEnabled()]
        if boxes:
            boxes[0].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_shortcuts(self) -> None:
        """帮助: every key of the form."""
        self.inform(self, "快捷键", shortcuts_text())

    def _outcome_changed(self, _button=None, checked: bool = True) -> None:
        """不在家 greys the letters and the APP with nothing ticked; 不在家 and 拒绝 both drop
        letter and APP choices made before: the worker sets them again if they happened."""
        if not checked:
            return  # the button that was left; its successor's toggle follows
        outcome = self.outcome.value()
        home = outcome != "nobody_home"
        for widget in (self.notice, self.commitment, self.app_box):
            widget.setEnabled(home)
        if outcome != "visited":
            self.notice.setChecked(False)
            self.commitment.set_value(None)
        for resident_id, box in self.app_checks.items():
            if resident_id in self.installed:
                box.setChecked(home)  # already installed: shown, but not while greyed
            elif outcome != "visited":
                box.setChecked(False)

    # -- one household ----------------------------------------------------------------------
    def load(self, household_id: int) -> None:
        """Show a household with nothing chosen for it: its title, its grid's visitors, its
        residents; the cursor on the result."""
        defaults = visit_defaults(self.engine, household_id)
        previous = self.defaults
        self.defaults = defaults
        self.heading.setText(defaults.title)
        self.where.setText(defaults.where)
        if previous is None or previous.grid_id != defaults.grid_id:
            self._choose(self.worker, defaults.grid_worker_id)
            self._choose(self.officer, defaults.police_officer_id)
        for box in self.app_checks.values():
            self.app_layout.removeWidget(box)
            box.deleteLater()
        self.app_checks = {}
        self.installed = {rid for rid, _name, installed in defaults.residents if installed}
        for n, (resident_id, name, installed) in enumerate(defaults.residents):
            box = QCheckBox(f"{name}（已安装）" if installed else name)
            box.setChecked(installed)
            box.setEnabled(not installed)
            self.app_layout.addWidget(box, n // 4, n % 4)
            box.show()  # now, not when the event loop next runs: Alt+A may follow at once
            self.app_checks[resident_id] = box
        self.outcome.set_value("visited")
        self.notice.setChecked(False)
        self.commitment.set_value(None)
        self.topics.set_value(self.last_topics if self.same_topics.isChecked() else [])
        self._outcome_changed()
        self.others.clear()
        self.risks.clear()
        self.notes.clear()
        self.follow_up.setChecked(False)
        self.photos = []
        self.photo_label.setText("无")
        self.error.hide()
        self._retab()
        self.keys.watch()  # the new APP boxes too
        self.outcome.focus_choice()
        self.mark_saved()  # nothing chosen yet for this household
        self.householdShown.emit(household_id)

    def _retab(self) -> None:
        """Tab order in the order of the form, resident boxes included."""
        order: list[QWidget] = [self.date, self.mode, *self.outcome.buttons.values(),
                                self.worker, self.officer, self.others,
                                *self.topics.boxes.values(), self.same_topics, self.notice,
                                *self.commitment.buttons.values(), *self.app_checks.values(),
                                self.risks, self.follow_up, self.notes, self.photo_button,
                                self.save_button]  # fmt: skip
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    @staticmethod
    def _choose(combo: QComboBox, value: Any) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(max(index, 0))

    def values(self) -> dict[str, Any]:
        """The form's raw values, as app.households.visits.save_visit takes them."""
        home = self.outcome.value() != "nobody_home"
        return {
            "visited_on": self.date.value(), "mode": self.mode.currentData(),
            "outcome": self.outcome.value(), "grid_worker_id": self.worker.currentData(),
            "police_officer_id": self.officer.currentData(), "other_visitors": self.others.text(),
            "topics": self.topics.value(), "notice_delivered": home and self.notice.isChecked(),
            "commitment_result": self.commitment.value() if home else None,
            "risks_found": self.risks.text(), "follow_up_needed": self.follow_up.isChecked(),
            "notes": self.notes.text(),
        }  # fmt: skip

    def snapshot(self) -> Any:
        """What the worker can choose for the household on screen (see GuardedDialog)."""
        return self.values(), self.app_residents(), tuple(self.photos)

    def app_residents(self) -> list[int]:
        """Residents newly ticked as having installed the APP."""
        if self.outcome.value() == "nobody_home":
            return []
        return [rid for rid, box in self.app_checks.items() if box.isEnabled() and box.isChecked()]

    def add_photos(self) -> None:
        """Choose photos; they are checked (type, size) when the visit is saved."""
        self.photos.extend(self.ask_photos(self))
        self.photo_label.setText("、".join(Path(p).name for p in self.photos) or "无")

    # -- saving -----------------------------------------------------------------------------
    def save(self, go_on: bool = True) -> bool:
        """Save the visit; then the next household of the list, or close."""
        assert self.defaults is not None
        household_id = self.defaults.household_id
        # the next one as the list stands before the save (a visit may take a household out)
        following = self.next_household(household_id) if go_on else None
        values = self.values()
        try:
            result = save_visit(
                self.engine, household_id, values, self.app_residents(), self.photos,
                user=self.user,
            )  # fmt: skip
        except ValidationError as exc:
            self._show_errors(exc)
            return False
        self.saved_count += 1
        self.last_topics = values["topics"]
        done = "；".join(result.letters) or "文书无变化"
        self.status.setText(f"已保存第{self.saved_count}户：{self.defaults.title}（{done}）")
        self.visitSaved.emit(household_id)
        if go_on:
            self._go_to(following)
        else:
            self.accept()
        return True

    def skip(self) -> None:
        """Go to the next household without saving this one."""
        assert self.defaults is not None
        self._go_to(self.next_household(self.defaults.household_id))

    def _go_to(self, following: int | None) -> None:
        if following is None:
            self.inform(self, "登记走访", self.last_message)
            self.accept()
            return
        self.load(following)

    def _show_errors(self, exc: ValidationError) -> None:
        labels = {key: label for key, (label, _) in self.editors.items()}
        lines = [
            f"{labels[key]}：{message}" if key in labels and not message.startswith(labels[key])
            else message
            for key, message in exc.errors.items()
        ]  # fmt: skip
        self.error.setText("\n".join(lines) or str(exc))
        self.error.show()
        focus = {"outcome": self.outcome.focus_choice,
                 "commitment_result": self.commitment.focus_choice}  # fmt: skip
        for key in exc.errors:
            if key in focus:
                focus[key]()
                break
            if key in self.editors:
                self.editors[key][1].setFocus()
                break

    def showEvent(self, event) -> None:
        """Take the keyboard at once: the clerk's next key is for this form."""
        super().showEvent(event)
        self.activateWindow()

    def keyPressEvent(self, event) -> None:
        """Enter saves from any field (check boxes and radio buttons included)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.save(go_on=True)
            return
        super().keyPressEvent(event)
