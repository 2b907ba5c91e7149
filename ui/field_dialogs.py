"""The field package dialogs: export and check-in at the office, open and return on a laptop.

Each dialog asks for files and the passphrase and runs the work of app/field off the GUI thread.
A refused package (another township, edited, truncated, wrong passphrase) is a plain message in
the dialog, not an error box: it is expected trouble, and nothing was applied.
The check-in dialog first checks the package (a dry run), shows every conflict side by side
with a choice per conflict (the office's value by default), and only then imports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.progress import Job, Progress
from app.field.container import FieldPackageError
from ui.jobs import run_job
from ui.register.form_dialog import ERROR_STYLE, confirm_buttons

PACKAGE_FILTER = "外勤包 (*.wzf);;所有文件 (*)"
Inform = Callable[[QWidget, str, str], None]


def _inform(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


class _Refused:
    """A package refused with a message for the user."""

    def __init__(self, message: str) -> None:
        self.message = message


def _as_job(message: str, work: Callable[[], Any]) -> Callable[[], Job[Any]]:
    def job() -> Job[Any]:
        yield Progress(0, 1, message)
        try:
            return work()
        except FieldPackageError as exc:
            return _Refused(str(exc))

    return job


class _PackageDialog(QDialog):
    """A form of file and passphrase rows, an error line and the 取消/action buttons."""

    def __init__(self, title: str, action: str, parent: QWidget | None, inform: Inform) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.inform = inform
        self.running = None
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons, self.ok = confirm_buttons(action, self.run, self.reject)

    def finish_layout(self) -> None:
        """Error line and buttons at the bottom."""
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)

    def file_row(self, label: str, save: bool, caption: str, filter_: str) -> QLineEdit:
        """A path field with a 选择… button."""
        edit = QLineEdit()
        button = QPushButton("选择…")

        def choose() -> None:
            ask = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
            path, _ = ask(self, caption, edit.text() or str(Path.home()), filter_)
            if path:
                edit.setText(path)

        button.clicked.connect(choose)
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(button)
        self.form.addRow(label, row)
        return edit

    def passphrase_rows(self, confirm: bool) -> tuple[QLineEdit, QLineEdit | None]:
        """The passphrase (and, when a package is written, the same again)."""
        first = QLineEdit()
        first.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow("口令", first)
        second = None
        if confirm:
            second = QLineEdit()
            second.setEchoMode(QLineEdit.EchoMode.Password)
            self.form.addRow("再输入一次口令", second)
        return first, second

    def show_error(self, message: str) -> None:
        """Say what is wrong; the dialog stays open."""
        self.error.setText(message)
        self.error.show()

    def checked_passphrase(self, first: QLineEdit, second: QLineEdit | None) -> str | None:
        """The passphrase, or None after saying what is wrong with it."""
        if second is not None and first.text() != second.text():
            self.show_error("两次输入的口令不一致")
            return None
        return first.text()

    def start(self, title: str, work: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """Run `work` off the GUI thread; a refusal is shown in the dialog."""
        self.error.hide()
        self.ok.setEnabled(False)

        def done(result: Any) -> None:
            self.ok.setEnabled(True)
            if isinstance(result, _Refused):
                self.show_error(result.message)
            else:
                on_done(result)

        self.running = run_job(self, title, _as_job(f"{title}…", work), done)
        self.running.failed.connect(lambda _message: self.ok.setEnabled(True))

    def run(self) -> None:  # pragma: no cover - each dialog has its own
        raise NotImplementedError


class ExportDialog(_PackageDialog):
    """At the office: choose grids and write their field package."""

    def __init__(self, engine, user: str | None, parent=None, inform: Inform = _inform) -> None:
        super().__init__("导出外勤包", "导出", parent, inform)
        from app.field.checkout import grid_choices

        self.engine, self.user = engine, user
        self.written = None
        self.grids = QListWidget()
        for label, count in grid_choices(engine):
            item = QListWidgetItem(f"{label}（{count}户）")
            item.setData(Qt.ItemDataRole.UserRole, label)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.grids.addItem(item)
        self.form.addRow("网格", self.grids)
        self.out = self.file_row("外勤包文件", True, "导出外勤包", PACKAGE_FILTER)
        self.passphrase, self.again = self.passphrase_rows(confirm=True)
        note = QLabel(
            "外勤包含住户的个人信息，用口令加密；口令请当面告知网格员，不要与文件一起传送。"
        )
        note.setWordWrap(True)
        self.form.addRow(note)
        self.finish_layout()

    def chosen(self) -> list[str]:
        """The checked grids."""
        items = (self.grids.item(i) for i in range(self.grids.count()))
        return [
            i.data(Qt.ItemDataRole.UserRole)
            for i in items
            if i.checkState() == Qt.CheckState.Checked
        ]

    def run(self) -> None:
        """Write the package."""
        from app.field.checkout import export_package

        grids, out = self.chosen(), self.out.text().strip()
        passphrase = self.checked_passphrase(self.passphrase, self.again)
        if passphrase is None:
            return
        if not grids or not out:
            self.show_error("请选择网格和外勤包文件")
            return
        engine, user = self.engine, self.user

        def done(result) -> None:
            self.written = result
            text = (
                f"外勤包已写入：{result.path}\n网格：{'、'.join(result.grids)}\n"
                f"住户{result.counts['household']}户、走访记录{result.counts['visit']}条"
            )
            self.inform(self, "导出外勤包", text)
            self.accept()

        self.start("导出外勤包", lambda: export_package(engine, grids, Path(out), passphrase, user),
                   done)  # fmt: skip


class CheckinDialog(_PackageDialog):
    """At the office: check a return package, decide each conflict, then import."""

    COLUMNS = ("编号", "记录", "冲突", "项目", "出库时", "办公室", "外勤", "采用")

    def __init__(self, engine, user: str | None, parent=None, inform: Inform = _inform) -> None:
        super().__init__("导入返回包", "导入", parent, inform)
        self.engine, self.user = engine, user
        self.setMinimumWidth(900)
        self.package = self.file_row("返回包文件", False, "导入返回包", PACKAGE_FILTER)
        self.passphrase, _ = self.passphrase_rows(confirm=False)
        self.check_button = QPushButton("检查")
        self.check_button.clicked.connect(self.check)
        self.form.addRow("", self.check_button)
        self.summary = QLabel("选择返回包并输入口令后，先点“检查”：列出将新增、更新的记录和冲突。")
        self.summary.setWordWrap(True)
        self.layout_.addWidget(self.summary)
        self.conflicts = QTableWidget(0, len(self.COLUMNS))
        self.conflicts.setHorizontalHeaderLabels(self.COLUMNS)
        self.conflicts.verticalHeader().hide()
        header = self.conflicts.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.conflicts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.conflicts.setWordWrap(True)
        self.conflicts.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.layout_.addWidget(self.conflicts, 1)
        self.choices: dict[int, QComboBox] = {}
        self.checked = None
        self.imported = None
        self.ok.setEnabled(False)
        self.package.textChanged.connect(self._forget)
        self.passphrase.textChanged.connect(self._forget)
        self.finish_layout()

    def _forget(self) -> None:
        self.checked = None
        self.ok.setEnabled(False)

    def _work(self, dry_run: bool, take_field=()):
        from app.field.checkin import import_package

        engine, user = self.engine, self.user
        path, passphrase = Path(self.package.text().strip()), self.passphrase.text()
        return lambda: import_package(engine, path, passphrase, dry_run, take_field, user)

    def check(self) -> None:
        """The dry run: what the import would do, and the conflicts to decide."""
        if not self.package.text().strip():
            self.show_error("请选择返回包文件")
            return
        self.start("检查返回包", self._work(dry_run=True), self._show_check)
        self.ok.setEnabled(False)

    def _show_check(self, result) -> None:
        self.checked = result
        self.summary.setText(
            "导入后将：" + "；".join(result.lines()) + (
                "。冲突处默认保留办公室的值，可逐条改为采用外勤的值。" if result.conflicts else "。"
            )
        )  # fmt: skip
        self.conflicts.setRowCount(0)
        self.choices = {}
        for conflict in result.conflicts:
            for index, diff in enumerate(conflict.diffs):
                row = self.conflicts.rowCount()
                self.conflicts.insertRow(row)
                cells = (
                    str(conflict.number), conflict.title, conflict.kind_text, diff.label,
                    diff.checkout, diff.office, diff.field,
                ) if index == 0 else ("", "", "", diff.label, diff.checkout, diff.office,
                                      diff.field)  # fmt: skip
                for column, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setToolTip(text)
                    self.conflicts.setItem(row, column, item)
                if index == 0:
                    choice = QComboBox()
                    choice.addItem("保留办公室的值", "office")
                    choice.addItem("采用外勤的值", "field")
                    self.conflicts.setCellWidget(row, len(self.COLUMNS) - 1, choice)
                    self.choices[conflict.number] = choice
        self.conflicts.resizeRowsToContents()  # a long address or title wraps, not elides
        self.ok.setEnabled(True)

    def taken_from_field(self) -> list[int]:
        """The conflicts for which the clerk chose the field's values."""
        return [n for n, combo in self.choices.items() if combo.currentData() == "field"]

    def run(self) -> None:
        """Import, with the choices made."""
        if self.checked is None:
            self.show_error("请先点“检查”")
            return

        def done(result) -> None:
            self.imported = result
            self.inform(self, "导入返回包", "\n".join(result.lines()))
            self.accept()

        self.start("导入返回包", self._work(False, self.taken_from_field()), done)


class OpenPackageDialog(_PackageDialog):
    """On a laptop: make a new database file from a check-out package, then open it."""

    def __init__(self, parent=None, inform: Inform = _inform) -> None:
        super().__init__("打开外勤包", "打开", parent, inform)
        self.package = self.file_row("外勤包文件", False, "打开外勤包", PACKAGE_FILTER)
        self.passphrase, _ = self.passphrase_rows(confirm=False)
        self.database = self.file_row("外勤数据库（新文件）", True, "外勤数据库",
                                      "数据库 (*.sqlite)")  # fmt: skip
        self.opened: Path | None = None
        self.finish_layout()

    def run(self) -> None:
        """Open the package into the new file."""
        from app.field.laptop import open_package

        package, database = self.package.text().strip(), self.database.text().strip()
        if not package or not database:
            self.show_error("请选择外勤包和外勤数据库文件")
            return
        passphrase = self.passphrase.text()

        def done(_info) -> None:
            self.opened = Path(database)
            self.accept()

        self.start("打开外勤包", lambda: open_package(Path(package), Path(database), passphrase),
                   done)  # fmt: skip


class ReturnDialog(_PackageDialog):
    """On a laptop: pack the database as the return package."""

    def __init__(self, engine, parent=None, inform: Inform = _inform) -> None:
        super().__init__("生成返回包", "生成", parent, inform)
        self.engine = engine
        self.out = self.file_row("返回包文件", True, "生成返回包", PACKAGE_FILTER)
        self.passphrase, self.again = self.passphrase_rows(confirm=True)
        self.finish_layout()

    def run(self) -> None:
        """Write the return package."""
        from app.field.laptop import pack_return

        out = self.out.text().strip()
        passphrase = self.checked_passphrase(self.passphrase, self.again)
        if passphrase is None:
            return
        if not out:
            self.show_error("请选择返回包文件")
            return
        engine = self.engine

        def done(_size) -> None:
            self.inform(self, "生成返回包", f"返回包已写入：{out}\n请交回办公室导入。")
            self.accept()

        self.start("生成返回包", lambda: pack_return(engine, Path(out), passphrase), done)
