"""Commands of the cases and awards: `stats cases`, `print awards`, `print typical-cases`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import open_database_of, write_error

if TYPE_CHECKING:
    from app.cli import CommandGroups


def _period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="start",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="开始日期（默认今年1月1日）",
    )
    parser.add_argument("--to", dest="end", type=date.fromisoformat, default=None,
                        metavar="YYYY-MM-DD", help="结束日期（默认今天）")  # fmt: skip


def _dates(args: argparse.Namespace) -> tuple[date, date]:
    today = date.today()
    return args.start or date(today.year, 1, 1), args.end or today


def add_commands(groups: CommandGroups) -> None:
    """`stats cases`, `print awards`, `print typical-cases`."""
    stats = groups.add(
        "stats", "cases", "劝阻案例统计（按月、村居、诈骗类型、线索来源，预警后再转账率）"
    )
    stats.add_argument("--json", action="store_true", help="以JSON输出")
    _period(stats)
    stats.set_defaults(handler=cmd_stats_cases)
    awards = groups.add("print", "awards", "打印奖励名单（已审批、已发放）")
    _period(awards)
    awards.add_argument("--out", type=Path, required=True, help="要写入的PDF文件")
    awards.set_defaults(handler=cmd_print_awards)
    typical = groups.add("print", "typical-cases", "打印典型案例汇编（当事人姓名已隐去）")
    _period(typical)
    typical.add_argument("--out", type=Path, required=True, help="要写入的PDF文件")
    typical.set_defaults(handler=cmd_print_typical)


def cmd_stats_cases(args: argparse.Namespace) -> int:
    """Print the case figures of a period."""
    from app.case_stats import as_json, case_statistics

    start, end = _dates(args)
    if start > end:
        print("错误：开始日期晚于结束日期", file=sys.stderr)
        return 2
    database = open_database_of(args)
    try:
        data = as_json(case_statistics(database.engine, start, end))
    finally:
        database.close()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    rate = data["transfer_rate"]
    print(
        f"{start}至{end}：劝阻案例 {data['cases']} 起，成功劝阻 {data['success']} 起，"
        f"止损 {data['saved_yuan']} 元，损失 {data['lost_yuan']} 元"
    )
    print(
        "预警后再转账率："
        + (
            "无预警对象"
            if rate is None
            else f"{rate * 100:.2f}%（{'达标' if data['meets_target'] else '未达标'}，目标低于2%）"
        )
    )
    for row in data["by_fraud_type"]:
        print(f"  {row['name']}\t{row['cases']}起\t止损{row['saved_yuan']}元")
    return 0  # fmt: skip


def _print(args: argparse.Namespace, function, what: str) -> int:
    start, end = _dates(args)
    database = open_database_of(args)
    try:
        try:
            pages = function(database.engine, start, end, args.out)
        except OSError as exc:
            return write_error(args.out, exc)
    finally:
        database.close()
    print(f"已生成{what}（{pages}页）：{args.out}")
    return 0


def cmd_print_awards(args: argparse.Namespace) -> int:
    """Write the award list of a period."""
    from app.awards import print_award_list

    return _print(args, print_award_list, "奖励名单")


def cmd_print_typical(args: argparse.Namespace) -> int:
    """Write the typical-case compilation of a period."""
    from app.typical_cases import print_typical_cases

    return _print(args, print_typical_cases, "典型案例汇编")
