"""A form built from a register's `FormField`s; saving goes through a callback that validates.

The dialog does not validate by itself: the service does (the same rules as imports), and a
`ValidationError` comes back here as red messages under the fields, with the dialog still open.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import OperationalError

from app.core.validation import FormField, ValidationError, fen_to_yuan, split_tags
from ui.screen_fit import fit_to_screen, scrolling

SaveCallback = Callable[[dict[str, Any]], None]
Ask = Callable[[QWidget, str, str], bool]

ERROR_STYLE = "color: #c0392b;"
REQUIRED_MARK = '<span style="color:#c0392b;">*</span>'
NO_CHOICE = "请选择…"
# QDateEdit cannot be empty: its minimum date stands for "not filled in".
EMPTY_DATE = QDate(1900, 1, 1)
EMPTY_DATE_TEXT = "未填写"
DISCARD_TITLE = "放弃修改？"
DISCARD_TEXT = "填写的内容还没有保存。放弃这些修改并关闭吗？"
DATABASE_BUSY = (
    "数据库正忙（可能正在备份，或被其他程序使用），这次没有保存。"
    "填写的内容都还在，请稍后再点“保存”。"
)


class DateEdit(QDateEdit):
    """A date field with a calendar popup and ISO display that may be left empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(EMPTY_DATE)
        self.setSpecialValueText(EMPTY_DATE_TEXT)
        self.setDate(EMPTY_DATE)
        self.calendarWidget().installEventFilter(self)

    def value(self) -> date | None:
        """The chosen date, or None when empty."""
        chosen = self.date()
        return None if chosen == EMPTY_DATE else date(chosen.year(), chosen.month(), chosen.day())

    def set_value(self, value: date | None) -> None:
        """Show a date; None (or anything not a date) empties the field."""
        if isinstance(value, date):
            self.setDate(QDate(value.year, value.month, value.day))
        else:
            self.setDate(EMPTY_DATE)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """An empty field opens its calendar on this month, not on January 1900."""
        if event.type() == QEvent.Type.Show and self.value() is None:
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)


class MoneyEdit(QLineEdit):
    """An amount in yuan; the record holds fen (see the `money` field kind)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)


class TagsEdit(QWidget):
    """Several choices as check boxes in rows (of four by default); Space ticks the focused one."""

    def __init__(
        self, choices: Sequence[tuple[Any, str]], parent: QWidget | None = None, columns: int = 4
    ) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[Any, QCheckBox] = {}
        for n, (value, label) in enumerate(choices):
            box = QCheckBox(label)
            grid.addWidget(box, n // columns, n % columns)
            self.boxes[value] = box

    def value(self) -> list[Any]:
        """The ticked choices, in their order."""
        return [value for value, box in self.boxes.items() if box.isChecked()]

    def set_value(self, value: Any) -> None:
        """Tick the stored choices (`老年人,学生` or a list)."""
        chosen = set(split_tags(value)) if value else set()
        for key, box in self.boxes.items():
            box.setChecked(key in chosen)

    def setFocus(self, *args: Any) -> None:
        """Focus the first box, so a form opening here can be used from the keyboard."""
        if self.boxes:
            next(iter(self.boxes.values())).setFocus(*args)


def make_editor(form_field: FormField) -> QWidget:
    """The input widget of one field kind."""
    kind = form_field.kind
    if kind == "multiline":
        editor: QWidget = QPlainTextEdit()
        editor.setTabChangesFocus(True)
        editor.setFixedHeight(editor.fontMetrics().lineSpacing() * 4 + 12)
        editor.setPlaceholderText(form_field.placeholder)
    elif kind == "choice":
        editor = QComboBox()
        editor.addItem(NO_CHOICE, None)
        for value, label in form_field.choice_list():
            editor.addItem(label, value)
    elif kind == "tags":
        editor = TagsEdit(form_field.choice_list())
    elif kind == "date":
        editor = DateEdit()
        if form_field.required:
            editor.setDate(QDate.currentDate())
    elif kind == "bool":
        editor = QCheckBox()
    elif kind == "datetime":
        editor = QDateTimeEdit(QDateTime.currentDateTime())
        editor.setCalendarPopup(True)
        editor.setDisplayFormat("yyyy-MM-dd HH:mm")
    elif kind == "money":
        editor = MoneyEdit()
        editor.setPlaceholderText(form_field.placeholder or "0.00")
    elif kind in ("text", "phone", "id_number", "int"):
        editor = QLineEdit()
        editor.setPlaceholderText(form_field.placeholder)
        if kind == "int":
            editor.setAlignment(Qt.AlignmentFlag.AlignRight)
    else:
        raise ValueError(f"unknown field kind {kind}")
    if form_field.help:
        editor.setToolTip(form_field.help)
    return editor


def read_editor(editor: QWidget) -> Any:
    """The raw value in an editor, as `clean_value` expects it."""
    if isinstance(editor, QPlainTextEdit):
        return editor.toPlainText()
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, TagsEdit):
        return editor.value()
    if isinstance(editor, DateEdit):
        return editor.value()
    if isinstance(editor, QDateTimeEdit):
        return editor.dateTime().toPython()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QLineEdit):
        return editor.text()
    raise TypeError(type(editor))


def write_editor(editor: QWidget, value: Any) -> None:
    """Show a stored value in an editor."""
    if isinstance(editor, QPlainTextEdit):
        editor.setPlainText("" if value is None else str(value))
    elif isinstance(editor, QComboBox):
        index = editor.findData(value) if value is not None else 0
        if index < 0:
            # a code no longer offered stays visible, so saving it is refused, not lost silently
            editor.addItem(str(value), value)
            index = editor.count() - 1
        editor.setCurrentIndex(index)
    elif isinstance(editor, DateEdit | TagsEdit):
        editor.set_value(value)
    elif isinstance(editor, QDateTimeEdit):
        if isinstance(value, datetime):
            editor.setDateTime(QDateTime(value))
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, MoneyEdit):
        yuan = fen_to_yuan(value) if isinstance(value, int) else value
        editor.setText("" if yuan is None else str(yuan))
    elif isinstance(editor, QLineEdit):
        editor.setText("" if value is None else str(value))
        editor.setCursorPosition(0)
    else:
        raise TypeError(type(editor))


def confirm_buttons(
    text: str, on_accept: Callable[[], Any], on_reject: Callable[[], Any]
) -> tuple[QDialogButtonBox, QPushButton]:
    """A 取消 button and the one that does the dialog's work, labelled `text` (保存, 选择…)."""
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    box.accepted.connect(on_accept)
    box.rejected.connect(on_reject)
    return box, ok


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def ask_discard_with_message_box(parent: QWidget, title: str, text: str) -> bool:
    """放弃修改？ with 继续编辑 as the default, so a stray Enter or Esc keeps the typing."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    discard = box.addButton("放弃修改", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("继续编辑", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard


class GuardedDialog(QDialog):
    """A dialog that asks 放弃修改？ before Esc, 取消 or the window's × throw typing away.

    What the form held when first shown is remembered (`snapshot`); closing without saving asks
    only when it differs. A dialog fits the screen when shown (see ui.screen_fit).
    """

    def __init__(self, parent: QWidget | None = None, *, ask_discard: Ask | None = None) -> None:
        super().__init__(parent)
        self.ask_discard = ask_discard
        self._pristine: Any = None
        self._shown = False
        fit_to_screen(self)

    def snapshot(self) -> Any:
        """What the clerk can change, comparable with ==; subclasses say what it is."""
        return None

    def mark_saved(self) -> None:
        """What is in the form now counts as unchanged (after a save that keeps it open)."""
        self._pristine = self.snapshot()

    def has_changes(self) -> bool:
        """Whether the form differs from what it showed when it opened (or was last saved)."""
        return self._shown and self.snapshot() != self._pristine

    def showEvent(self, event) -> None:
        """Remember the form as it opens: subclasses fill it in after this class's __init__."""
        if not self._shown:
            self._shown = True
            self.mark_saved()
        super().showEvent(event)

    def reject(self) -> None:
        """Close without saving, after asking if anything was changed."""
        ask = self.ask_discard or ask_discard_with_message_box
        if self.has_changes() and not ask(self, DISCARD_TITLE, DISCARD_TEXT):
            return
        super().reject()


class FormDialog(GuardedDialog):
    """A form over `fields`: 保存 calls `save(values)`, which raises ValidationError to refuse.

    Ctrl+Enter saves from any field; Esc, 取消 or × close without saving, asking 放弃修改？
    first when something was changed. The fields scroll when the form is taller than the
    screen; the buttons stay below them, always visible. A refused save or a busy database
    keeps the dialog open with everything typed.
    """

    def __init__(
        self,
        fields: Sequence[FormField],
        save: SaveCallback,
        *,
        title: str = "",
        values: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
        ask_discard: Ask | None = None,
    ) -> None:
        super().__init__(parent, ask_discard=ask_discard)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.fields = tuple(fields)
        self._save = save
        self.editors: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}

        body = QWidget()
        # what a subclass adds below the fields (e.g. the unit's 四员) goes here, to scroll too
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(0, 0, 6, 0)  # a gap before the scroll bar
        self.general_error = _error_label()
        self.body_layout.addWidget(self.general_error)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for form_field in self.fields:
            editor = make_editor(form_field)
            error = _error_label()
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(2)
            cell_layout.addWidget(editor)
            cell_layout.addWidget(error)
            text = form_field.label + (f" {REQUIRED_MARK}" if form_field.required else "")
            label = QLabel(text)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setBuddy(editor)
            form.addRow(label, cell)
            self.editors[form_field.key] = editor
            self.error_labels[form_field.key] = error
            self.labels[form_field.key] = label
        self.body_layout.addLayout(form)
        self.body_layout.addStretch(1)
        self.scroll_area = scrolling(body)

        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area, 1)
        self.buttons, self.save_button = confirm_buttons("保存", self.save, self.reject)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.setToolTip("保存（Ctrl+Enter）")
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)

        if values:
            self.set_values(values)
        if self.fields:
            self.editors[self.fields[0].key].setFocus()

    def snapshot(self) -> Any:
        """The form's values: closing asks when they changed."""
        return self.values()

    def values(self) -> dict[str, Any]:
        """The raw values in the form, by field key (cleaning is the service's job)."""
        return {key: read_editor(editor) for key, editor in self.editors.items()}

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Fill the form; keys without a field are ignored."""
        for key, value in values.items():
            if key in self.editors:
                write_editor(self.editors[key], value)

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show each message under its field (key "" at the top); focus the first bad field."""
        self.clear_errors()
        general = [message for key, message in errors.items() if key not in self.editors]
        if general:
            self.general_error.setText("\n".join(general))
            self.general_error.show()
            self.scroll_area.ensureWidgetVisible(self.general_error)
        first_bad: QWidget | None = None
        for form_field in self.fields:
            message = errors.get(form_field.key)
            if message:
                self.error_labels[form_field.key].setText(message)
                self.error_labels[form_field.key].show()
                first_bad = first_bad or self.editors[form_field.key]
        if first_bad is not None:
            first_bad.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll_area.ensureWidgetVisible(first_bad)
            if isinstance(first_bad, QLineEdit):
                first_bad.selectAll()

    def clear_errors(self) -> None:
        """Hide every error message."""
        for label in (self.general_error, *self.error_labels.values()):
            label.clear()
            label.hide()

    def save(self) -> None:
        """Hand the values to the save callback; close on success, show its errors otherwise."""
        try:
            self._save(self.values())
        except ValidationError as exc:
            self.show_errors(exc.errors or {"": str(exc)})
            return
        except OperationalError as exc:
            # "database is locked" after the busy timeout: the transaction was rolled back
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            self.show_errors({"": DATABASE_BUSY})
            return
        self.clear_errors()
        self.accept()
