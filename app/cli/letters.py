"""Commands that print letters: `print notices|commitments`, `print staff-commitments`."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.main import open_database_of, write_error

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
