"""Commands of 工作例会: `print minutes`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import open_database_of, write_error

if TYPE_CHECKING:
    from app.cli import CommandGroups


def add_commands(groups: CommandGroups) -> None:
    """`wuzha print minutes MEETING --out FILE.pdf`."""
    minutes = groups.add("print", "minutes", "打印会议纪要")
    minutes.add_argument("meeting", metavar="MEETING", help="会议编号、UUID或日期（如2024-09-26）")
    minutes.add_argument("--out", type=Path, required=True, help="要写入的PDF文件")
    minutes.set_defaults(handler=cmd_print_minutes)


def cmd_print_minutes(args: argparse.Namespace) -> int:
    """Write a meeting's minutes to a PDF."""
    from app.minutes import find_meeting, print_minutes

    database = open_database_of(args)
    try:
        meeting_id = find_meeting(database.engine, args.meeting)
        try:
            pages = print_minutes(database.engine, meeting_id, args.out)
        except OSError as exc:
            return write_error(args.out, exc)
    finally:
        database.close()
    print(f"已生成会议纪要（{pages}页）：{args.out}")
    return 0
