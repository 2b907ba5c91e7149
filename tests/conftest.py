"""Generic fixtures: Qt without a screen, and a migrated SQLite database in tmp_path."""

from __future__ import annotations

import os

# Before anything imports Qt: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from db.engine import make_engine, sqlite_url
from db.schema import prepare_database

# Qt's offscreen platform warns each time a top-level window with a layout gets its size hints,
# which every real dialog does. It says nothing about the program, so it must not fail a test
# under `qt_log_level_fail = "WARNING"`; every other Qt warning still does.
OFFSCREEN_NOISE = r"^This plugin does not support propagateSizeHints\(\)$"


def pytest_configure(config: pytest.Config) -> None:
    """Ignore the offscreen platform's size-hint warning (see OFFSCREEN_NOISE)."""
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        config.addinivalue_line("qt_log_ignore", OFFSCREEN_NOISE)


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory):
    """QSettings written by a test go to a folder of its own, never to the user's settings."""
    from PySide6.QtCore import QSettings

    folder = str(tmp_path_factory.mktemp("settings"))
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(kind, scope, folder)
    return folder


@pytest.fixture
def database_url(tmp_path):
    """The URL of a new database file brought to the program's schema."""
    url = sqlite_url(tmp_path / "wuzha-test.sqlite")
    prepare_database(url)
    return url


@pytest.fixture
def engine(database_url):
    """An engine on a migrated database file in tmp_path (WAL, foreign keys, busy timeout)."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def settings_in_tmp(tmp_path_factory):
    """QSettings (the main window's size, column widths) go to a temporary folder: a test never
    writes the user's real settings."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_modal_discard_question(monkeypatch):
    """A form asking 放弃修改？ with a real message box would wait forever offscreen: fail the
    test instead. Tests answer the question through the dialog's injected `ask_discard`."""
    from ui.register import form_dialog

    def refuse(_parent, title: str, _text: str) -> bool:
        pytest.fail(f"unexpected modal question {title!r}: inject ask_discard")

    monkeypatch.setattr(form_dialog, "ask_discard_with_message_box", refuse)
