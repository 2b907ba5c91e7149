"""概览: the township's key figures at a glance, charts of the year, and what is overdue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.navigation import Target
from ui.charts import BarChart, Series
from ui.jobs import BackgroundCall
from ui.screen_fit import scrolling

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.oversight.overdue import OverdueItem
    from app.oversight.overview import Overview

OVERDUE_COLOUR = "#c0392b"
GOOD_COLOUR = "#1e8449"
# whether a 双降 status meets the plan (单降 is neither)
DECLINE_MET = {"both": True, "zero": True, "none": False, "over_cap": False}


class _Card(QFrame):
    """A figure with its caption and a small note; a click opens its records."""

    clicked = Signal(object)

    def __init__(self, caption: str, target: Target) -> None:
        super().__init__()
        self.target = target
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("单击查看记录")
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.value = QLabel("—")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.note)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def mouseReleaseEvent(self, event) -> None:
        """A left click opens the card's records."""
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.target)


class OverviewTab(QWidget):
    """The figures of `app.oversight.overview`, computed on a worker thread whenever the tab is
    shown.

    The window is usable at once; on a county's 300,000 households the figures take a moment.
    A click on a card, or a double click (or Enter) on an overdue item, emits
    `navigate(Target)`, which the main window follows to the records.
    """

    navigate = Signal(object)

    CARDS = (
        ("households", "住户", Target("入户走访")),
        ("visited", "今年已走访（户）", Target("入户走访")),
        ("notice", "告知书已送达（户）", Target("承诺书与告知书")),
        ("commitment", "承诺书已签回（户）", Target("承诺书与告知书")),
        ("app", "已安装国家反诈中心APP（人）", Target("入户走访")),
        ("cases", "今年劝阻案例（起）", Target("劝阻案例", "统计")),
        ("saved", "今年劝阻止损（元）", Target("劝阻案例", "统计")),
        ("transfer", "今年预警后再转账率（目标＜2%）", Target("劝阻案例", "统计")),
        ("decline", "今年发案、案损同比", Target("督导考核", "双降")),
        ("month_cases", "本月劝阻案例（起）", Target("劝阻案例")),
        ("meetings", "本季度工作例会", Target("工作例会", "会议")),
        ("roles", "未报齐四员的单位", Target("成员单位", None, {"roles": "incomplete"})),
    )
    COLUMNS = 4

    def __init__(
        self, engine: Engine, user: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.cards = {key: _Card(caption, target) for key, caption, target in self.CARDS}
        grid = QGridLayout()
        grid.setSpacing(6)
        for i, card in enumerate(self.cards.values()):
            card.clicked.connect(self.navigate)
            grid.addWidget(card, i // self.COLUMNS, i % self.COLUMNS)

        self.overdue_title = QLabel("待办提醒")
        font = self.overdue_title.font()
        font.setBold(True)
        self.overdue_title.setFont(font)
        self.overdue = QListWidget()
        self.overdue.setWordWrap(True)
        self.overdue.setToolTip("双击（或回车）打开对应的记录")
        self.overdue.itemActivated.connect(self._open_item)
        overdue_box = QVBoxLayout()
        overdue_box.addWidget(self.overdue_title)
        overdue_box.addWidget(self.overdue, 1)

        self.coverage_chart = BarChart("今年覆盖情况（%）")
        self.saved_chart = BarChart("劝阻止损（万元）")
        self.cases_chart = BarChart("发案数（起）")
        self.loss_chart = BarChart("案损（万元）")
        charts = QGridLayout()
        charts.setSpacing(6)
        for i, chart in enumerate(
            (self.coverage_chart, self.saved_chart, self.cases_chart, self.loss_chart)
        ):
            chart.setMinimumHeight(180)
            charts.addWidget(chart, i // 2, i % 2)
        lower = QHBoxLayout()
        lower.addLayout(overdue_box, 2)
        lower.addLayout(charts, 5)

        body = QWidget()
        content = QVBoxLayout(body)
        content.addLayout(grid)
        content.addLayout(lower, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolling(body))  # on a low screen the charts scroll
        self.items: list[OverdueItem] = []
        # each refresh is numbered: an older answer arriving late never replaces a newer one
        self._generation = 0

    def showEvent(self, event) -> None:
        """Recompute on every visit: other tabs may have changed the data."""
        super().showEvent(event)
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
        """Start computing the figures; they are shown when ready."""
        engine = self.engine
        self._generation += 1
        generation = self._generation

        def compute() -> tuple[int, Overview]:
            from app.oversight.overview import overview  # the models load off the GUI thread

            return generation, overview(engine, today)

        def overdue() -> tuple[int, list[OverdueItem]]:
            from app.oversight.overdue import overdue_items

            return generation, overdue_items(engine, today)

        # bound methods, not lambdas: Qt drops their calls once this widget is deleted
        BackgroundCall(self, compute, self._figures_ready)
        BackgroundCall(self, overdue, self._overdue_ready)

    def _figures_ready(self, answer: tuple[int, Overview]) -> None:
        if answer[0] == self._generation:
            self.show_figures(answer[1])

    def _overdue_ready(self, answer: tuple[int, list[OverdueItem]]) -> None:
        if answer[0] == self._generation:
            self.show_overdue(answer[1])

    @staticmethod
    def _transfer(o: Overview) -> tuple[str, str]:
        d = o.dissuasion
        if d.transfer_rate is None:
            return "—", "今年还没有预警对象"
        verdict = "达标" if d.meets_target else "未达标"
        rate = f"{float(d.transfer_rate) * 100:.1f}%"
        return rate, f"预警 {d.warned_people} 人，仍转账 {d.transferred_people} 人，{verdict}"

    @staticmethod
    def _cases(o: Overview) -> tuple[str, str]:
        d = o.dissuasion
        if not d.cases:
            return "0", "今年还没有劝阻案例"
        return f"{d.cases:,}", f"成功劝阻 {d.success} 起，部分止损 {d.partial} 起"

    @staticmethod
    def _lost(o: Overview) -> str:
        lost = o.dissuasion.lost_fen
        return f"未能止损 {Decimal(lost) / 100:,.2f} 元" if lost else ""

    @staticmethod
    def _decline(o: Overview) -> tuple[str, str]:
        from app.oversight.dual_decline import STATUSES, percent

        if not o.decline_months:
            return "—", "今年还没有录入月度发案数"
        c = o.decline
        return (
            STATUSES[c.status],
            f"1—{o.decline_months}月发案{percent(c.case_change)}，案损{percent(c.loss_change)}",
        )

    def show_overdue(self, items: list[OverdueItem]) -> None:
        """List the overdue matters, or say that nothing is."""
        self.items = items
        self.overdue.clear()
        self.overdue_title.setText(f"待办提醒（{len(items)}项）" if items else "待办提醒")
        if not items:
            self.overdue.addItem("没有逾期事项。")
            return
        for item in items:
            entry = QListWidgetItem(f"{item.text}（双击查看）")
            entry.setForeground(QColor(OVERDUE_COLOUR))
            entry.setData(Qt.ItemDataRole.UserRole, item.target)
            self.overdue.addItem(entry)

    def _open_item(self, entry: QListWidgetItem) -> None:
        target: Target | None = entry.data(Qt.ItemDataRole.UserRole)
        if target is not None:
            self.navigate.emit(target)

    def show_figures(self, o: Overview) -> None:
        """Put computed figures on the cards and the charts."""
        share = o.share
        figures = {
            "households": (f"{o.households:,}", f"居民 {o.residents:,} 人，村居 {o.villages} 个"),
            "visited": (f"{o.visited_this_year:,}", share(o.visited_this_year, o.households)),
            "notice": (f"{o.notice_delivered:,}", share(o.notice_delivered, o.households)),
            "commitment": (f"{o.commitment_signed:,}", share(o.commitment_signed, o.households)),
            "app": (f"{o.app_installed:,}", share(o.app_installed, o.residents)),
            "cases": self._cases(o),
            "month_cases": (f"{o.cases_this_month:,}", ""),
            "saved": (f"{Decimal(o.saved_this_year_fen) / 100:,.2f}", self._lost(o)),
            "meetings": (
                str(o.meetings_this_quarter),
                "" if o.meetings_this_quarter else "本季度尚未召开",
            ),
            "roles": (str(o.units_missing_roles), f"共 {o.units} 个成员单位"),
            "transfer": self._transfer(o),
            "decline": self._decline(o),
        }
        for key, (value, note) in figures.items():
            self.cards[key].value.setText(value)
            self.cards[key].note.setText(note)
        # the two targets of the plans: green when met, red when missed
        d = o.dissuasion
        met = {
            "transfer": d.meets_target if d.transfer_rate is not None else None,
            "decline": DECLINE_MET.get(o.decline.status) if o.decline_months else None,
        }
        for key, good in met.items():
            colour = "" if good is None else GOOD_COLOUR if good else OVERDUE_COLOUR
            self.cards[key].value.setStyleSheet(f"color: {colour};" if colour else "")
        self._show_charts(o)

    def _show_charts(self, o: Overview) -> None:
        shares = o.coverage.shares()
        self.coverage_chart.set_data(
            ["入户走访", "告知书送达", "承诺书签回", "安装APP"],
            [Series("今年", [float(shares[key] or 0) for key in (
                "visited", "notice_delivered", "commitment_signed", "app_installed")])],
        )  # fmt: skip
        self.saved_chart.set_data(
            [f"{n}月" for n in range(1, len(o.saved_by_month_fen) + 1)],
            [Series("今年", [round(fen / 1_000_000, 2) for fen in o.saved_by_month_fen])],
        )
        months = [f"{m.month}月" for m in o.months]
        this_year, last_year = "今年", "去年同期"
        self.cases_chart.set_data(
            months,
            [Series(this_year, [m.cases for m in o.months]),
             Series(last_year, [m.cases_last for m in o.months])],
        )  # fmt: skip
        self.loss_chart.set_data(
            months,
            [Series(this_year, [round(m.loss_fen / 1_000_000, 2) for m in o.months]),
             Series(last_year, [round(m.loss_last_fen / 1_000_000, 2) for m in o.months])],
        )  # fmt: skip
