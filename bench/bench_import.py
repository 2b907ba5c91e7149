"""Importing a 50,000-row household roster (.xlsx) with validation into a fresh database.

Usage: python bench/bench_import.py [--rows 50000] [--shape heads|families] [--repeat 3]
The roster is generated once (cached) with messy cells a village file has: phones as numbers,
landlines with spaces, some lower-case x, 15-digit IDs, a few bad rows. Each run imports it into
a new migrated database and prints the time of the whole job (read, check, match, write, commit)
and of reading alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from common import CACHE, machine

VILLAGES = ("桃源村", "白鹤村", "清溪社区", "新丰村", "凤凰村", "柳岸村", "石桥村", "龙潭村")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "建国秀英桂兰志强丽娟海燕春梅明华晓东玉兰文军红霞德胜淑珍永刚凤英国强美玲小平"


def build_roster(path: Path, rows: int, shape: str) -> None:
    """A roster as a village sends it; a family roster has 户号 and 与户主关系."""
    from openpyxl import Workbook

    from app.core.idnumber import make_id_number

    rng = random.Random(7)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["清溪镇住户花名册"])
    headers = ["序号", "村居", "网格", "户主姓名", "身份证号码", "联系电话", "家庭住址", "家庭人口",
               "重点人群", "备注"]  # fmt: skip
    if shape == "families":
        headers[3:4] = ["户号", "姓名", "与户主关系"]
    sheet.append(headers)
    household = 0
    members_left = 0
    for number in range(1, rows + 1):
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(30_000))
        id_number = make_id_number("339005", born, number % 1000)
        head = shape == "heads" or members_left == 0
        if head:
            household += 1
            members_left = rng.choice((0, 1, 1, 2, 2, 3)) if shape == "families" else 0
        else:
            members_left -= 1
        if number % 97 == 0:
            id_number = id_number.lower()
        if number % 211 == 0 and born.year < 2000:
            id_number = id_number[:6] + id_number[8:17]  # an old 15-digit number
        if number % 499 == 0:
            id_number = id_number[:17] + ("0" if id_number[17] != "0" else "1")  # bad check
        phone = 13_800_000_000 + number if number % 5 else f"0571 {88_000_000 + number}"
        village = VILLAGES[household % len(VILLAGES)]
        name = SURNAMES[rng.randrange(len(SURNAMES))] + GIVEN[rng.randrange(len(GIVEN))]
        tags = "老年人" if born.year < 1960 else ("学生" if born.year > 2005 else None)
        address = f"{village}{household % 30 + 1}组{household}号"
        cells = [number, village, f"第{household % 12 + 1}网格", name, id_number,
                 float(phone) if isinstance(phone, int) else phone, address,
                 rng.randint(1, 6), tags, None]  # fmt: skip
        if shape == "families":
            relation = "户主" if head else rng.choice(("配偶", "子女", "父母"))
            cells[3:4] = [str(household), name, relation]
            if not head:
                cells[1], cells[2], cells[-4] = None, None, None
        sheet.append(cells)
    workbook.save(path)


def fresh_database(folder: Path):
    from db.engine import make_engine, sqlite_url
    from db.schema import prepare_database

    path = folder / "fresh.sqlite"
    url = sqlite_url(path)
    prepare_database(url)
    return make_engine(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--shape", choices=("heads", "families"), default="heads")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    CACHE.mkdir(parents=True, exist_ok=True)
    roster = CACHE / f"roster-{args.shape}-{args.rows}.xlsx"
    if not roster.exists():
        started = time.perf_counter()
        build_roster(roster, args.rows, args.shape)
        print(f"roster written in {time.perf_counter() - started:.1f} s: {roster}")

    from app.core.progress import run_to_end
    from app.exchange.roster.importer import RosterOptions, import_households
    from app.sheets.files import open_sheet_file

    print(machine())
    reads, imports, cpu = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        with open_sheet_file(roster) as book:
            count = sum(1 for _ in book.sheet(0).rows)
        reads.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as folder:
            engine = fresh_database(Path(folder))
            started, started_cpu = time.perf_counter(), time.process_time()
            result = run_to_end(
                import_households(engine, roster, "bench", RosterOptions(create_missing=True))
            )
            imports.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            engine.dispose()
    plan = result.plan
    print(
        f"{args.rows} rows ({args.shape}): {result.households_created} households, "
        f"{result.residents_created} residents, {plan.count('rejected')} rows refused, "
        f"{plan.normalised} normalised; {count} sheet rows"
    )
    print(f"reading the sheet alone (python-calamine): median {statistics.median(reads):.2f} s")
    median = statistics.median(imports)
    runs = ", ".join(f"{t:.2f}" for t in imports)
    print(
        f"whole import (read, check, match, write, commit): median {median:.2f} s"
        f" = {args.rows / median:,.0f} rows/s; runs {runs}"
    )
    # the machine is shared: this process's own CPU time shows what the import costs alone
    print(f"CPU time of the import: median {statistics.median(cpu):.2f} s")


if __name__ == "__main__":
    main()
