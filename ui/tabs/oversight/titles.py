"""无诈创建: the titles register and the checklist dialog of one title."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.validation import ValidationError
from app.core.vocab import TITLE_KINDS, TITLE_STATUSES
from app.oversight.inspections import unit_choices
from app.oversight.titles import (
    CRITERIA,
    TitleRecord,
    TitleRegister,
    blank_title,
    delete_title,
    load_title,
    save_title,
)
from ui.register.form_dialog import ERROR_STYLE, DateEdit, GuardedDialog, confirm_buttons
from ui.register.register_view import RegisterView, ask_with_message_box
from ui.screen_fit import scrolling

if TYPE_CHECKING:
    from sqlalchemy import Engine


class TitleDialog(GuardedDialog):
    """One title: unit, kind, year, the checklist of its kind, evidence, status."""

    def __init__(
        self,
        record: TitleRecord,
        units: list[tuple[int, str]],
        save: Callable[[TitleRecord], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("无诈创建" + ("（新增）" if record.id is None else ""))
        self.setMinimumWidth(620)
        self.record = record
        self._save = save
        self.unit = QComboBox()
        self.unit.addItem("请选择…", None)
        for unit_id, name in units:
            self.unit.addItem(name, unit_id)
        self.unit.setCurrentIndex(max(self.unit.findData(record.unit_id), 0))
        self.kind = QComboBox()
        for code, label in TITLE_KINDS.items():
            self.kind.addItem(label, code)
        self.kind.setCurrentIndex(self.kind.findData(record.title_kind))
        self.year = QSpinBox()
        self.year.setRange(2000, date.today().year + 1)
        self.year.setValue(record.year)
        self.status = QComboBox()
        for code, label in TITLE_STATUSES.items():
            self.status.addItem(label, code)
        self.status.setCurrentIndex(self.status.findData(record.status))
        self.awarded_on = DateEdit()
        self.awarded_on.set_value(record.awarded_on)
        self.evidence = QPlainTextEdit(record.evidence)
        self.evidence.setTabChangesFocus(True)
        self.evidence.setFixedHeight(80)
        self.checklist = QGroupBox("创建标准（全部达到才能命名）")
        self.checklist_layout = QVBoxLayout(self.checklist)
        self.boxes: list[QCheckBox] = []
        self._fill_checklist(record.criteria)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        form.addRow("创建单位", self.unit)
        form.addRow("创建类别", self.kind)
        form.addRow("年度", self.year)
        form.addRow("状态", self.status)
        form.addRow("命名日期", self.awarded_on)
        form.addRow("佐证材料", self.evidence)
        buttons, self.save_button = confirm_buttons("保存", self.save, self.reject)
        body = QWidget()
        fields = QVBoxLayout(body)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addWidget(self.error)
        fields.addLayout(form)
        fields.addWidget(self.checklist)
        fields.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(body), 1)  # a long checklist scrolls, 保存 stays in sight
        layout.addWidget(buttons)

    def snapshot(self) -> tuple:
        """Everything the clerk can change, the ticks of the checklist included."""
        return (
            self.unit.currentIndex(), self.kind.currentIndex(), self.year.value(),
            self.status.currentIndex(), self.awarded_on.value(), self.evidence.toPlainText(),
            tuple(box.isChecked() for box in self.boxes),
        )  # fmt: skip

    def _fill_checklist(self, criteria: tuple[tuple[str, bool], ...]) -> None:
        for box in self.boxes:
            box.deleteLater()
        self.boxes = []
        for text, met in criteria:
            box = QCheckBox(text)
            box.setChecked(met)
            self.checklist_layout.addWidget(box)
            self.boxes.append(box)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        met = {box.text() for box in self.boxes if box.isChecked()}
        self._fill_checklist(tuple((c, c in met) for c in CRITERIA[kind]))

    def value(self) -> TitleRecord:
        """The title as the form shows it."""
        return TitleRecord(
            self.record.id,
            self.unit.currentData(),
            self.kind.currentData(),
            self.year.value(),
            tuple((box.text(), box.isChecked()) for box in self.boxes),
            self.evidence.toPlainText().strip(),
            self.status.currentData(),
            self.awarded_on.value(),
        )

    def save(self) -> None:
        """Save through the callback; keep the dialog open with the message if refused."""
        try:
            self._save(self.value())
        except ValidationError as exc:
            self.error.setText("\n".join(exc.errors.values()))
            self.error.show()
            return
        self.accept()


class TitlesView(QWidget):
    """The 无诈创建 register with 新增/编辑/删除 through the checklist dialog."""

    def __init__(self, engine: Engine, user: str | None = None, **options: Any) -> None:
        super().__init__()
        self.engine = engine
        self.user = user
        self.ask = options.get("ask", ask_with_message_box)
        self.list = RegisterView(TitleRegister(engine), None, **options)
        self.dialog: TitleDialog | None = None
        self.add_button = QPushButton("新增")
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton("删除")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.list.table.doubleClicked.connect(lambda _i: self.edit())
        # in the register's own button row, where every other register has them
        for button in (self.delete_button, self.edit_button, self.add_button):
            self.list.add_action(button)
        self.list.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.list.model.modelReset.connect(self._update_buttons)
        self._update_buttons()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)

    def _update_buttons(self) -> None:
        chosen = self.list.selected_id() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _open(self, record: TitleRecord) -> None:
        def save(value: TitleRecord) -> None:
            title_id = save_title(self.engine, value, self.user)
            self.list.model.refresh()
            self.list.select_id(title_id)

        self.dialog = TitleDialog(record, unit_choices(self.engine), save, self)
        self.dialog.open()

    def add(self) -> None:
        """A new title with the default checklist of a 无诈社区."""
        self._open(blank_title())

    def edit(self) -> None:
        """Open the selected title."""
        title_id = self.list.selected_id()
        if title_id is not None:
            self._open(load_title(self.engine, title_id))

    def delete(self) -> None:
        """Ask, then delete the selected title."""
        title_id = self.list.selected_id()
        if title_id is None or not self.ask(self, "删除", "确定删除这条无诈创建记录吗？"):
            return
        delete_title(self.engine, title_id, self.user)
        self.list.refresh()
