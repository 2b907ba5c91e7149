"""典型案例汇编: the typical cases of a period as one PDF, no victim's name, ID or phone."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.cases.dissuasion import CaseService
from app.cases.people import add_dissuader
from app.cases.typical_cases import anonymous, print_typical_cases, scrub, surname, typical_cases
from app.core.settings import save_profile
from app.core.validation import ValidationError
from db.engine import unit_of_work
from db.models import FraudType, Household, Person, Resident, Unit

ROOT = Path(__file__).resolve().parent.parent
VICTIMS = ("欧阳娜娜", "王喆", "张三丰")


@pytest.fixture
def town(engine):
    save_profile(engine, {"township_name": "清溪镇", "issuing_office": "清溪镇反诈分中心"})
    with unit_of_work(engine) as s:
        bh = Unit(name="白鹤村", kind="village")
        s.add(bh)
        s.flush()
        police, worker = Person(name="李警官"), Person(name="赵网格")
        home = Household(village_id=bh.id, address="2组", head_name="张三丰")
        s.add_all([police, worker, home])
        s.flush()
        resident = Resident(household_id=home.id, name="张三丰", gender="男")
        s.add(resident)
        fraud = s.scalar(select(FraudType).where(FraudType.name == "虚假网络投资理财"))
        fraud.description = "凡是推荐“内幕消息”“稳赚不赔”的投资群，都是诈骗。"
        s.flush()
        ids = {"bh": bh.id, "police": police.id, "worker": worker.id, "fraud": fraud.id,
               "resident": resident.id}  # fmt: skip
    service = CaseService(engine, "clerk")

    def case(name, when, **extra):
        return service.create({
            "occurred_at": when, "alert_source": "alert_96110", "person_name": name,
            "village_id": ids["bh"], "fraud_type_id": ids["fraud"],
            "amount_at_risk_fen": "50000", "amount_saved_fen": "50000", "outcome": "success",
            "is_typical": True, **extra,
        })  # fmt: skip

    first = case("欧阳娜娜", datetime(2024, 3, 5, 9), person_gender="女", person_age=62,
                 contact_channel="微信群", person_phone="13812345678",
                 person_id_number="330122196203011226",
                 narrative="欧阳娜娜在群里听信“导师”，娜娜准备转账；民警拨打13812345678劝阻。"
                           "其身份证330122196203011226已核实。")  # fmt: skip
    add_dissuader(engine, first, ids["police"], "民警")
    add_dissuader(engine, first, ids["worker"], "网格员")
    case("王喆", datetime(2024, 6, 1, 9), alert_source="visit",
         narrative="王喆的儿子发现父亲王喆要转账。")  # fmt: skip
    case("张三丰", datetime(2024, 9, 9, 9), resident_id=ids["resident"],
         narrative="张三丰（三丰）在网上投资。")  # fmt: skip
    case("不典型", datetime(2024, 4, 1, 9), is_typical=False)
    case("去年的", datetime(2023, 4, 1, 9))
    return engine


def test_naming_rules():
    assert surname("欧阳娜娜") == "欧阳" and surname("王喆") == "王" and surname("䶮") == "䶮"
    assert anonymous("欧阳娜娜", "女", 62) == "欧阳某（女，62岁）"
    assert anonymous("张三", None, None) == "张某" and anonymous("张三", "男", None) == "张某（男）"
    assert scrub("欧阳娜娜说娜娜的卡号6222021234567890", "欧阳娜娜") == "欧阳某说某的卡号＊＊＊"


def test_the_compilation_has_no_victim_name_id_or_phone(town, tmp_path):
    found = typical_cases(town, date(2024, 1, 1), date(2024, 12, 31))
    assert [c.person for c in found] == ["欧阳某（女，62岁）", "王某", "张某"]
    assert found[0].stopped_by == "民警、网格员" and found[0].spotted.startswith("96110")
    assert found[1].spotted == "网格员入户走访时发现"
    out = tmp_path / "典型案例汇编.pdf"
    pages = print_typical_cases(town, date(2024, 1, 1), date(2024, 12, 31), out)
    reader = PdfReader(out)
    assert pages == len(reader.pages)
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    for expected in (
        "清溪镇电信网络诈骗劝阻典型案例汇编", "一、虚假网络投资理财：白鹤村欧阳某（女，62岁）",
        "发现经过：", "96110反诈预警专线发出预警", "劝阻经过：", "民警、网格员及时介入劝阻",
        "劝阻结果：", "成功劝阻，止损50000.00元", "防范提示：", "稳赚不赔", "通过微信群",
        "三、虚假网络投资理财：白鹤村张某",
    ):  # fmt: skip
        assert expected in text, expected
    for name in (*VICTIMS, "娜娜", "三丰", "13812345678", "330122196203011226", "不典型", "去年的"):
        assert name not in text, name
    # the dissuaders are named by their role only
    assert "李警官" not in text and "赵网格" not in text


def test_no_typical_case_is_a_clear_message_and_no_file(town, tmp_path):
    out = tmp_path / "空.pdf"
    with pytest.raises(ValidationError, match="没有列为典型的案例"):
        print_typical_cases(town, date(2022, 1, 1), date(2022, 12, 31), out)
    assert not out.exists()


def test_cli_prints_the_compilation(town, database_url, tmp_path):
    out = tmp_path / "cli.pdf"
    db = database_url.removeprefix("sqlite:///")
    done = subprocess.run(
        [sys.executable, "-m", "ui.entry", "--db", db, "print", "typical-cases",
         "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "已生成典型案例汇编" in done.stdout and out.exists()
