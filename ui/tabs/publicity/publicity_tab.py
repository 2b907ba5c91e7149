"""宣传活动: activities with photos, the year's plan (and its Excel import), who is behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.periods import report_deadline
from app.core.validation import ValidationError
from app.org.units import member_unit_choices
from app.publicity.activities import (
    MIN_CAMPAIGNS,
    ActivityRegister,
    ActivityService,
    add_photo,
    counts_by_form,
    fewer_than_two,
    not_reported,
)
from app.publicity.plan import PlanRegister, PlanService, import_plan, preview_plan_import
from ui.imports.flow import ask_xlsx_to_open
from ui.imports.preview import Decide, PreviewColumn, decide_with_dialog, run_previewed_import
from ui.register.register_view import (
    RegisterView,
    ask_with_message_box,
    inform_with_message_box,
)
from ui.tabs.publicity.photos import PhotosDialog

if TYPE_CHECKING:
    from sqlalchemy import Engine


def ask_image(parent: QWidget) -> str | None:
    """Ask for a photo file."""
    path, _ = QFileDialog.getOpenFileName(parent, "添加照片", "", "图片 (*.png *.jpg *.jpeg *.gif)")
    return path or None


def _table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[tuple[Any, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if isinstance(value, int):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class ReportingView(QWidget):
    """Who has not reported this month, who held fewer than two campaigns, counts by form."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        today = date.today()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.month = QSpinBox()
        self.month.setRange(1, 12)
        self.month.setValue(today.month)
        for spin in (self.year, self.month):
            spin.valueChanged.connect(self.refresh)
        self.silent_label = QLabel()
        self.silent = _table(("成员单位", "最近一次报送"))
        self.few_label = QLabel()
        self.few = _table(("成员单位", "全年活动次数"))
        self.forms = _table(("形式", "活动次数", "覆盖人数"))
        top = QHBoxLayout()
        for widget in (QLabel("年份"), self.year, QLabel("月份"), self.month):
            top.addWidget(widget)
        top.addStretch(1)
        columns = QHBoxLayout()
        for label, table in ((self.silent_label, self.silent), (self.few_label, self.few),
                             (QLabel("本年按形式统计"), self.forms)):  # fmt: skip
            box = QVBoxLayout()
            box.addWidget(label)
            box.addWidget(table, 1)
            columns.addLayout(box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(columns, 1)
        self.refresh()

    def show_month(self, year: int | None, month: int | None) -> None:
        """Show the lists of that month (today's where not given)."""
        today = date.today()
        for spin, value in ((self.year, year or today.year), (self.month, month or today.month)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        """Read the three lists for the chosen year and month."""
        year, month = self.year.value(), self.month.value()
        silent = not_reported(self.engine, year, month)
        due = report_deadline(year, month)
        self.silent_label.setText(
            f"{year}年{month}月未报送宣传工作的成员单位（{len(silent)}个，{due.month}月{due.day}日前报送）"
        )
        _fill(self.silent, [(u.name, u.last_reported_on or "从未报送") for u in silent])
        few = fewer_than_two(self.engine, year)
        self.few_label.setText(f"{year}年开展宣传活动少于{MIN_CAMPAIGNS}次的单位（{len(few)}个）")
        _fill(self.few, [(u.name, u.activities) for u in few])
        forms = counts_by_form(self.engine, date(year, 1, 1), date(year, 12, 31))
        _fill(self.forms, [(f, n, p) for f, (n, p) in forms.items()])


class PublicityTab(QWidget):
    """Sub-tabs 宣传活动, 年度计划, 报送情况."""

    def __init__(
        self,
        engine: Engine,
        user: str | None = None,
        *,
        ask_photo: Callable[[QWidget], str | None] = ask_image,
        ask_open_xlsx: Callable[[QWidget, str], str | None] = ask_xlsx_to_open,
        decide_import: Decide = decide_with_dialog,
        **options: Any,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.user = user
        self.ask_photo = ask_photo
        self.ask_open_xlsx = ask_open_xlsx
        self.decide_import = decide_import
        self.ask = options.get("ask", ask_with_message_box)
        self.inform = options.get("inform", inform_with_message_box)
        self.activities = RegisterView(
            ActivityRegister(engine), ActivityService(engine, user), **options
        )
        self.photo_button = QPushButton("添加照片…")
        self.photo_button.clicked.connect(self.add_photo)
        self.photos_button = QPushButton("查看照片…")
        self.photos_button.clicked.connect(self.show_photos)
        self.photos_dialog: PhotosDialog | None = None
        for button in (self.photos_button, self.photo_button):  # after 删除, in this order
            self.activities.add_action(button)
        self.plan = RegisterView(PlanRegister(engine), PlanService(engine, user), **options)
        self.import_button = QPushButton("导入计划表…")
        self.import_button.setToolTip(
            "导入《反诈宣传计划表》（序号、月份、牵头单位、反诈宣传工作）"
        )
        self.import_button.clicked.connect(self.import_plan)
        self.plan.add_action(self.import_button)
        self.reporting = ReportingView(engine)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.activities, "宣传活动")
        self.tabs.addTab(self.plan, "年度计划")
        self.tabs.addTab(self.reporting, "报送情况")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.activities.recordsChanged.connect(self.reporting.refresh)
        self.activities.recordsChanged.connect(self.plan.refresh)
        self.import_job = None

    def show_target(self, subtab: str | None, filters: dict[str, Any]) -> None:
        """An overview link: who has not reported in a month (`filters`: year and month)."""
        self.tabs.setCurrentWidget(self.reporting)
        self.reporting.show_month(filters.get("year"), filters.get("month"))

    def show_photos(self) -> None:
        """The selected activity's photos, where one can be removed."""
        activity_id = self.activities.selected_id()
        if activity_id is None:
            self.inform(self, "查看照片", "请先选择一项宣传活动")
            return
        title = self.activities.service.describe(activity_id)
        dialog = PhotosDialog(self.engine, activity_id, title, self.user, self.ask, self)
        self.photos_dialog = dialog
        dialog.finished.connect(self.activities.refresh)
        dialog.open()

    def add_photo(self) -> None:
        """Attach a photo to the selected activity."""
        activity_id = self.activities.selected_id()
        if activity_id is None:
            self.inform(self, "添加照片", "请先选择一项宣传活动")
            return
        path = self.ask_photo(self)
        if not path:
            return
        try:
            add_photo(self.engine, activity_id, path, self.user)
        except (ValidationError, OSError) as exc:
            message = (
                "\n".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
            )
            self.inform(self, "无法添加照片", message)
            return
        self.activities.refresh()

    def import_plan(self) -> None:
        """Import a plan table for the year it is for (asked through the year filter or today)."""
        year = self.plan.filter_bar.query().filters.get("year") or date.today().year
        path = self.ask_open_xlsx(self, f"导入{year}年反诈宣传计划表")

        def done(count: int) -> None:
            self.plan.refresh()
            self.inform(self, "导入完成", f"已导入 {count} 条{year}年宣传计划")

        self.import_job = run_previewed_import(
            self, "导入宣传计划", "宣传计划", path,
            lambda p: preview_plan_import(self.engine, p, year),
            lambda p, mode: import_plan(self.engine, p, year, self.user, mode),
            self.plan_preview_columns(), self.inform, done, self.decide_import,
            row_number=lambda row: row["sort_order"],
        )  # fmt: skip

    def plan_preview_columns(self) -> tuple[PreviewColumn, ...]:
        """The preview's columns of a plan row (its lead unit by name)."""
        units = dict(member_unit_choices(self.engine))
        return (
            ("月份", lambda row: f"{row['month']}月"),
            ("牵头单位", lambda row: units.get(row["lead_unit_id"], "")),
            ("反诈宣传工作", lambda row: row["content"]),
        )
