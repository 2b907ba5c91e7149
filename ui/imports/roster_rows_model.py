"""The per-row table of a roster import (preview and result): status, what was changed, why.

Rows come from the plan as plain tuples with the ID number masked; refused rows are tinted so
the clerk sees them among 50,000, and a status filter shows only them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.core.privacy import mask_id_number
from app.exchange.roster.plan import STATUS_LABELS, RosterPlan
from app.exchange.roster.report import REPORT_HEADERS

Index = QModelIndex | QPersistentModelIndex
TINTS = {"rejected": QColor("#fde2e1"), "skipped": QColor("#f1f1f1"), "updated": QColor("#e6f0fb")}


class RosterRowsModel(QAbstractTableModel):
    """Every row of a plan (or those of one status), in file order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[Any, ...]] = []
        self.statuses: list[str] = []
        self.plan: RosterPlan | None = None
        self.status_filter: str | None = None

    def set_plan(self, plan: RosterPlan | None, status: str | None = None) -> None:
        """Show `plan`'s rows, all of them or those with `status`."""
        self.beginResetModel()
        self.plan, self.status_filter = plan, status
        chosen = sorted(plan.rows, key=lambda r: r.row_number) if plan else []
        if status:
            chosen = [r for r in chosen if r.status == status]
        self.rows = [
            (
                r.row_number,
                STATUS_LABELS[r.status],
                r.name or "",
                mask_id_number(r.id_number),
                r.head_row or r.row_number,
                "；".join(r.notes),
                r.reason,
            )
            for r in chosen
        ]
        self.statuses = [r.status for r in chosen]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Rows shown."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """The report's columns."""
        return 0 if parent.isValid() else len(REPORT_HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, a tint per status, numbers right-aligned."""
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self.rows[index.row()][index.column()])
        if role == Qt.ItemDataRole.BackgroundRole:
            tint = TINTS.get(self.statuses[index.row()])
            return QBrush(tint) if tint else None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() >= 5:
            return self.rows[index.row()][index.column()] or None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The report's headers."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return REPORT_HEADERS[section]
        return None
