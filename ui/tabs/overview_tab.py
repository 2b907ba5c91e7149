"""概览: the township's key figures at a glance."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.jobs import BackgroundCall

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.overdue import OverdueItem, Target
    from app.overview import Overview


class _Card(QFrame):
    """A figure with its caption and a small note."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("—")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.note = QLabel("")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(caption))
        layout.addWidget(self.value)
        layout.addWidget(self.note)


class OverviewTab(QWidget):
    """The figures of `app.overview`, computed on a worker thread whenever the tab is shown.

    The window is usable at once; on a county's 300,000 households the figures take a moment.
    Below the figures, what is overdue: a click on an item emits `navigate(Target)`, which
    the main window follows to the records.
    """

    navigate = Signal(object)

    CARDS = (
        ("households", "住户"),
        ("visited", "今年已走访"),
        ("notice", "告知书已送达"),
        ("commitment", "承诺书已签回"),
        ("app", "已安装国家反诈中心APP（人）"),
        ("cases", "本月劝阻案例"),
        ("saved", "今年劝阻止损（元）"),
        ("meetings", "本季度工作例会"),
        ("roles", "未报齐四员的单位"),
        ("transfer", "今年预警后再转账率（目标＜2%）"),
        ("decline", "今年发案、案损同比"),
    )

    def __init__(
        self, engine: Engine, user: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.cards = {key: _Card(caption) for key, caption in self.CARDS}
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, i // 3, i % 3)
        layout.addLayout(grid)
        self.overdue_title = QLabel("待办提醒")
        font = self.overdue_title.font()
        font.setBold(True)
        self.overdue_title.setFont(font)
        self.overdue = QListWidget()
        self.overdue.setToolTip("双击（或回车）打开对应的记录")
        self.overdue.itemActivated.connect(self._open_item)
        layout.addWidget(self.overdue_title)
        layout.addWidget(self.overdue, 1)
        self.items: list[OverdueItem] = []

    def showEvent(self, event) -> None:
        """Recompute on every visit: other tabs may have changed the data."""
        super().showEvent(event)
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
        """Start computing the figures; they are shown when ready."""
        engine = self.engine

        def compute() -> Overview:
            from app.overview import overview  # the models load off the GUI thread

            return overview(engine, today)

        def overdue() -> list[OverdueItem]:
            from app.overdue import overdue_items

            return overdue_items(engine, today)

        BackgroundCall(self, compute, self.show_figures)
        BackgroundCall(self, overdue, self.show_overdue)

    @staticmethod
    def _transfer(o: Overview) -> tuple[str, str]:
        d = o.dissuasion
        if d.transfer_rate is None:
            return "—", "今年还没有预警对象"
        verdict = "达标" if d.meets_target else "未达标"
        rate = f"{float(d.transfer_rate) * 100:.1f}%"
        return rate, f"预警 {d.warned_people} 人，仍转账 {d.transferred_people} 人，{verdict}"

    @staticmethod
    def _decline(o: Overview) -> tuple[str, str]:
        from app.dual_decline import STATUSES, percent

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
        if not items:
            self.overdue.addItem("没有逾期事项。")
            return
        for item in items:
            entry = QListWidgetItem(f"{item.text}（双击查看）")
            entry.setForeground(QColor("#c0392b"))
            entry.setData(Qt.ItemDataRole.UserRole, item.target)
            self.overdue.addItem(entry)

    def _open_item(self, entry: QListWidgetItem) -> None:
        target: Target | None = entry.data(Qt.ItemDataRole.UserRole)
        if target is not None:
            self.navigate.emit(target)

    def show_figures(self, o: Overview) -> None:
        """Put computed figures on the cards."""
        share = o.share
        figures = {
            "households": (f"{o.households:,}", f"居民 {o.residents:,} 人，村居 {o.villages} 个"),
            "visited": (f"{o.visited_this_year:,}", share(o.visited_this_year, o.households)),
            "notice": (f"{o.notice_delivered:,}", share(o.notice_delivered, o.households)),
            "commitment": (f"{o.commitment_signed:,}", share(o.commitment_signed, o.households)),
            "app": (f"{o.app_installed:,}", share(o.app_installed, o.residents)),
            "cases": (f"{o.cases_this_month:,}", ""),
            "saved": (f"{o.saved_this_year_fen / 100:,.2f}", ""),
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
