"""Commands of the letters: `print notices|commitments`, `print staff-commitments`, and
`import signed` (file a scanned stack of signed letters)."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.main import open_database_of, progress_printer, write_error

if TYPE_CHECKING:
    from app.cli.main import CommandGroups

KINDS = {"notices": "notice", "commitments": "commitment_household"}


def add_commands(groups: CommandGroups) -> None:
    """`wuzha print notices|commitments …` and `wuzha print staff-commitments --unit U …`."""
    for name, help_text in (
        ("notices", "打印告知书（每户一页）"),
        ("commitments", "打印住户承诺书（每户一页）"),
    ):
        letters = groups.add("print", name, help_text)
        letters.add_argument("--village", help="只打印这个村居的住户")
        letters.add_argument("--grid", help="只打印这个网格的住户")
        letters.add_argument(
            "--unsigned",
            action="store_true",
            help="只打印尚未送达（告知书）或尚未签回（承诺书）的住户",
        )
        letters.add_argument("--no-receipt", action="store_true", help="不印回执")
        letters.add_argument("--full-id", action="store_true", help="身份证号、电话不打码")
        letters.add_argument("--out", type=Path, required=True, help="要写入的PDF文件")
        letters.set_defaults(handler=cmd_print_letters)
    staff = groups.add("print", "staff-commitments", "打印单位职工承诺书（每人一页）")
    staff.add_argument("--unit", required=True, help="成员单位名称")
    staff.add_argument("--unsigned", action="store_true", help="只打印尚未签订的职工")
    staff.add_argument("--out", type=Path, required=True, help="要写入的PDF文件")
    staff.set_defaults(handler=cmd_print_staff)
    signed = groups.add(
        "import", "signed", "导入签字件扫描件：按二维码把每一页归到对应的文书并标记已签回"
    )
    signed.add_argument("scans", nargs="+", type=Path, metavar="SCAN", help="扫描件（PDF或图片）")
    signed.add_argument("--date", type=_day, help="签回日期 YYYY-MM-DD（默认：每个文件的扫描日期）")
    signed.add_argument("--dry-run", action="store_true", help="只列出识别结果，不写入")
    signed.set_defaults(handler=cmd_import_signed)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期“{text}”应写成 YYYY-MM-DD") from exc


def _print(args: argparse.Namespace, kind: str, ids: list[int], options) -> int:
    from app.core.progress import run_to_end
    from app.letters.printing import print_letters_job

    database = open_database_of(args)
    try:
        result = run_to_end(
            print_letters_job(
                database.engine, kind, ids, args.out, getpass.getuser(), options,
                full_numbers=getattr(args, "full_id", False),
            )
        )  # fmt: skip
    except OSError as exc:
        return write_error(args.out, exc)
    finally:
        database.close()
    first, last = min(result.numbers), max(result.numbers)
    numbers = first if first == last else f"{first} 至 {last}"
    print(f"已打印 {result.letters} 份（{result.pages}页），编号 {numbers}：{args.out}")
    return 0


def cmd_print_letters(args: argparse.Namespace) -> int:
    """Print notices or commitments for the chosen households."""
    from app.letters.printing import select_households
    from app.letters.templates import LetterOptions

    kind = KINDS[args.print_what]
    database = open_database_of(args)
    try:
        ids = select_households(database.engine, kind, args.village, args.grid, args.unsigned)
    finally:
        database.close()
    if not ids:
        print("没有符合条件的住户，没有打印。")
        return 0
    return _print(args, kind, ids, LetterOptions(receipt=not args.no_receipt))


def cmd_print_staff(args: argparse.Namespace) -> int:
    """Print the staff commitment letters of a unit."""
    from app.letters.printing import select_employees
    from app.letters.templates import LetterOptions

    database = open_database_of(args)
    try:
        ids = select_employees(database.engine, args.unit, args.unsigned)
    finally:
        database.close()
    return _print(args, "commitment_employee", ids, LetterOptions())


def cmd_import_signed(args: argparse.Namespace) -> int:
    """Read scanned signed letters, list every page that is not filed and why, then file the
    matched ones in one transaction (or nothing with --dry-run)."""
    from app.core.progress import run_to_end
    from app.core.validation import ValidationError
    from app.letters.scan_filing import (
        SKIP,
        decide,
        file_scans_job,
        look_up_letters,
        page_numbers,
        summarize,
    )
    from app.letters.scans import read_scans_job

    if args.date is not None and args.date > date.today():
        raise ValidationError({"": "签回日期不能晚于今天"})
    pages = run_to_end(read_scans_job(args.scans), progress_printer())
    database = open_database_of(args)
    try:
        if args.dry_run:
            decisions = decide(pages, look_up_letters(database.engine, page_numbers(pages, {})))
            summary = summarize(decisions)
        else:
            result = run_to_end(
                file_scans_job(database.engine, pages, signed_on=args.date, user=getpass.getuser())
            )
            decisions, summary = list(result.decisions), result.summary
    finally:
        database.close()
    for d in decisions:
        if d.outcome == SKIP and d.problem:
            print(f"  {d.page.label}：{d.problem}")
    print(summary.text)
    if args.dry_run:
        print("试运行：没有写入。")
    else:
        print(f"已签回并存入签字件 {summary.matched} 份。")
    if summary.unreadable:
        print(
            "无法识别的页面可在“承诺书与告知书 → 批量导入签字件…”中输入编号后导入。",
            file=sys.stderr,
        )
    return 0
