"""The search box and drop-down filters above a register, and its row count."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from app.core.registers import RegisterFilter, RegisterQuery
from ui.flow_layout import FlowLayout

SEARCH_DELAY_MS = 250


class FilterBar(QWidget):
    """Emits `queryChanged(RegisterQuery)` when the search text (debounced) or a filter changes.

    The emitted query has no sort fields: the view keeps the sort and merges it in.
    """

    queryChanged = Signal(object)

    def __init__(
        self,
        filters: Sequence[RegisterFilter] = (),
        parent: QWidget | None = None,
        *,
        delay_ms: int = SEARCH_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.search.setToolTip("输入名称、地址等的一部分；多个词用空格分开，须同时包含")
        self.count_label = QLabel()
        self.combos: dict[str, QComboBox] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._emit_if_changed)
        self.search.textChanged.connect(self._timer.start)
        # Enter searches at once instead of waiting for the pause
        self.search.returnPressed.connect(self._emit_if_changed)

        # the filters wrap onto a second line when the window is narrow (入户走访 has seven)
        self._layout = FlowLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.search)
        self._combo_at = self._layout.count()
        self._layout.add_trailing_space()
        self._layout.addWidget(self.count_label)
        self._last = RegisterQuery()
        self._muted = False
        self._filters: tuple[RegisterFilter, ...] | None = None
        self.set_filters(filters)

    def set_filters(self, filters: Sequence[RegisterFilter]) -> None:
        """Show these filters (e.g. with fresh choices), keeping the values still offered."""
        filters = tuple(filters)
        if filters == self._filters:
            return  # same choices: keep the combos (and the user's place in them)
        self._filters = filters
        current = {key: combo.currentData() for key, combo in self.combos.items()}
        self._muted = True
        for combo in self.combos.values():
            self._layout.removeWidget(combo)
            combo.deleteLater()
        self.combos = {}
        for position, register_filter in enumerate(f for f in filters if f.choices is not None):
            combo = QComboBox()
            combo.setToolTip(register_filter.label)
            combo.addItem(f"全部{register_filter.label}", None)
            for value, label in register_filter.choices or ():
                combo.addItem(label, value)
            wanted = combo.findData(current.get(register_filter.key))
            combo.setCurrentIndex(max(wanted, 0))
            combo.currentIndexChanged.connect(self._emit_if_changed)
            # long choices (白鹤村 / 第一网格) show whole in the list, not in the closed box
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(min(max(len(register_filter.label) + 2, 6), 12))
            self._layout.insertWidget(self._combo_at + position, combo)
            self.combos[register_filter.key] = combo
        self._muted = False
        self._emit_if_changed()

    def query(self) -> RegisterQuery:
        """The search text and the filter values now chosen (None values are left out)."""
        filters: dict[str, Any] = {
            key: combo.currentData()
            for key, combo in self.combos.items()
            if combo.currentData() is not None
        }
        return RegisterQuery(text=self.search.text().strip(), filters=filters)

    def set_values(self, values: dict[str, Any], text: str = "") -> None:
        """Show exactly these filter values (others back to 全部) and search text, then query.

        A value the combo does not offer leaves it at 全部: a stale link never hides records.
        """
        self._muted = True
        self.search.setText(text)
        for key, combo in self.combos.items():
            combo.setCurrentIndex(max(combo.findData(values.get(key)), 0))
        self._muted = False
        self._emit_if_changed()

    def set_count(self, count: int) -> None:
        """Show how many rows the register has under the current query."""
        self.count_label.setText(f"共 {count:,} 条")

    def clear(self) -> None:
        """Empty the search box and set every filter back to 全部."""
        self._muted = True
        self.search.clear()
        for combo in self.combos.values():
            combo.setCurrentIndex(0)
        self._muted = False
        self._emit_if_changed()

    def _emit_if_changed(self) -> None:
        if self._muted:
            return
        self._timer.stop()
        query = self.query()
        if query != self._last:
            self._last = query
            self.queryChanged.emit(query)
