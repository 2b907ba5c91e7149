"""Commands of the cases and awards: `stats cases`, `print awards`, `export awards`,
`print typical-cases`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import write_file
from app.cli.main import open_database_of

if TYPE_CHECKING:
    from app.cli.main import CommandGroups


def day(text: str) -> date:
    """An argparse type: a date written YYYY-MM-DD, refused in Chinese otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}”不是日期，应写作YYYY-MM-DD，如2024-05-01"
        ) from None


def _period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=day, default=None, metavar="YYYY-MM-DD",
                        help="开始日期（默认今年1月1日）")  # fmt: skip
    parser.add_argument("--to", dest="end", type=day, default=None, metavar="YYYY-MM-DD",
                        help="结束日期（默认今天）")  # fmt: skip


def _dates(args: argparse.Namespace) -> tuple[date, date] | None:
    today = date.today()
    start, end = args.start or date(today.year, 1, 1), args.end or today
    if start > end:
        print(f"错误：开始日期{start}晚于结束日期{end}", file=sys.stderr)
        return None
    return start, end


def add_commands(groups: CommandGroups) -> None:
    """`stats cases`, `print awards`, `export awards`, `print typical-cases`."""
    stats = groups.add(
        "stats", "cases", "劝阻案例统计（按月、季、年、村居、诈骗类型、线索来源，预警后再转账率）"
    )
    stats.add_argument("--json", action="store_true", help="以JSON输出")
    _period(stats)
    stats.set_defaults(handler=cmd_stats_cases)
    awards = groups.add("print", "awards", "打印奖励名单（已审批、已发放）")
    _period(awards)
    awards.add_argument("--out", type=Path, required=True, help="要写入的PDF文件")
    awards.set_defaults(handler=cmd_print_awards)
    export = groups.add("export", "awards", "导出奖励名单（已审批、已发放）")
    export.add_argument("file", type=Path, help="要写入的Excel文件（.xlsx）")
    _period(export)
    export.set_defaults(handler=cmd_export_awards)
    typical = groups.add("print", "typical-cases", "打印典型案例汇编（当事人姓名已隐去）")
    _period(typical)
    typical.add_argument("--out", type=Path, required=True, help="要写入的PDF文件")
    typical.set_defaults(handler=cmd_print_typical)


def _rate_text(rate: float | None, meets: bool | None) -> str:
    if rate is None:
        return "无预警对象"
    return f"{rate * 100:.2f}%（{'达标' if meets else '未达标'}，目标低于2%）"


def cmd_stats_cases(args: argparse.Namespace) -> int:
    """Print the case figures of a period."""
    from app.cases.stats import as_json, case_statistics

    period = _dates(args)
    if period is None:
        return 2
    start, end = period
    database = open_database_of(args)
    try:
        data = as_json(case_statistics(database.engine, start, end))
    finally:
        database.close()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(
        f"{start}至{end}：劝阻案例 {data['cases']} 起，成功劝阻 {data['success']} 起，"
        f"止损 {data['saved_yuan']} 元，损失 {data['lost_yuan']} 元"
    )
    print(
        f"预警 {data['warned_people']} 人，仍转账 {data['transferred_people']} 人，"
        f"预警后再转账率：{_rate_text(data['transfer_rate'], data['meets_target'])}"
    )
    for title, key in (("按季度", "by_quarter"), ("按诈骗类型", "by_fraud_type"),
                       ("按线索来源", "by_alert_source")):  # fmt: skip
        print(title)
        for row in data[key]:
            if row["cases"]:
                print(f"  {row['name']}\t{row['cases']}起\t止损{row['saved_yuan']}元")
    return 0


def _write(args: argparse.Namespace, function, what: str, out: Path) -> int:
    period = _dates(args)
    if period is None:
        return 2
    return write_file(
        args, out,
        lambda engine: function(engine, *period, out),
        lambda result: f"已生成{what}（{result}）：{out}",
    )  # fmt: skip


def cmd_print_awards(args: argparse.Namespace) -> int:
    """Write the award list of a period as a PDF."""
    from app.cases.award_reports import print_award_list

    return _write(args, lambda *a: f"{print_award_list(*a)}页", "奖励名单", args.out)


def cmd_export_awards(args: argparse.Namespace) -> int:
    """Write the award list of a period as an .xlsx."""
    from app.cases.award_reports import export_award_list
    from app.core.progress import run_to_end

    def export(*a) -> str:
        return f"{run_to_end(export_award_list(*a))}笔"

    return _write(args, export, "奖励名单", args.file)


def cmd_print_typical(args: argparse.Namespace) -> int:
    """Write the typical-case compilation of a period."""
    from app.cases.typical_cases import print_typical_cases

    return _write(args, lambda *a: f"{print_typical_cases(*a)}页", "典型案例汇编", args.out)
