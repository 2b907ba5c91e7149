# ruff: noqa: F811  (the fixtures imported from field_town are used as arguments)
"""`wuzha field export|open|return|import` as a clerk and a grid worker type them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from field_town import (  # noqa: F401
    PASSPHRASE,
    dump,
    grid_labels,
    households_of,
    office,
    office_template,
)
from sqlalchemy import func, select

from app.households.records import HouseholdService
from db.engine import make_engine, sqlite_url
from db.models import Household, Resident

ROOT = Path(__file__).resolve().parent.parent


def wuzha(*args: str, passphrase: str | None = PASSPHRASE) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "WUZHA_FIELD_PASSPHRASE"}
    if passphrase is not None:
        env["WUZHA_FIELD_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "ui.entry", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip


def dump_file(path: Path) -> dict:
    engine = make_engine(sqlite_url(path))
    try:
        return dump(engine)
    finally:
        engine.dispose()


def set_phone(engine, household_id, phone):
    service = HouseholdService(engine, "someone")
    values = service.load(household_id)
    values["phone"] = phone
    service.update(household_id, values)


def test_field_commands_round_trip(office, tmp_path):
    office_db = tmp_path / "office.sqlite"
    grid = grid_labels(office)[0]
    h = households_of(office, grid)
    package, laptop_db, returned = (
        tmp_path / "p.wzf",
        tmp_path / "laptop.sqlite",
        tmp_path / "r.wzf",
    )

    done = wuzha("--db", str(office_db), "field", "export", "--grid", grid, "--out", str(package))
    assert done.returncode == 0, done.stderr
    assert f"网格：{grid}" in done.stdout and package.exists()

    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    done = wuzha("--db", str(laptop_db), "field", "open", str(package),
                 "--passphrase-file", str(secret), passphrase=None)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "外勤模式" in done.stdout and grid in done.stdout

    laptop = make_engine(sqlite_url(laptop_db))
    set_phone(laptop, h[0], "13900001111")
    laptop.dispose()
    set_phone(office, h[0], "13700002222")
    office.dispose()

    done = wuzha("--db", str(laptop_db), "field", "return", "--out", str(returned))
    assert done.returncode == 0, done.stderr

    before = dump_file(office_db)
    done = wuzha("--db", str(office_db), "field", "import", str(returned), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "检查结果（未写入）" in done.stdout
    assert "冲突1：住户" in done.stdout and "办公室 137****2222 | 外勤 139****1111" in done.stdout
    assert "13900001111" not in done.stdout + done.stderr  # personal data stays masked
    assert dump_file(office_db) == before

    done = wuzha("--db", str(office_db), "field", "import", str(returned))
    assert done.returncode == 0 and "已导入" in done.stdout and "--take-field" in done.stdout
    engine = make_engine(sqlite_url(office_db))
    with engine.connect() as conn:
        assert conn.scalar(select(Household.phone).where(Household.id == h[0])) == "13700002222"
    numbers = [line.split("：")[0] for line in done.stdout.splitlines() if line.startswith("冲突")]
    taken = [n.removeprefix("冲突") for n in numbers if n.removeprefix("冲突").isdigit()]
    done = wuzha("--db", str(office_db), "field", "import", str(returned),
                 *[a for n in taken for a in ("--take-field", n)])  # fmt: skip
    assert done.returncode == 0, done.stderr
    with engine.connect() as conn:
        assert conn.scalar(select(Household.phone).where(Household.id == h[0])) == "13900001111"
        heads = conn.scalar(
            select(func.count())
            .select_from(Resident)
            .where(Resident.household_id == h[0], Resident.phone == "13900001111")
        )
    assert heads == 1  # the head of household's phone followed (a conflict of its own)
    engine.dispose()


def test_refused_packages_exit_with_a_message(office, tmp_path):
    office_db = tmp_path / "office.sqlite"
    grid = grid_labels(office)[0]
    office.dispose()
    package = tmp_path / "p.wzf"
    assert wuzha("--db", str(office_db), "field", "export", "--grid", grid,
                 "--out", str(package)).returncode == 0  # fmt: skip
    done = wuzha("--db", str(office_db), "field", "import", str(package))
    assert done.returncode == 1 and "出库包" in done.stderr
    cut = tmp_path / "cut.wzf"
    cut.write_bytes(package.read_bytes()[:1000])
    done = wuzha("--db", str(tmp_path / "l.sqlite"), "field", "open", str(cut))
    assert done.returncode == 1 and "错误：" in done.stderr and "Traceback" not in done.stderr
    done = wuzha("--db", str(office_db), "field", "export", "--grid", "没有的网格",
                 "--out", str(tmp_path / "x.wzf"))  # fmt: skip
    assert done.returncode == 1 and "没有名为“没有的网格”的网格" in done.stderr
    done = wuzha("--db", str(office_db), "field", "export", "--grid", grid,
                 "--out", str(tmp_path / "y.wzf"), passphrase="short")  # fmt: skip
    assert done.returncode == 1 and "口令至少需要8个字符" in done.stderr
