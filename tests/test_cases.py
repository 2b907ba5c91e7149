"""Dissuasion cases: the form's rules, the person from the register or typed in, the
dissuaders, attachments, and the register's search, filters and masking."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.cases.attachments import (
    add_attachment,
    attachment_content,
    attachments,
    remove_attachment,
)
from app.cases.awards import AwardService, propose_for_case
from app.cases.dissuasion import CaseRegister, CaseService
from app.cases.fraud_types import FraudTypeService
from app.cases.people import (
    add_dissuader,
    dissuaders,
    find_residents,
    remove_dissuader,
    resident_values,
)
from app.core.progress import run_to_end
from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.sheets.register_export import export_register_xlsx
from db.engine import unit_of_work
from db.models import Attachment, DissuasionCase, FraudType, Household, Person, Resident, Unit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def town(engine):
    with unit_of_work(engine) as s:
        bh = Unit(name="白鹤村", kind="village")
        qs = Unit(name="青山村", kind="village")
        wang, li = Person(name="王网格"), Person(name="李民警")
        s.add_all([bh, qs, wang, li])
        s.flush()
        home = Household(village_id=qs.id, address="3组12号", head_name="欧阳娜娜")
        s.add(home)
        s.flush()
        resident = Resident(
            household_id=home.id, name="欧阳娜娜", gender="女", birth_date=date(1962, 3, 1),
            id_number="330122196203011226", phone="13812345678",
        )  # fmt: skip
        s.add(resident)
        s.flush()
        types = {t.name: t.id for t in s.scalars(select(FraudType))}
        return {"bh": bh.id, "qs": qs.id, "wang": wang.id, "li": li.id, "types": types,
                "resident": resident.id}  # fmt: skip


def _case(engine, town, **extra) -> int:
    values = {
        "occurred_at": datetime(2024, 5, 3, 10), "alert_source": "fund_side",
        "person_name": "张三", "person_phone": "13900001111", "village_id": town["bh"],
        "fraud_type_id": town["types"]["刷单返利"], "amount_at_risk_fen": "10000",
        "amount_saved_fen": "10000", "amount_lost_fen": "0", "outcome": "success",
        "narrative": "资金端预警后，民警上门劝阻。",
    }  # fmt: skip
    values.update(extra)
    return CaseService(engine, "clerk").create(values)


def _count(engine) -> int:
    with unit_of_work(engine) as s:
        return s.scalar(select(func.count()).select_from(DissuasionCase))


@pytest.mark.parametrize(
    ("extra", "errors"),
    [
        ({"amount_saved_fen": "20000"}, {"amount_saved_fen": "止损金额不能大于涉案金额"}),
        ({"amount_lost_fen": "-1"}, {"amount_lost_fen": "损失金额（元）不能为负数"}),
        ({"amount_at_risk_fen": "-10000"}, {"amount_at_risk_fen": "涉案金额（元）不能为负数"}),
        ({"amount_saved_fen": "5000.005"},
         {"amount_saved_fen": "止损金额（元）应为金额（元），最多两位小数，如1234.50"}),
        ({"amount_saved_fen": "6000", "amount_lost_fen": "5000", "outcome": "partial"},
         {"amount_lost_fen": "止损金额与损失金额之和不能大于涉案金额"}),
        ({"amount_saved_fen": "5000", "amount_lost_fen": "100"},
         {"outcome": "有损失的不能算“成功劝阻”，请选“部分止损”"}),
        ({"amount_saved_fen": "0"}, {"amount_saved_fen": "成功劝阻的案例请填写止损金额"}),
        ({"occurred_at": datetime.now() + timedelta(hours=2)},
         {"occurred_at": "案例时间不能晚于现在"}),
        ({"alert_source": "visit", "outcome": "transferred_after_warning", "was_warned": False,
          "amount_saved_fen": "0", "amount_lost_fen": "10000"},
         {"was_warned": "“预警后仍转账”须为已预警的案例"}),
        ({"person_name": ""}, {"person_name": "当事人不能为空"}),
        ({"person_phone": "12345"},
         {"person_phone": "联系电话应为11位手机号，或带区号的固定电话（如0571-88881234）"}),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_its_reason_and_nothing_is_saved(engine, town, extra, errors):
    with pytest.raises(ValidationError) as caught:
        _case(engine, town, **extra)
    assert caught.value.errors == errors
    assert _count(engine) == 0


def test_amounts_are_exact_and_a_fund_side_alert_is_a_warning(engine, town):
    case_id = _case(engine, town, amount_at_risk_fen="1,234.56", amount_saved_fen="1234.56",
                    alert_source="fund_side", was_warned=False)  # fmt: skip
    with unit_of_work(engine) as s:
        row = s.get(DissuasionCase, case_id)
        assert (row.amount_at_risk_fen, row.amount_saved_fen, row.was_warned) == (
            123456,
            123456,
            True,
        )
    register_row = CaseRegister(engine).fetch(RegisterQuery(), 0, 1)[0]
    saved = register_row.values[CaseRegister(engine).column_index("saved")]
    assert str(saved) == "1234.56" and not isinstance(saved, float)


def test_the_person_from_the_register_or_typed_in(engine, town):
    found = find_residents(engine, "欧阳")
    assert [m.id for m in found] == [town["resident"]]
    assert found[0].masked_id_number == "330122********1226"
    assert found[0].masked_phone == "138****5678" and "青山村3组12号" in found[0].label
    assert [m.id for m in find_residents(engine, "3301221962")] == [town["resident"]]
    assert [m.id for m in find_residents(engine, "13812345678")] == [town["resident"]]
    assert find_residents(engine, "王") == [] and find_residents(engine, " ") == []
    values = resident_values(engine, town["resident"], on=date(2024, 5, 3))
    assert values["person_age"] == 62 and values["village_id"] == town["qs"]
    picked = _case(engine, town, **values)
    # the picked resident must be the person named
    with pytest.raises(ValidationError) as caught:
        _case(engine, town, **{**values, "person_name": "欧阳娜"})
    assert "不一致" in caught.value.errors["person_name"]
    # typed in with the resident's name and ID number: linked, so counted as one person
    typed = _case(engine, town, person_name="欧阳娜娜", person_id_number="330122196203011226")
    other = _case(engine, town, person_name="张三")
    with unit_of_work(engine) as s:
        linked = {c.id: c.resident_id for c in s.scalars(select(DissuasionCase))}
    assert linked == {picked: town["resident"], typed: town["resident"], other: None}
    with unit_of_work(engine) as s:
        s.get(Resident, town["resident"]).deleted_at = datetime(2024, 6, 1)
    with pytest.raises(ValidationError) as caught:
        _case(engine, town, **values)
    assert "可能已被删除" in caught.value.errors["resident_id"]


def test_several_dissuaders_and_what_awards_protect(engine, town):
    case_id = _case(engine, town)
    add_dissuader(engine, case_id, town["wang"], "网格员")
    li = add_dissuader(engine, case_id, town["li"], "民警")
    with pytest.raises(ValidationError) as caught:
        add_dissuader(engine, case_id, town["wang"])
    assert caught.value.errors == {"person_id": "王网格已在参与劝阻人员中"}
    assert [(name, role) for _, _, name, role in dissuaders(engine, case_id)] == [
        ("王网格", "网格员"), ("李民警", "民警"),
    ]  # fmt: skip
    row = CaseRegister(engine).fetch(RegisterQuery(), 0, 1)[0]
    assert row.values[CaseRegister(engine).column_index("dissuaders")] == "王网格、李民警"
    assert CaseRegister(engine).count(RegisterQuery(text="李民警")) == 1
    assert CaseRegister(engine).count(RegisterQuery(filters={"awaiting_award": True})) == 1
    awards = propose_for_case(engine, case_id, {town["li"]: 20000})
    assert CaseRegister(engine).count(RegisterQuery(filters={"awaiting_award": True})) == 1
    awards += propose_for_case(engine, case_id, {town["wang"]: 20000})
    assert CaseRegister(engine).count(RegisterQuery(filters={"awaiting_award": True})) == 0
    service = CaseService(engine, "clerk")
    with pytest.raises(ValidationError) as caught:
        remove_dissuader(engine, li)
    assert "已有本案的奖励" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        service.update(case_id, {**service.load(case_id), "outcome": "failed",
                                 "amount_saved_fen": "0", "amount_lost_fen": "10000"})  # fmt: skip
    assert "本案已有2笔奖励" in caught.value.errors["outcome"]
    with pytest.raises(ValidationError) as caught:
        service.delete(case_id)
    assert "本案有2笔奖励，不能删除" in str(caught.value)
    for award_id in awards:
        AwardService(engine).delete(award_id)
    remove_dissuader(engine, li)
    service.delete(case_id)
    assert dissuaders(engine, case_id) == []


def test_attachments_take_images_and_pdfs_only(engine, town, tmp_path, monkeypatch):
    case_id = _case(engine, town)
    photo, scan = tmp_path / "现场.png", tmp_path / "凭证.pdf"
    photo.write_bytes(PNG)
    scan.write_bytes(PDF)
    first = add_attachment(engine, case_id, photo, "劝阻现场")
    add_attachment(engine, case_id, scan)
    assert [(a.file_name, a.mime_type) for a in attachments(engine, case_id)] == [
        ("现场.png", "image/png"), ("凭证.pdf", "application/pdf"),
    ]  # fmt: skip
    assert attachment_content(engine, first) == ("现场.png", PNG)
    fake = tmp_path / "照片.jpg"
    fake.write_text("这不是图片")
    with pytest.raises(ValidationError) as caught:
        add_attachment(engine, case_id, fake)
    assert "不是图片" in str(caught.value)
    empty = tmp_path / "空.png"
    empty.write_bytes(b"")
    with pytest.raises(ValidationError, match="空文件"):
        add_attachment(engine, case_id, empty)
    huge = tmp_path / "扫描件.pdf"
    with huge.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: 21 MB on paper, nothing to read
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self) or real_open(
        self, *a, **k))  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        add_attachment(engine, case_id, huge)
    assert "超过20 MB" in str(caught.value) and opened == []
    row = CaseRegister(engine).fetch(RegisterQuery(), 0, 1)[0]
    assert row.values[CaseRegister(engine).column_index("attachments")] == 2
    remove_attachment(engine, first)
    assert len(attachments(engine, case_id)) == 1
    CaseService(engine).delete(case_id)
    with unit_of_work(engine) as s:
        assert s.scalar(select(func.count()).where(Attachment.deleted_at.is_(None))) == 0


def test_search_filters_and_masked_phone_in_list_and_export(engine, town, tmp_path):
    _case(engine, town, person_name="张三", narrative="冒充客服")
    _case(engine, town, person_name="李四", village_id=town["qs"], alert_source="visit",
          outcome="failed", amount_saved_fen="0", amount_lost_fen="10000",
          occurred_at=datetime(2023, 7, 1, 9), is_typical=True)  # fmt: skip
    register = CaseRegister(engine)
    assert register.count(RegisterQuery(text="客服")) == 1
    assert register.count(RegisterQuery(text="青山")) == 1
    for filters, expected in (
        ({"outcome": "failed"}, 1), ({"alert_source": "visit"}, 1), ({"village": town["qs"]}, 1),
        ({"typical": True}, 1), ({"year": "2023"}, 1), ({"warned": True}, 1),
        ({"fraud_type": town["types"]["刷单返利"]}, 2),
    ):  # fmt: skip
        assert register.count(RegisterQuery(filters=filters)) == expected, filters
    phone = register.column_index("person_phone")
    rows = register.fetch(RegisterQuery(), 0, 10)
    assert {r.values[phone] for r in rows} == {"139****1111"}
    out = tmp_path / "案例.xlsx"
    run_to_end(export_register_xlsx(register, RegisterQuery(), out))
    cells = [str(c) for row in load_workbook(out).active.iter_rows(values_only=True) for c in row]
    assert "139****1111" in cells and "13900001111" not in " ".join(cells)


def test_fraud_types_are_an_editable_list(engine, town):
    service = FraudTypeService(engine, "clerk")
    new = service.create({"name": "虚假投资养老", "sort_order": 11, "active": True})
    with pytest.raises(ValidationError) as caught:
        service.create({"name": "刷单返利"})
    assert caught.value.errors == {"name": "已有“刷单返利”"}
    _case(engine, town, fraud_type_id=new)
    with pytest.raises(ValidationError) as caught:
        service.delete(new)
    assert "不能删除" in str(caught.value)
