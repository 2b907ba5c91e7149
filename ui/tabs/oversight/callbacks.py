"""电话回访抽查: draw a sample of a grid's visited households, record the calls, see the rates."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.validation import ValidationError
from app.oversight.callback_results import (
    CallbackRegister,
    CallbackService,
    ConfirmationRate,
    confirmation_rates,
    grid_choices,
)
from app.oversight.callbacks import MAX_SAMPLE, draw_sample, draw_samples
from ui.jobs import BackgroundCall
from ui.register.register_view import RegisterView, inform_with_message_box

if TYPE_CHECKING:
    from sqlalchemy import Engine

RATE_HEADERS = ("姓名", "回访户数", "确认走访", "未确认", "无法联系", "待回访", "确认率")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class CallbacksView(QWidget):
    """The draw controls on top, the calls register and the confirmation rates below."""

    def __init__(self, engine: Engine, user: str | None = None, **options: Any) -> None:
        super().__init__()
        self.engine = engine
        self.user = user
        self.inform = options.get("inform", inform_with_message_box)
        self.grid = QComboBox()
        self.size = QSpinBox()
        self.size.setRange(1, MAX_SAMPLE)
        self.size.setValue(5)
        self.visited_from = QDateEdit(_qdate(date.today() - timedelta(days=90)))
        self.visited_to = QDateEdit(_qdate(date.today()))
        for edit in (self.visited_from, self.visited_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.seed = QLineEdit()
        self.seed.setPlaceholderText("留空则随机")
        self.seed.setToolTip("填写以前抽样的随机种子，可以重现同样的抽样结果")
        self.seed.setMaximumWidth(110)
        self.draw_button = QPushButton("抽取")
        self.draw_button.clicked.connect(self.draw)
        self.note = QLabel()
        controls = QHBoxLayout()
        for text, widget in (
            ("网格", self.grid), ("户数", self.size), ("走访日期", self.visited_from),
            ("至", self.visited_to), ("随机种子", self.seed),
        ):  # fmt: skip
            controls.addWidget(QLabel(text))
            controls.addWidget(widget)
        controls.addWidget(self.draw_button)
        controls.addStretch(1)

        self.calls = RegisterView(
            CallbackRegister(engine), CallbackService(engine, user), **options
        )
        self.calls.add_button.hide()  # calls come from a draw, never typed in
        self.calls.recordsChanged.connect(self.refresh_rates)
        self.by = QComboBox()
        self.by.addItem("按网格员", "grid_worker")
        self.by.addItem("按网格", "grid")
        self.by.currentIndexChanged.connect(self.refresh_rates)
        self.rates = QTableWidget(0, len(RATE_HEADERS))
        self.rates.setHorizontalHeaderLabels(RATE_HEADERS)
        self.rates.verticalHeader().hide()
        self.rates.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rates.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rates_box = QWidget()
        rates_layout = QVBoxLayout(rates_box)
        rates_layout.setContentsMargins(0, 0, 0, 0)
        title = QHBoxLayout()
        title.addWidget(QLabel("回访确认率（确认 ÷（确认＋未确认），无法联系不计入）"))
        title.addStretch(1)
        title.addWidget(self.by)
        rates_layout.addLayout(title)
        rates_layout.addWidget(self.rates)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.calls)
        splitter.addWidget(rates_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        self.reload_grids()
        self.refresh_rates()

    def reload_grids(self) -> None:
        """Offer every live grid, every village's grids together, and all grids."""
        self.grid.clear()
        grids = grid_choices(self.engine)
        if not grids:
            return
        villages: dict[str, list[int]] = {}
        for grid_id, village, name in grids:
            self.grid.addItem(f"{village}{name}", [grid_id])
            villages.setdefault(village, []).append(grid_id)
        self.grid.insertSeparator(self.grid.count())
        for village, ids in villages.items():
            self.grid.addItem(f"{village}（全部{len(ids)}个网格）", ids)
        self.grid.addItem(f"全镇所有网格（{len(grids)}个）", [g for g, _, _ in grids])

    def draw(self) -> None:
        """Draw the chosen number in each chosen grid, then show the calls."""
        grid_ids = self.grid.currentData()
        if not grid_ids:
            self.inform(self, "电话回访抽查", "请先在“组织架构”中建立网格")
            return
        seed_text = self.seed.text().strip()
        if seed_text and not seed_text.isdigit():
            self.inform(self, "电话回访抽查", "随机种子应为数字")
            return
        period = _pydate(self.visited_from.date()), _pydate(self.visited_to.date())
        seed = int(seed_text) if seed_text else None
        try:
            if len(grid_ids) == 1:
                one = draw_sample(self.engine, grid_ids[0], self.size.value(), *period,
                                  seed=seed, user=self.user)  # fmt: skip
            else:
                seed, draws = draw_samples(self.engine, grid_ids, self.size.value(), *period,
                                           seed=seed, user=self.user)  # fmt: skip
        except ValidationError as exc:
            self.inform(self, "无法抽取", "\n".join(exc.errors.values()))
            return
        if len(grid_ids) == 1:
            self.note.setText(f"{one.note}（随机种子 {one.seed}，可用于复现本次抽样）")
        else:
            drawn = sum(len(d.household_ids) for d in draws)
            skipped = len(grid_ids) - len(draws)
            self.note.setText(
                f"已在{len(draws)}个网格共抽取{drawn}户"
                + (f"，{skipped}个网格没有可回访的住户" if skipped else "")
                + f"（随机种子 {seed}，填入同样的种子可复现本次抽样）"
            )
        self.calls.refresh()
        self.refresh_rates()

    def refresh_rates(self) -> None:
        """Recompute the confirmation rates off the GUI thread."""
        engine, by = self.engine, self.by.currentData()
        BackgroundCall(self, lambda: confirmation_rates(engine, by=by), self.show_rates)

    def show_rates(self, rates: list[ConfirmationRate]) -> None:
        """Fill the rates table."""
        self.rates.setRowCount(len(rates))
        for row, r in enumerate(rates):
            rate = "—" if r.rate is None else f"{r.rate * 100:.1f}%"
            cells = (r.name, r.calls, r.confirmed, r.not_confirmed, r.unreachable, r.pending, rate)
            for column, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.rates.setItem(row, column, item)
