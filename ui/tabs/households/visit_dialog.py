"""登记走访: the visit form, built for a day's 40 visits typed from paper without the mouse.

Enter saves and opens the next household of the same grid not visited this year; Ctrl+→
skips to it without saving; Esc closes. Tab walks the fields, Space ticks, arrow keys choose
in a group, Alt+1/2/3 choose 已走访/不在家/拒绝 and Alt+4/5/6 已签/拒签/未提供. What the clerk
chose last (date, way, topics, letters) stays for the next household, since a day's papers
mostly say the same; the visitors follow each household's grid.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
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
from ui.register.form_dialog import ERROR_STYLE, DateEdit, TagsEdit
from ui.screen_fit import fit_to_screen, scrolling

OUTCOMES = (("visited", "已走访"), ("nobody_home", "不在家"), ("refused", "拒绝"))
COMMITMENTS = (("signed", "已签"), ("refused", "拒签"), ("not_offered", "未提供"))
# Alt+digit picks a choice: explicit shortcuts, since mnemonics are off on some platforms
CHOICE_KEYS = "123456"


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


class VisitDialog(QDialog):
    """Visits of one household after another; emits `visitSaved(household_id)` after each."""

    visitSaved = Signal(int)

    def __init__(
        self,
        engine,
        user: str | None,
        household_id: int,
        *,
        inform: Callable[[QWidget, str, str], None],
        ask_photos: Callable[[QWidget], list[str]] = ask_photo_paths,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine, self.user, self.inform, self.ask_photos = engine, user, inform, ask_photos
        self.setWindowTitle("登记走访")
        self.setMinimumWidth(720)
        fit_to_screen(self)
        self.saved_count = 0
        self.photos: list[str] = []
        self.defaults: VisitDefaults | None = None
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
        self.notice = QCheckBox("告知书已送达")
        self.notice.setChecked(True)
        self.commitment = ChoiceRow(COMMITMENTS)
        self.commitment.set_value("signed")
        self.app_box = QWidget()
        self.app_layout = QGridLayout(self.app_box)
        self.app_layout.setContentsMargins(0, 0, 0, 0)
        self.app_checks: dict[int, QCheckBox] = {}
        self.risks = QLineEdit()
        self.risks.setPlaceholderText("如：近期接到冒充客服电话")
        self.follow_up = QCheckBox("需要跟进")
        self.notes = QLineEdit()
        photo_row = QHBoxLayout()
        self.photo_button = QPushButton("添加照片…")
        self.photo_button.clicked.connect(self.add_photos)
        self.photo_label = QLabel("无")
        photo_row.addWidget(self.photo_button)
        photo_row.addWidget(self.photo_label, 1)
        self.editors = {
            "visited_on": ("走访日期", self.date), "mode": ("走访方式", self.mode),
            "outcome": ("走访结果（Alt+1/2/3）", self.outcome),
            "grid_worker_id": ("网格员", self.worker),
            "police_officer_id": ("民警/辅警", self.officer),
            "other_visitors": ("其他走访人员", self.others), "topics": ("宣传内容", self.topics),
            "notice_delivered": ("告知书", self.notice),
            "commitment_result": ("承诺书（Alt+4/5/6）", self.commitment),
            "app": ("安装国家反诈中心APP", self.app_box), "risks_found": ("发现的风险", self.risks),
            "follow_up_needed": ("跟进", self.follow_up), "notes": ("备注", self.notes),
        }  # fmt: skip
        for label, editor in self.editors.values():
            form.addRow(label, editor)
        form.addRow("照片", photo_row)
        body = QWidget()
        body.setLayout(form)
        layout.addWidget(scrolling(body), 1)  # a big household scrolls; the buttons stay
        self.outcome.group.buttonToggled.connect(self._outcome_changed)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存并下一户（Enter）")
        self.save_button.setDefault(True)
        self.save_only_button = QPushButton("保存并关闭")
        self.skip_button = QPushButton("跳过此户（Ctrl+→）")
        self.close_button = QPushButton("关闭（Esc）")
        self.save_button.clicked.connect(lambda: self.save(go_on=True))
        self.save_only_button.clicked.connect(lambda: self.save(go_on=False))
        self.skip_button.clicked.connect(self.skip)
        self.close_button.clicked.connect(self.reject)
        for button in (self.save_only_button, self.skip_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+Right"), self, activated=self.skip)
        choices = [*self.outcome.buttons.values(), *self.commitment.buttons.values()]
        for key, button in zip(CHOICE_KEYS, choices, strict=True):
            QShortcut(QKeySequence(f"Alt+{key}"), self, activated=button.click)

    def _outcome_changed(self) -> None:
        """Nobody at home: nothing was delivered, signed or installed."""
        home = self.outcome.value() != "nobody_home"
        for widget in (self.notice, self.commitment, self.app_box):
            widget.setEnabled(home)

    # -- one household ----------------------------------------------------------------------
    def load(self, household_id: int) -> None:
        """Show a household: its title, its grid's visitors and its residents."""
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
        for n, (resident_id, name, installed) in enumerate(defaults.residents):
            box = QCheckBox(f"{name}（已安装）" if installed else name)
            box.setChecked(installed)
            box.setEnabled(not installed)
            self.app_layout.addWidget(box, n // 4, n % 4)
            self.app_checks[resident_id] = box
        self.outcome.set_value("visited")
        self._outcome_changed()
        self.others.clear()
        self.risks.clear()
        self.notes.clear()
        self.follow_up.setChecked(False)
        self.photos = []
        self.photo_label.setText("无")
        self.error.hide()
        self._retab()
        self.date.setFocus()

    def _retab(self) -> None:
        """Tab order in the order of the form, resident boxes included."""
        order: list[QWidget] = [self.date, self.mode, *self.outcome.buttons.values(),
                                self.worker, self.officer, self.others,
                                *self.topics.boxes.values(), self.notice,
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
        """Save the visit; then the next unvisited household of the grid, or close."""
        assert self.defaults is not None
        household_id = self.defaults.household_id
        try:
            result = save_visit(
                self.engine, household_id, self.values(), self.app_residents(), self.photos,
                user=self.user,
            )  # fmt: skip
        except ValidationError as exc:
            self._show_errors(exc)
            return False
        self.saved_count += 1
        done = "；".join(result.letters) or "文书无变化"
        self.status.setText(f"已保存第{self.saved_count}户：{self.defaults.title}（{done}）")
        self.visitSaved.emit(household_id)
        if go_on:
            self._next(household_id)
        else:
            self.accept()
        return True

    def skip(self) -> None:
        """Go to the next unvisited household without saving this one."""
        assert self.defaults is not None
        self._next(self.defaults.household_id)

    def _next(self, household_id: int) -> None:
        following = next_unvisited(self.engine, household_id)
        if following is None:
            self.inform(self, "登记走访", "本网格已没有今年未走访的住户。")
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
        for key in exc.errors:
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
