"""Printing commands of 工作例会 and 督导考核: `print minutes`, `print monthly-notice`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import write_file

if TYPE_CHECKING:
    from app.cli.main import CommandGroups


def add_commands(groups: CommandGroups) -> None:
    """`wuzha print minutes MEETING --out FILE.pdf`."""
    minutes = groups.add("print", "minutes", "打印会议纪要")
    minutes.add_argument("meeting", metavar="MEETING", help="会议编号、UUID或日期（如2024-09-26）")
    minutes.add_argument("--out", type=Path, required=True, help="要写入的PDF文件")
    minutes.set_defaults(handler=cmd_print_minutes)
    add_notice_command(groups)


def cmd_print_minutes(args: argparse.Namespace) -> int:
    """Write a meeting's minutes to a PDF."""
    from app.meetings.minutes import find_meeting, print_minutes

    return write_file(
        args, args.out,
        lambda engine: print_minutes(engine, find_meeting(engine, args.meeting), args.out),
        lambda pages: f"已生成会议纪要（{pages}页）：{args.out}",
    )  # fmt: skip


def add_notice_command(groups: CommandGroups) -> None:
    """`wuzha print monthly-notice YYYY-MM --out FILE.pdf`."""
    notice = groups.add("print", "monthly-notice", "打印月度通报")
    notice.add_argument("month", metavar="YYYY-MM", help="通报的月份，如2024-10")
    notice.add_argument("--out", type=Path, required=True, help="要写入的PDF文件")
    notice.set_defaults(handler=cmd_print_monthly_notice)


def cmd_print_monthly_notice(args: argparse.Namespace) -> int:
    """Write a month's notice to a PDF."""
    import re

    from app.oversight.monthly_notice import print_monthly_notice

    found = re.fullmatch(r"(\d{4})-(\d{1,2})", args.month.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        print(f"错误：月份“{args.month}”应写成年-月，如2024-10", file=sys.stderr)
        return 2
    year, month = int(found.group(1)), int(found.group(2))
    return write_file(
        args, args.out,
        lambda engine: print_monthly_notice(engine, year, month, args.out),
        lambda pages: f"已生成{year}年{month}月通报（{pages}页）：{args.out}",
    )  # fmt: skip
