"""Unexpected errors in the GUI: logged with the traceback, shown with copyable details."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)


def show_error_dialog(parent: QWidget | None, message: str, details: str = "") -> None:
    """A critical message box whose 显示详细信息 section can be selected and copied."""
    box = QMessageBox(
        QMessageBox.Icon.Critical, "出错了", message, QMessageBox.StandardButton.Ok, parent
    )
    if details:
        box.setDetailedText(details)
    box.exec()


def install_excepthook(parent_lookup=lambda: None) -> None:
    """Route uncaught exceptions to the log file and a dialog; the program keeps running.

    `parent_lookup` returns the window to put the dialog on (the main window, if any).
    """

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        show_error_dialog(
            parent_lookup(),
            "程序遇到一个意外错误，已记录到日志文件。您可以继续使用；"
            "如果问题反复出现，请把下面的详细信息复制给技术支持。",
            details,
        )

    sys.excepthook = hook
