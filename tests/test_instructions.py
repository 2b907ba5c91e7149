"""指令签收: instructions, the receipts they give each unit, overdue signing and pushing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.oversight.instructions import (
    InstructionRegister,
    InstructionService,
    ReceiptRegister,
    ReceiptService,
    instruction_summary,
    overdue_receipts,
)
from app.oversight.overdue import overdue_items
from db.engine import unit_of_work
from db.models import InstructionReceipt, Unit

CAME = datetime(2025, 3, 5, 9, 0)


@pytest.fixture
def town(engine):
    with unit_of_work(engine) as s:
        s.add_all([Unit(name="白鹤村", kind="village", sort_order=1),
                   Unit(name="东山村", kind="village", sort_order=2),
                   Unit(name="清溪派出所", kind="police", sort_order=3),
                   Unit(name="老供销社", kind="enterprise", is_member=False)])  # fmt: skip
        s.flush()
        return dict(s.execute(select(Unit.name, Unit.id)).all())


def _instruction(engine, **changes) -> int:
    values = {"received_at": CAME, "issuer": "县反诈中心", "title": "关于防范冒充客服诈骗的预警",
              "recipients": "villages"}  # fmt: skip
    values.update(changes)
    return InstructionService(engine, "clerk").create(values)


def _receipts(engine, instruction) -> dict[str, int]:
    register = ReceiptRegister(engine)
    unit = register.column_index("unit")
    rows = register.fetch(RegisterQuery(filters={"instruction": instruction}), 0, 50)
    return {r.values[unit]: r.id for r in rows}


def test_an_instruction_gives_each_unit_in_its_range_a_receipt(engine, town):
    instruction = _instruction(engine)
    assert set(_receipts(engine, instruction)) == {"白鹤村", "东山村"}
    service = InstructionService(engine, "clerk")
    values = service.load(instruction)
    assert values["sign_due_at"] == CAME + timedelta(hours=2)
    assert values["push_due_at"] == CAME + timedelta(hours=24)
    service.update(instruction, {**values, "recipients": "all"})
    assert set(_receipts(engine, instruction)) == {"白鹤村", "东山村", "清溪派出所"}
    # narrowing retires the unsigned receipts, and is refused once one outside has signed
    receipt = _receipts(engine, instruction)["清溪派出所"]
    ReceiptService(engine, "clerk").update(
        receipt, {"signed_at": CAME + timedelta(minutes=20), "signed_by": "王所长"}
    )
    with pytest.raises(ValidationError) as caught:
        service.update(instruction, {**values, "recipients": "villages"})
    assert caught.value.errors == {"recipients": "已有1个范围外的单位签收，不能缩小下发范围"}
    service.update(instruction, {**values, "recipients": "units"})
    assert set(_receipts(engine, instruction)) == {"清溪派出所"}
    row = InstructionRegister(engine).fetch(RegisterQuery(), 0, 5)[0]
    assert row.values[-3:] == (1, 0, 1)  # signed, pushed, units
    service.delete(instruction)
    with unit_of_work(engine) as s:
        assert (
            s.scalars(
                select(InstructionReceipt).where(InstructionReceipt.deleted_at.is_(None))
            ).all()
            == []
        )


def test_deadlines_and_receipt_times_in_order(engine, town):
    service = InstructionService(engine, "clerk")
    base = {"received_at": CAME, "issuer": "县反诈中心", "title": "预警", "recipients": "all"}
    for changes, errors in (
        ({"received_at": datetime.now() + timedelta(days=1)},
         {"received_at": "收到时间不能晚于现在"}),
        ({"sign_due_at": CAME}, {"sign_due_at": "签收时限应晚于收到时间"}),
        ({"sign_due_at": CAME + timedelta(hours=3), "push_due_at": CAME + timedelta(hours=1)},
         {"push_due_at": "推送时限不能早于签收时限"}),
    ):  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            service.create({**base, **changes})
        assert caught.value.errors == errors
    receipt = _receipts(engine, _instruction(engine))["白鹤村"]
    receipts = ReceiptService(engine, "clerk")
    for values, errors in (
        ({"signed_at": CAME - timedelta(minutes=1), "signed_by": "张"},
         {"signed_at": "签收时间不能早于指令收到时间（2025-03-05 09:00）"}),
        ({"pushed_at": CAME}, {"pushed_at": "请先填写签收时间：签收后才能推送"}),
        ({"signed_at": CAME + timedelta(hours=1), "signed_by": "张",
          "pushed_at": CAME + timedelta(minutes=30)}, {"pushed_at": "推送时间不能早于签收时间"}),
        ({"signed_at": CAME + timedelta(hours=1)}, {"signed_by": "请填写签收人"}),
    ):  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            receipts.update(receipt, values)
        assert caught.value.errors == errors
    with pytest.raises(NotImplementedError):
        receipts.create({})
    with pytest.raises(ValidationError):
        receipts.delete(receipt)


def test_late_signing_and_pushing_are_overdue_in_the_overview(engine, town):
    instruction = _instruction(engine)
    receipts = _receipts(engine, instruction)
    ReceiptService(engine, "clerk").update(
        receipts["白鹤村"], {"signed_at": CAME + timedelta(minutes=30), "signed_by": "李书记"}
    )
    with unit_of_work(engine) as s:
        assert overdue_receipts(s, CAME + timedelta(hours=1)) == (0, 0)
        assert overdue_receipts(s, CAME + timedelta(hours=3)) == (1, 0)
        assert overdue_receipts(s, CAME + timedelta(hours=25)) == (1, 1)
    items = {i.key: i for i in overdue_items(engine, date(2025, 3, 7))}
    assert items["instruction_signing"].text == "1个单位（村居）逾期未签收指令"
    assert items["instruction_pushing"].text == "1个单位（村居）已签收指令但逾期未推送"
    target = items["instruction_signing"].target
    assert (target.tab, target.subtab, target.filters) == (
        "督导考核", "指令签收", {"state": "sign_overdue"}
    )  # fmt: skip
    register = ReceiptRegister(engine, now=datetime(2025, 3, 7))
    late = register.fetch(RegisterQuery(filters=target.filters), 0, 10)
    assert [r.values[register.column_index("unit")] for r in late] == ["东山村"]
    ReceiptService(engine, "clerk").update(
        receipts["白鹤村"], {"signed_at": CAME + timedelta(minutes=30), "signed_by": "李书记",
                            "pushed_at": CAME + timedelta(hours=30)}
    )  # fmt: skip
    state = register.fetch(RegisterQuery(filters={"state": "late"}), 0, 10)
    assert [r.values[register.column_index("unit")] for r in state] == ["白鹤村"]
    assert instruction_summary(engine, datetime(2025, 3, 1), datetime(2025, 4, 1)) == (1, 2, 0)


def test_a_clerk_signs_for_a_unit_in_the_tab(qtbot, engine, town):
    from ui.tabs.oversight.inspections_tab import InspectionsTab

    instruction = _instruction(engine)
    _instruction(engine, title="第二条指令", recipients="units")
    messages = []
    tab = InspectionsTab(engine, "clerk", inform=lambda _p, t, m: messages.append((t, m)),
                         ask=lambda *_: True)  # fmt: skip
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    tab.show_target("指令签收", {"state": "sign_overdue"})
    view = tab.instructions
    assert tab.tabs.currentWidget() is view
    assert view.receipts.model.count == 3  # every overdue receipt, of both instructions
    assert not view.receipts.add_button.isVisible()
    view.instructions.select_id(instruction)
    assert view.receipts.filter_bar.query().filters == {
        "instruction": instruction, "state": "sign_overdue"
    }  # fmt: skip
    assert view.receipts.model.count == 2
    view.receipts.select_id(view.receipts.model.row(0).id)
    view.receipts.edit_selected()
    dialog = view.receipts.dialog
    dialog.set_values({"signed_at": CAME + timedelta(minutes=10), "signed_by": "李书记"})
    dialog.save()
    assert messages == []
    assert view.receipts.model.count == 1  # no longer overdue
    signed = view.instructions.register.column_index("signed")
    row = view.instructions.model.row_of_id(instruction)
    assert view.instructions.model.row(row).values[signed] == 1


def test_the_monthly_notice_counts_instructions_signed_and_pushed_in_time(engine, town, tmp_path):
    from pypdf import PdfReader

    from app.oversight.monthly_notice import print_monthly_notice

    receipts = _receipts(engine, _instruction(engine))
    ReceiptService(engine, "clerk").update(
        receipts["白鹤村"], {"signed_at": CAME + timedelta(minutes=30), "signed_by": "李书记",
                            "pushed_at": CAME + timedelta(hours=3)}
    )  # fmt: skip
    path = tmp_path / "通报.pdf"
    print_monthly_notice(engine, 2025, 3, path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "")
    assert "本月收到上级指令1条，下发各单位（村居）2次，按时签收并推送1次，占50.0%。" in text
