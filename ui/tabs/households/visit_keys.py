"""The visit form's keys: which key does what, the help text, and shortcuts that win over
the fields (a date or line edit takes Ctrl+→ and the like for itself).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

# Alt+digit picks a choice: explicit shortcuts, since mnemonics are off on some platforms
CHOICE_KEYS = "123456"
# Alt+letter goes to a field or group (explicit shortcuts too; the label shows the key)
FIELD_KEYS = {
    "visited_on": "D", "mode": "M", "outcome": "J", "grid_worker_id": "W",
    "police_officer_id": "P", "other_visitors": "Q", "topics": "X", "notice_delivered": "G",
    "commitment_result": "C", "app": "A", "risks_found": "F", "follow_up_needed": "U",
    "notes": "B",
}  # fmt: skip
SAME_TOPICS_KEY, PHOTO_KEY = "S", "Z"
# What 帮助 (F1) shows: the keys of a day's visits, in the order a worker meets them.
SHORTCUTS = (
    ("F2", "在住户列表中：登记选中住户的走访"),
    ("Ctrl+F", "在住户列表中：搜索住户"),
    ("Enter", "保存并转到列表中的下一户（按列表当前的顺序和筛选）"),
    ("Ctrl+Enter", "保存并关闭"),
    ("Ctrl+→", "跳过此户，不保存"),
    ("Esc", "关闭，回到住户列表"),
    ("Alt+1/2/3", "走访结果：已走访/不在家/拒绝"),
    ("Alt+4/5/6", "承诺书：已签/拒签/未提供"),
    ("Alt+D/M/J", "走访日期/走访方式/走访结果"),
    ("Alt+W/P/Q", "网格员/民警/其他走访人员"),
    ("Alt+X", "宣传内容（Alt+S：宣传内容同上一户）"),
    ("Alt+G", "告知书已送达（勾选或取消）"),
    ("Alt+C", "承诺书"),
    ("Alt+A", "安装国家反诈中心APP的居民"),
    ("Alt+F/U/B", "发现的风险/需要跟进/备注"),
    ("Alt+Z", "添加照片"),
    ("Tab、空格、方向键", "在各项之间移动、勾选、在一组中选择"),
    ("F1", "显示本说明"),
)


def shortcuts_text() -> str:
    """The keys of the household visits, one per line, as 帮助 shows them."""
    return "\n".join(f"{key}：{what}" for key, what in SHORTCUTS)


class FormShortcuts(QObject):
    """A window's own shortcuts, working from whichever of its fields holds the cursor.

    A field that uses a key itself (Ctrl+→ moves by word in a date or line edit) accepts the
    ShortcutOverride Qt sends it first, and the window's shortcut never runs. `watch` puts
    this object in front of every field, so the window's keys stay the window's.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.keys: set[tuple[int, int]] = set()

    def add(self, key: str, slot: Callable[[], Any]) -> QShortcut:
        """A shortcut of the window (e.g. "Ctrl+Right", "Alt+4")."""
        sequence = QKeySequence(key)
        shortcut = QShortcut(sequence, self.window, activated=slot)
        combined = sequence[0]
        self.keys.add((combined.key().value, combined.keyboardModifiers().value))
        return shortcut

    def watch(self) -> None:
        """Stand in front of every field of the window (call again after adding fields)."""
        for widget in self.window.findChildren(QWidget):
            widget.installEventFilter(self)  # installing twice keeps one filter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Refuse a field the keys of the window's shortcuts."""
        if event.type() == QEvent.Type.ShortcutOverride:
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if (event.key(), modifiers.value) in self.keys:
                event.ignore()  # not taken by the field: the shortcut map runs the window's
                return True
        return super().eventFilter(watched, event)
