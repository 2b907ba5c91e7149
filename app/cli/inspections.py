"""Commands of 督导考核: `stats dual-decline`, `import case-stats`, `template case-stats`."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import run_row_import, write_template
from app.cli.main import open_database_of, print_row_errors

if TYPE_CHECKING:
    from app.cli.main import CommandGroups


def add_commands(groups: CommandGroups) -> None:
    """`wuzha stats dual-decline [--json] [--year Y]`."""
    dual = groups.add("stats", "dual-decline", "双降：今年与去年同期的发案数和案损（按村居）")
    dual.add_argument("--json", action="store_true", help="以JSON输出")
    dual.add_argument("--year", type=int, default=None, help="年份（默认今年）")
    dual.set_defaults(handler=cmd_dual_decline)
    add_import_commands(groups)


def cmd_dual_decline(args: argparse.Namespace) -> int:
    """Print the 双降 comparison of a year."""
    from app.oversight.dual_decline import STATUSES, as_json, dual_decline, percent

    database = open_database_of(args)
    try:
        view = dual_decline(database.engine, args.year or date.today().year)
    finally:
        database.close()
    if args.json:
        print(json.dumps(as_json(view), ensure_ascii=False, indent=2))
        return 0
    print(f"{view.year}年1—{view.through_month}月与上年同期对比")
    print(f"{'村居':<10}{'发案':>6}{'去年':>6}{'增幅':>9}{'案损（元）':>14}{'去年':>14}{'状态':>8}")
    for c in (*view.villages, view.total):
        print(
            f"{c.name:<10}{c.cases:>6}{c.cases_last:>6}{percent(c.case_change):>9}"
            f"{c.loss_fen / 100:>14,.2f}{c.loss_last_fen / 100:>14,.2f}  {STATUSES[c.status]}"
        )
    return 0


def add_import_commands(groups: CommandGroups) -> None:
    """`wuzha import case-stats`, `wuzha template case-stats`."""
    imports = groups.add("import", "case-stats", "导入月度发案数（村居、年份、月份、发案数、案损）")
    imports.add_argument("file", type=Path, help="Excel文件（.xlsx）")
    imports.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")
    imports.add_argument("--skip-bad-rows", action="store_true", help="跳过有错误的行")
    imports.set_defaults(handler=cmd_import_case_stats)
    template = groups.add("template", "case-stats", "月度发案数导入模板")
    template.add_argument("file", type=Path, help="要写入的Excel文件（.xlsx）")
    template.set_defaults(handler=cmd_template_case_stats)


def cmd_import_case_stats(args: argparse.Namespace) -> int:
    """Import monthly figures; exit 1 when nothing was written because of errors."""
    from app.cases.monthly_stats import import_case_stats, preview_case_stats_import

    def report(result) -> int:
        created, updated, errors = result
        print(f"已导入：新增 {created} 条，更新 {updated} 条")
        print_row_errors(errors)
        return 0

    return run_row_import(
        args,
        lambda engine: preview_case_stats_import(engine, args.file),
        lambda engine, mode, user: import_case_stats(engine, args.file, user, mode),
        report,
    )


def cmd_template_case_stats(args: argparse.Namespace) -> int:
    """Write the import template of monthly figures."""
    from app.cases.monthly_stats import write_case_stats_template

    return write_template(args, write_case_stats_template, "月度发案数")
