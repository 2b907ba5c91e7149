"""The main window opens offscreen with its tabs, menus, status bar and the bundled font."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QRawFont
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.core.paths import font_path
from app.org.units import UnitService
from app.storage.database import open_database
from ui import errors
from ui.application import install_font, install_translations
from ui.main_window import TABS, MainWindow

RARE_NAME_CHARACTERS = "王喆堃昇犇淼䶮"


@pytest.fixture
def database(tmp_path):
    database = open_database(tmp_path / "window.sqlite")
    UnitService(database.engine).create({"name": "清溪镇平安办", "kind": "institution"})
    yield database
    database.close()


@pytest.fixture
def window(qtbot, database):
    window = MainWindow(database, user="clerk")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_window_has_every_tab_in_chinese(window):
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == [
        "概览",
        "成员单位",
        "组织架构",
        "入户走访",
        "承诺书与告知书",
        "劝阻案例",
        "奖励与表彰",
        "工作例会",
        "宣传活动",
        "督导考核",
    ]
    assert titles == [t for t, _ in TABS]
    for i in range(window.tabs.count()):  # every tab can be built and shown
        window.tabs.setCurrentIndex(i)
        assert window.tabs.currentWidget().isVisible()


def test_menus_and_status_bar(qtbot, window, database):
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "帮助(&H)"]
    file_actions = [a.text() for a in window.menuBar().actions()[0].menu().actions() if a.text()]
    assert file_actions == [
        "新建数据库(&N)…",
        "打开数据库(&O)…",
        "备份数据库(&B)…",
        "外勤包(&W)",
        "设置(&S)…",
        "退出(&X)",
    ]
    assert str(database.path) in window.db_label.text()
    qtbot.waitUntil(lambda: "成员单位 1 个" in window.counts_label.text())


def test_bundled_font_has_the_glyphs_and_draws_them(qapp):
    family = install_font(qapp)
    assert family == QApplication.font().family()
    raw = QRawFont(str(font_path()), 32)
    assert raw.isValid()
    assert not raw.supportsCharacter(0xE000)  # the check can fail: a private-use point is absent
    for ch in RARE_NAME_CHARACTERS + "〔〕反诈台账０１":
        assert raw.supportsCharacter(ord(ch)), ch
    font = QFont(family, 32)
    metrics = QFontMetrics(font)
    assert all(metrics.inFontUcs4(ord(ch)) for ch in RARE_NAME_CHARACTERS)

    def ink(text: str) -> int:
        image = QImage(96, 96, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setFont(font)
        painter.setPen(QColor("black"))
        painter.drawText(8, 72, text)
        painter.end()
        return sum(
            1 for x in range(96) for y in range(96) if image.pixelColor(x, y).lightness() < 128
        )

    assert ink("喆") > 100
    assert ink("䶮") > 100
    assert ink("喆") != ink("䶮")  # two real glyphs, not the same box twice


def test_qt_dialogs_speak_chinese(qapp):
    translators = install_translations(qapp)
    assert translators, "Qt's zh_CN translations were not found"
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Yes
    )
    assert [b.text() for b in box.buttons()] == ["取消", "是(&Y)"]


def test_unexpected_error_is_logged_and_shown_and_the_program_goes_on(window, monkeypatch, caplog):
    shown = []
    monkeypatch.setattr(
        errors, "show_error_dialog", lambda parent, msg, details="": shown.append((parent, details))
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    errors.install_excepthook(lambda: window)
    try:
        raise RuntimeError("测试用的意外错误")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert shown == [(window, shown[0][1])]
    assert "测试用的意外错误" in shown[0][1] and "Traceback" in shown[0][1]
    assert "unexpected error" in caplog.text
    assert window.isVisible()


def test_status_bar_follows_writes_in_a_tab(qtbot, window):
    units = window.tab_widget("成员单位")
    units.service.create({"name": "清溪镇司法所", "kind": "institution"})
    units.recordsChanged.emit()
    qtbot.waitUntil(lambda: "成员单位 2 个" in window.counts_label.text())


def test_overview_shows_the_figures(qtbot, window):
    overview = window.tab_widget("概览")
    qtbot.waitUntil(lambda: overview.cards["roles"].value.text() == "1")
    assert overview.cards["roles"].note.text() == "共 1 个成员单位"
    assert overview.cards["households"].value.text() == "0"
