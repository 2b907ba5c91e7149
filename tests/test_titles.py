"""无诈创建: the checklist rule, duplicates, and the dialog driven with qtbot."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from qt_input import click
from sqlalchemy import select

from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.oversight.titles import CRITERIA, TitleRegister, blank_title, load_title, save_title
from db.engine import unit_of_work
from db.models import FraudFreeTitle, Unit
from ui.tabs.oversight.titles import TitlesView


@pytest.fixture
def village_id(engine):
    with unit_of_work(engine) as s:
        unit = Unit(name="白鹤村", kind="village")
        s.add(unit)
        s.flush()
        return unit.id


def test_a_title_is_awarded_only_when_every_criterion_is_met(engine, village_id):
    record = replace(blank_title("community", 2024), unit_id=village_id)
    title_id = save_title(engine, record, "clerk")
    stored = load_title(engine, title_id)
    assert [text for text, _ in stored.criteria] == list(CRITERIA["community"])
    half = tuple((text, i % 2 == 0) for i, (text, _) in enumerate(stored.criteria))
    save_title(engine, replace(stored, criteria=half))
    (row,) = TitleRegister(engine).fetch(RegisterQuery(), 0, 5)
    assert row.values[4] == "4/7"  # 达标项: criteria met of criteria listed
    with pytest.raises(ValidationError) as caught:
        save_title(
            engine, replace(stored, criteria=half, status="awarded", awarded_on=date(2024, 12, 1))
        )
    assert "还有标准未达到" in caught.value.errors["criteria"]
    assert CRITERIA["community"][1] in caught.value.errors["criteria"]
    all_met = tuple((text, True) for text, _ in stored.criteria)
    with pytest.raises(ValidationError) as caught:
        save_title(engine, replace(stored, criteria=all_met, status="awarded"))
    assert caught.value.errors == {"awarded_on": "已命名的请填写命名日期"}
    save_title(
        engine,
        replace(
            stored,
            criteria=all_met,
            status="awarded",
            awarded_on=date(2024, 12, 1),
            evidence="走访台账、会议纪要",
        ),
    )
    again = load_title(engine, title_id)
    assert (
        again.status == "awarded" and again.unmet == [] and again.evidence == "走访台账、会议纪要"
    )


def test_one_title_of_a_kind_per_unit_and_year(engine, village_id):
    record = replace(blank_title("community", 2024), unit_id=village_id)
    save_title(engine, record)
    with pytest.raises(ValidationError) as caught:
        save_title(engine, record)
    assert "已有这一类创建记录" in caught.value.errors["title_kind"]
    save_title(engine, replace(record, year=2025))
    with pytest.raises(ValidationError) as caught:
        save_title(engine, blank_title())
    assert "unit_id" in caught.value.errors


def test_the_dialog_switches_checklists_and_saves(qtbot, engine, village_id):
    view = TitlesView(engine, "clerk", ask=lambda *_: True)
    qtbot.addWidget(view)
    view.show()
    assert not view.edit_button.isEnabled() and not view.delete_button.isEnabled()
    click(qtbot, view.add_button)
    dialog = view.dialog
    assert [b.text() for b in dialog.boxes] == list(CRITERIA["community"])
    dialog.boxes[0].setChecked(True)
    dialog.kind.setCurrentIndex(dialog.kind.findData("campus"))
    assert [b.text() for b in dialog.boxes] == list(CRITERIA["campus"])
    assert dialog.boxes[0].isChecked()  # a criterion both kinds share stays ticked
    click(qtbot, dialog.save_button)
    assert dialog.error.isVisible() and "创建单位" in dialog.error.text()
    dialog.unit.setCurrentIndex(dialog.unit.findData(village_id))
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    assert view.list.model.count == 1
    with unit_of_work(engine) as s:
        assert s.scalar(select(FraudFreeTitle.title_kind)) == "campus"
    view.list.select_id(view.list.model.row(0).id)
    click(qtbot, view.delete_button)
    assert view.list.model.count == 0
