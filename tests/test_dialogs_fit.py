"""Every dialog and tab fits a 1366×768 township laptop, and stays usable at 1024×700.

The screen is the available area a window manager leaves (the screen less a 40-pixel taskbar);
ui.screen_fit reads it through `available_rect`, which these tests replace. Each dialog of
tests/dialog_catalogue.py and each register's record form is shown at both sizes: it must not
ask for more than the screen, and each of its buttons (outside the scrolling part) must lie
wholly inside the screen, not cut off by the dialog's edge.
"""

from __future__ import annotations

import pytest
from dialog_catalogue import (
    DIALOGS,
    EXTRA_DIALOGS,
    Context,
    build_demo_database,
    build_every_tab,
    dialog_classes_in_ui,
    register_forms,
    tab_pages,
)
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QLabel,
    QScrollArea,
    QWidget,
)

from app.storage.database import open_database
from ui import screen_fit
from ui.application import install_font
from ui.main_window import MainWindow
from ui.register.form_dialog import FormDialog

# the available area of each screen: the screen less a 40-pixel taskbar
SCREENS = {
    "1366x768": QRect(0, 0, 1366, 768 - 40),
    "1024x700": QRect(0, 0, 1024, 700 - 40),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory, qapp):
    install_font(qapp)  # the program's font, which the sizes depend on
    folder = tmp_path_factory.mktemp("fit")
    database = open_database(folder / "demo.sqlite")
    build_demo_database(database)
    window = MainWindow(database, user="clerk")
    build_every_tab(window)
    yield Context(database.engine, window, folder)
    window.hide()
    window.deleteLater()
    QApplication.processEvents()
    database.close()


@pytest.fixture(params=sorted(SCREENS))
def screen(request, monkeypatch) -> QRect:
    area = SCREENS[request.param]
    monkeypatch.setattr(screen_fit, "available_rect", lambda _widget=None: QRect(area))
    return area


def _in_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def problems_of(window: QWidget, area: QRect) -> list[str]:
    """What does not fit: the window's size, or a button cut off or off the screen."""
    limit = area.size() - screen_fit.FRAME_ALLOWANCE
    found = []
    least = window.minimumSizeHint().expandedTo(window.minimumSize())
    if least.width() > limit.width() or least.height() > limit.height():
        found.append(f"needs at least {least.width()}×{least.height()}, screen has {limit}")
    if window.width() > limit.width() or window.height() > limit.height():
        found.append(f"is {window.width()}×{window.height()}, screen has {limit}")
    for button in window.findChildren(QAbstractButton):
        if not button.isVisible() or _in_scroll_area(button, window):
            continue
        whole = button.visibleRegion().boundingRect() == button.rect()
        if not whole or not area.contains(_global_rect(button)):
            found.append(f"button {button.text()!r} at {_global_rect(button)} is cut off")
    for label in window.findChildren(QLabel):
        wrapped = label.isVisible() and label.wordWrap() and label.text()
        if wrapped and label.height() < label.heightForWidth(label.width()):
            found.append(f"label {label.text()[:20]!r} is too low for its lines")
    for scroll in window.findChildren(QScrollArea):
        body = scroll.widget()
        if scroll.isVisible() and body is not None and body.width() > scroll.viewport().width():
            found.append(f"a scrolling part is {body.width()} wide in {scroll.viewport().width()}")
    return found


def with_every_error(dialog: QWidget) -> None:
    """A record form at its tallest: a message under every field, as a refused save shows."""
    if isinstance(dialog, FormDialog):
        dialog.show_errors({"": "保存失败：请改正下面标红的各项。"} | {
            form_field.key: f"{form_field.label}不正确，请按说明填写（如：0571-88881234）"
            for form_field in dialog.fields
            # a field the form hides (the case's resident_id, shown by a picker) is not typed in
            if not dialog.editors[form_field.key].isHidden()
        })  # fmt: skip


def show_fitted(qtbot, window: QWidget, area: QRect) -> None:
    """Show a window and put it where a window manager would: inside the screen, below the
    title bar."""
    if not window.isVisible():
        window.show()
    qtbot.waitExposed(window)
    window.move(area.left() + 8, area.top() + 32)
    QApplication.processEvents()


def close(window: QWidget) -> None:
    """Close without questions (nothing was typed) and let it go."""
    if isinstance(window, QDialog):
        window.done(QDialog.DialogCode.Rejected)
    else:
        window.close()
    window.deleteLater()
    QApplication.processEvents()


def test_every_dialog_class_is_in_the_catalogue():
    """A new dialog of ui/ needs an entry in tests/dialog_catalogue.py, so this file tests it."""
    assert dialog_classes_in_ui() == set(DIALOGS)


@pytest.mark.parametrize("name", sorted({**DIALOGS, **EXTRA_DIALOGS}))
def test_dialog_fits_the_screen(qtbot, demo, screen, name):
    dialog = {**DIALOGS, **EXTRA_DIALOGS}[name](demo)
    expected_class = name.split("-")[0]
    assert type(dialog).__name__ == expected_class
    show_fitted(qtbot, dialog, screen)
    with_every_error(dialog)
    QApplication.processEvents()
    try:
        assert problems_of(dialog, screen) == []
    finally:
        close(dialog)


def test_every_register_form_fits_the_screen(qtbot, demo, screen):
    opened = []
    problems = {}
    for name, open_form in register_forms(demo.window):
        dialog = open_form()
        opened.append(name)
        show_fitted(qtbot, dialog, screen)
        with_every_error(dialog)
        QApplication.processEvents()
        if found := problems_of(dialog, screen):
            problems[name] = found
        close(dialog)
    assert "劝阻案例-新增劝阻案例" in opened and "成员单位-新增成员单位" in opened
    assert len(opened) >= 20  # every register of every tab, not only a few
    assert problems == {}


def test_every_tab_fits_the_screen(qtbot, demo, screen):
    window = demo.window
    limit = screen.size() - screen_fit.FRAME_ALLOWANCE
    window.resize(limit)  # as a maximised window, less its title bar
    show_fitted(qtbot, window, screen)
    problems = {}
    seen = []
    for name, path in tab_pages(window):
        for tabs, index in path:
            tabs.setCurrentIndex(index)
        QApplication.processEvents()
        seen.append(name)
        found = problems_of(window, screen)
        status = window.statusBar()
        if status.visibleRegion().boundingRect() != status.rect():
            found.append("the status bar is cut off")
        if found:
            problems[name] = found
    assert {"概览", "劝阻案例-统计", "督导考核"} <= set(seen)
    assert problems == {}
