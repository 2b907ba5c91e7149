"""三级宣传群: the register of WeChat publicity groups and the three tiers as a tree."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.validation import ValidationError
from app.org.people import contacts
from app.org.publicity_groups import (
    STALE_DAYS,
    TIERS,
    GroupNode,
    GroupRegister,
    GroupService,
    group_tree,
    record_push,
)
from ui.register.register_view import inform_with_message_box
from ui.tabs.org.registers import OrgRegisterView

if TYPE_CHECKING:
    from sqlalchemy import Engine

STALE_COLOR = "#c0392b"
TREE_HEADERS = ("群名称", "层级", "所属村居/单位", "推送员", "监督员", "人数", "最近推送")


def _stale(day: date | None) -> bool:
    return day is None or day < date.today() - timedelta(days=STALE_DAYS)


class GroupTree(QTreeWidget):
    """The groups as the plan draws them: 一级 at the top, 二级 under it, 三级 under those."""

    groupActivated = Signal(int)

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        self.setColumnCount(len(TREE_HEADERS))
        self.setHeaderLabels(TREE_HEADERS)
        self.setAlternatingRowColors(True)
        self.setColumnWidth(0, 300)
        for column, width in ((1, 50), (2, 130), (3, 80), (4, 80), (5, 50)):
            self.setColumnWidth(column, width)
        self.itemDoubleClicked.connect(self._activated)
        self.roots: list[GroupNode] = []
        self.refresh()

    def refresh(self) -> None:
        """Read the groups again and show them all expanded."""
        self.clear()
        self.roots = group_tree(self.engine)
        for node in self.roots:
            self.addTopLevelItem(self._item(node))
        self.expandAll()

    def _item(self, node: GroupNode) -> QTreeWidgetItem:
        item = QTreeWidgetItem(
            [
                node.name,
                TIERS.get(node.tier, str(node.tier)),
                node.owner,
                node.pusher or "（未定）",
                node.supervisor or "（未定）",
                str(node.member_count),
                node.last_push_on.isoformat() if node.last_push_on else "从未推送",
            ]
        )
        item.setData(0, Qt.ItemDataRole.UserRole, node.id)
        item.setTextAlignment(5, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if _stale(node.last_push_on):
            item.setForeground(6, QColor(STALE_COLOR))
            item.setToolTip(6, f"超过{STALE_DAYS}天未推送")
        for column in (3, 4):
            if item.text(column) == "（未定）":
                item.setForeground(column, QColor(STALE_COLOR))
        for child in node.children:
            item.addChild(self._item(child))
        return item

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.groupActivated.emit(item.data(0, Qt.ItemDataRole.UserRole))


class PublicityGroupsPanel(QWidget):
    """The 群列表 (add, edit, record a push) and the 三级架构 tree."""

    recordsChanged = Signal()

    def __init__(self, engine: Engine, user: str | None = None, **options: Any) -> None:
        super().__init__()
        self.engine, self.user = engine, user
        self.inform = options.get("inform", inform_with_message_box)
        self.groups = OrgRegisterView(
            GroupRegister(engine), GroupService(engine, user),
            contacts_of=lambda: contacts(engine), **options,
        )  # fmt: skip
        self.push_button = QPushButton("记录今天已推送")
        self.push_button.setToolTip("选中的群今天已转发反诈信息：把“最近推送”记为今天")
        self.push_button.clicked.connect(self.record_push)
        self.groups.add_action(self.push_button)
        self.tree = GroupTree(engine)
        self.tree_label = QLabel()
        tree_page = QWidget()
        tree_layout = QVBoxLayout(tree_page)
        top = QHBoxLayout()
        top.addWidget(self.tree_label, 1)
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh_tree)
        top.addWidget(refresh)
        tree_layout.addLayout(top)
        tree_layout.addWidget(self.tree, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(tree_page, "三级架构")
        self.tabs.addTab(self.groups, "群列表")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.groups.recordsChanged.connect(self._changed)
        self.groups.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.groups.model.modelReset.connect(self._update_buttons)
        self.tree.groupActivated.connect(self.edit_group)
        self.refresh_tree()
        self._update_buttons()

    def refresh_tree(self) -> None:
        """Read the tree and its counts again."""
        self.tree.refresh()
        counts = {tier: 0 for tier in TIERS}

        def walk(nodes: list[GroupNode]) -> None:
            for node in nodes:
                counts[node.tier] = counts.get(node.tier, 0) + 1
                walk(node.children)

        walk(self.tree.roots)
        text = "，".join(f"{label}群 {counts.get(tier, 0)} 个" for tier, label in TIERS.items())
        self.tree_label.setText(
            f"{text}。红色为{STALE_DAYS}天内未推送或未定推送员、监督员；双击编辑。"
        )

    def _changed(self) -> None:
        self.refresh_tree()
        self.recordsChanged.emit()

    def _update_buttons(self) -> None:
        self.push_button.setEnabled(self.groups.selected_id() is not None)

    def edit_group(self, group_id: int) -> None:
        """Show a group in the list and open its form."""
        self.tabs.setCurrentWidget(self.groups)
        self.groups.filter_bar.clear()
        if self.groups.select_id(group_id):
            self.groups.edit_selected()

    def record_push(self) -> None:
        """The selected group was pushed to today."""
        group_id = self.groups.selected_id()
        if group_id is None:
            return
        try:
            record_push(self.engine, group_id, user=self.user)
        except ValidationError as exc:
            self.inform(self, "记录推送", "\n".join(exc.errors.values()))
            return
        self.groups.refresh()
        self._changed()
