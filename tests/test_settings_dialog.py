"""设置: the township profile is edited through the shared form dialog and stored."""

from __future__ import annotations

from qt_input import click, type_text

from app.core.settings import load_profile
from ui.settings_dialog import settings_dialog


def test_profile_is_saved_and_a_bad_phone_is_explained(qtbot, engine):
    dialog = settings_dialog(None, engine, "clerk")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.editors["township_name"], "清溪镇")
    type_text(qtbot, dialog.editors["issuing_office"], "清溪镇反电信网络诈骗分中心")
    type_text(qtbot, dialog.editors["office_phone"], "12345")
    click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert "联系电话" in dialog.error_labels["office_phone"].text()
    assert load_profile(engine)["township_name"] is None  # nothing half-written

    dialog.editors["office_phone"].clear()
    type_text(qtbot, dialog.editors["office_phone"], "0571 6888 1234")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    profile = load_profile(engine)
    assert profile["township_name"] == "清溪镇"
    assert profile["issuing_office"] == "清溪镇反电信网络诈骗分中心"
    assert profile["office_phone"] == "0571-68881234"

    again = settings_dialog(None, engine, "clerk")  # reopening shows what was stored
    qtbot.addWidget(again)
    assert again.values()["township_name"] == "清溪镇"
