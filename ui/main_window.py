"""The main window: tabs, the 文件/帮助 menus and the status bar; and switching databases."""

from __future__ import annotations

import getpass
import importlib
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import APP_TITLE, __version__
from app.storage.database import Database
from ui import screen_fit, window_state
from ui.jobs import BackgroundCall
from ui.register.form_dialog import GuardedDialog

log = logging.getLogger(__name__)

TabFactory = Callable[[Database, str | None], QWidget]


def _tab(module: str, class_name: str) -> TabFactory:
    """A tab built from `module.class_name(engine, user)`, imported when first shown."""

    def factory(db: Database, user: str | None) -> QWidget:
        tab_class = getattr(importlib.import_module(module), class_name)
        return tab_class(db.engine, user)

    return factory


# Title and factory of every tab, in order. Tabs are built when first shown: start-up stays fast.
# Each tab is one module of ui/tabs/ with a class taking (engine, user).
TABS: tuple[tuple[str, TabFactory], ...] = (
    ("概览", _tab("ui.tabs.oversight.overview_tab", "OverviewTab")),
    ("成员单位", _tab("ui.tabs.org.units_tab", "UnitsTab")),
    ("组织架构", _tab("ui.tabs.org.org_tab", "OrgTab")),
    ("入户走访", _tab("ui.tabs.households.households_tab", "HouseholdsTab")),
    ("承诺书与告知书", _tab("ui.tabs.letters.letters_tab", "LettersTab")),
    ("劝阻案例", _tab("ui.tabs.cases.cases_tab", "CasesTab")),
    ("奖励与表彰", _tab("ui.tabs.cases.awards_tab", "AwardsTab")),
    ("工作例会", _tab("ui.tabs.meetings.meetings_tab", "MeetingsTab")),
    ("宣传活动", _tab("ui.tabs.publicity.publicity_tab", "PublicityTab")),
    ("督导考核", _tab("ui.tabs.oversight.inspections_tab", "InspectionsTab")),
)


class MainWindow(QMainWindow):
    """One database's window. Asks its controller to open another database via signals."""

    openRequested = Signal(Path)
    newRequested = Signal(Path)

    def __init__(self, database: Database, user: str | None = None) -> None:
        super().__init__()
        self.database = database
        self.user = user
        self.setWindowTitle(f"{APP_TITLE} — {database.display_name}")
        self.resize(window_state.PREFERRED_SIZE.boundedTo(screen_fit.window_limit(self)))
        self.tabs = QTabWidget()
        self._built: dict[int, QWidget] = {}
        for title, _factory in TABS:
            self.tabs.addTab(QWidget(), title)
        self.tabs.currentChanged.connect(self._ensure_tab)
        self.setCentralWidget(self.tabs)
        self._show_field_mode()
        self._build_menus()
        self.db_label = QLabel()
        self.counts_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)
        self.refresh_status()
        self._ensure_tab(0)

    def tab_widget(self, title: str) -> QWidget:
        """The tab of that title, built if it was not yet."""
        index = [t for t, _ in TABS].index(title)
        self._ensure_tab(index)
        return self._built[index]

    def show_target(self, target) -> None:
        """Go to a tab (and, if the tab knows how, a sub-tab with filters): an overview link."""
        titles = [t for t, _ in TABS]
        if target.tab not in titles:
            return
        widget = self.tab_widget(target.tab)
        self.tabs.setCurrentWidget(widget)
        if hasattr(widget, "show_target"):
            widget.show_target(target.subtab, dict(target.filters))

    def _ensure_tab(self, index: int) -> None:
        if index < 0 or index in self._built:
            return
        title, factory = TABS[index]
        widget = factory(self.database, self.user)
        if hasattr(widget, "recordsChanged"):
            widget.recordsChanged.connect(self.refresh_status)
        if hasattr(widget, "navigate"):
            widget.navigate.connect(self.show_target)
        self._built[index] = widget
        window_state.restore_column_widths(window_state.settings(), title, widget)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)

    def show_on_screen(self) -> None:
        """Show the window as it was left (place, size, maximised); the first time maximised
        on a laptop-sized screen, else at its preferred size in the middle of the screen."""
        geometry = window_state.saved_geometry(window_state.settings())
        if geometry is not None and self.restoreGeometry(geometry):
            self.show()
            return
        area, limit = screen_fit.available_rect(self), screen_fit.window_limit(self)
        preferred = window_state.PREFERRED_SIZE
        if limit.width() < preferred.width() or limit.height() < preferred.height():
            self.showMaximized()
            return
        frame = self.frameGeometry()
        frame.moveCenter(area.center())
        self.move(frame.topLeft())
        self.show()

    def save_state(self) -> None:
        """Remember the window's place and size and every built tab's column widths."""
        store = window_state.settings()
        store.setValue(window_state.GEOMETRY_KEY, self.saveGeometry())
        for index, widget in self._built.items():
            window_state.save_column_widths(store, TABS[index][0], widget)
        store.sync()

    def closeEvent(self, event) -> None:
        """Close the open forms first (each asks 放弃修改？ if it has changes), then remember
        the window; a form the clerk keeps editing keeps the window open."""
        for dialog in self.findChildren(GuardedDialog):
            if dialog.isVisible():
                dialog.reject()
                if dialog.isVisible():
                    event.ignore()
                    return
        self.save_state()
        super().closeEvent(event)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self._action(file_menu, "新建数据库(&N)…", self._new_database, QKeySequence.StandardKey.New)
        self._action(
            file_menu, "打开数据库(&O)…", self._open_database, QKeySequence.StandardKey.Open
        )
        self._action(file_menu, "备份数据库(&B)…", self._backup)
        self._field_menu(file_menu.addMenu("外勤包(&W)"))
        file_menu.addSeparator()
        self._action(file_menu, "设置(&S)…", self._settings)
        file_menu.addSeparator()
        self._action(file_menu, "退出(&X)", self.close, QKeySequence.StandardKey.Quit)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self._action(help_menu, "快捷键(&K)", self._shortcuts)
        self._action(help_menu, "关于(&A)", self._about)

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def refresh_status(self) -> None:
        """Show the database path; the unit, household and resident counts follow when ready."""
        self.db_label.setText(f"数据库：{self.database.display_name}")
        engine = self.database.engine

        def count() -> dict[str, int]:
            from app.oversight.overview import counts  # the models load off the GUI thread

            return counts(engine)

        BackgroundCall(self, count, self._show_counts)

    def _show_counts(self, c: dict[str, int]) -> None:
        self.counts_label.setText(
            f"成员单位 {c['units']:,} 个　住户 {c['households']:,} 户　居民 {c['residents']:,} 人"
        )

    # -- field packages (ui/field_dialogs.py) --------------------------------------------------
    def _show_field_mode(self) -> None:
        """On a laptop's database: say so above the tabs, and which grids it holds."""
        from app.field.laptop import field_info

        self.field_info = field_info(self.database.engine)
        self.field_notice = None
        if self.field_info is None:
            return
        self.setWindowTitle(f"{self.windowTitle()}（外勤模式）")
        self.field_notice = QLabel(self.field_info.notice)
        self.field_notice.setWordWrap(True)
        self.field_notice.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px;")
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field_notice)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(holder)

    def _field_menu(self, menu) -> None:
        if self.field_info is None:
            self._action(menu, "导出外勤包(&E)…", lambda: self._field_dialog("ExportDialog"))
            self._action(menu, "导入返回包(&I)…", lambda: self._field_dialog("CheckinDialog"))
            self._action(menu, "打开外勤包(&O)…", self._open_field_package)
        else:
            self._action(menu, "生成返回包(&R)…", self._return_package)

    def _field_dialog(self, name: str) -> None:
        from ui import field_dialogs

        dialog = getattr(field_dialogs, name)(self.database.engine, self.user, self)
        if dialog.exec():
            self.refresh_status()

    def _open_field_package(self) -> None:
        from ui.field_dialogs import OpenPackageDialog

        dialog = OpenPackageDialog(self)
        if dialog.exec() and dialog.opened is not None:
            self.openRequested.emit(dialog.opened)

    def _return_package(self) -> None:
        from ui.field_dialogs import ReturnDialog

        ReturnDialog(self.database.engine, self).exec()

    # -- menu actions ----------------------------------------------------------------------------
    def _new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "新建数据库", str(Path.home() / "无诈台账.sqlite"), "数据库 (*.sqlite)"
        )
        if path:
            self.newRequested.emit(Path(path))

    def _open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "打开数据库", str(Path.home()), "数据库 (*.sqlite *.db);;所有文件 (*)"
        )
        if path:
            self.openRequested.emit(Path(path))

    def _backup(self) -> None:
        from app.storage.backup import backup_database, default_backup_name

        if self.database.path is None:
            QMessageBox.information(self, "备份", "服务器数据库请使用数据库服务器的备份工具。")
            return
        suggested = self.database.path.parent / default_backup_name(self.database.path)
        path, _ = QFileDialog.getSaveFileName(
            self, "备份数据库", str(suggested), "数据库 (*.sqlite)"
        )
        if not path:
            return
        try:
            target = backup_database(self.database.path, Path(path))
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "备份失败", f"备份没有完成：{exc}")
            return
        QMessageBox.information(self, "备份完成", f"数据库已备份到：\n{target}")

    def _settings(self) -> None:
        from ui.settings_dialog import open_settings

        open_settings(self, self.database.engine, self.user)

    def _shortcuts(self) -> None:
        from ui.tabs.households.visit_keys import shortcuts_text

        QMessageBox.information(self, "快捷键", shortcuts_text())

    def _about(self) -> None:
        from app.documents import default_fonts

        roles = {"title": "标题", "body": "正文", "heading": "黑体标题", "heading2": "楷体标题",
                 "song": "页码"}  # fmt: skip
        used = "；".join(
            f"{roles[role]}：{'、'.join(faces)}"
            for role, faces in default_fonts().describe().items()
        )
        QMessageBox.about(
            self,
            f"关于{APP_TITLE}",
            f"<h3>{APP_TITLE} {__version__}</h3>"
            "<p>乡镇反电信网络诈骗工作台账：成员单位、入户走访、告知书与承诺书、"
            "劝阻案例与奖励、工作例会、宣传活动、督导考核。</p>"
            "<p>数据全部保存在本机数据库文件中，无需联网。</p>"
            "<p>字体：Noto Serif CJK SC（SIL Open Font License 1.1）。</p>"
            f"<p>打印使用的字体（依次取用，缺字时逐字改用后面的字体）：{used}</p>",
        )


class WindowController:
    """Owns the open database and its window; opening another database replaces both."""

    def __init__(self, database: Database, user: str | None = None) -> None:
        self.user = user or getpass.getuser()
        self.database = database
        self.window = self._make_window(database)

    def _make_window(self, database: Database) -> MainWindow:
        window = MainWindow(database, self.user)
        window.openRequested.connect(self.switch_to)
        window.newRequested.connect(self.create_and_switch)
        if database.path is not None:
            self._start_auto_backup(window, database.path)
        return window

    @staticmethod
    def _start_auto_backup(window: MainWindow, path: Path) -> None:
        """The daily copy to `backups/` beside the file, made off the GUI thread."""
        from app.storage.backup import auto_backup

        def shown(target: Path | None) -> None:
            if target is not None:
                window.statusBar().showMessage(f"已自动备份到 {target}", 8000)

        BackgroundCall(window, lambda: auto_backup(path, path.parent / "backups"), shown)

    def create_and_switch(self, path: Path) -> None:
        """Create a new, empty database at `path` (never over an existing file) and open it."""
        if path.exists() and path.stat().st_size > 0:
            QMessageBox.warning(self.window, "新建数据库", f"文件已存在，不会覆盖：\n{path}")
            return
        self.switch_to(path)

    def switch_to(self, path: Path) -> None:
        """Open `path` in a new window; if it fails, the current database stays open."""
        from app.storage.database import open_database
        from db.errors import DatabaseOpenError

        if self.database.path is not None and path.resolve() == self.database.path.resolve():
            return
        try:
            database = open_database(path, background_checkpoints=True)
        except DatabaseOpenError as exc:
            QMessageBox.warning(self.window, "无法打开数据库", str(exc))
            return
        old_window, old_database = self.window, self.database
        self.database = database
        self.window = self._make_window(database)
        self.window.show_on_screen()
        old_window.close()
        old_window.deleteLater()
        old_database.close()
        log.info("switched database")

    def close(self) -> None:
        """Release the database when the program ends."""
        self.database.close()
