"""Commands of the household register: `import households`, `template households`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import write_template
from app.cli.main import open_database_of, progress_printer, write_error

if TYPE_CHECKING:
    from app.cli.main import CommandGroups
    from app.exchange.roster.plan import RosterPlan

MAX_LISTED_ROWS = 30


def add_commands(groups: CommandGroups) -> None:
    """`wuzha import households`, `template households`."""
    households = groups.add(
        "import", "households", "导入住户花名册（.xlsx、.xls或.csv；好的行导入，有错的行拒绝）"
    )
    households.add_argument("file", type=Path, help="花名册文件")
    households.add_argument("--village", metavar="NAME", help="文件中没有村居列时，名单所属的村居")
    households.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")
    households.add_argument("--report", type=Path, metavar="OUT.xlsx", help="逐行结果写入此文件")
    households.add_argument(
        "--update-existing",
        action="store_true",
        help="户主已在数据库中时按文件更新（默认跳过）",
    )
    households.add_argument(
        "--keep-old-ids", action="store_true", help="15位旧身份证号码按原样保留（默认升级为18位）"
    )
    households.set_defaults(handler=cmd_import_households)

    template = groups.add("template", "households", "住户花名册导入模板")
    template.add_argument("file", type=Path, help="要写入的Excel文件（.xlsx）")
    template.set_defaults(handler=cmd_template_households)


def _row_line(number: int, reason: str) -> str:
    label, sep, _ = reason.partition("：")
    if sep and len(label) <= 6:  # "身份证号码：校验位错误" reads like the other imports
        return f"第{number}行 {reason}"
    return f"第{number}行：{reason}"


def print_plan(plan: RosterPlan, written: bool) -> None:
    """The counts of an import (or a dry run) and the refused rows."""
    print(
        f"行：导入 {plan.count('imported')} 行，已更新 {plan.count('updated')} 行，"
        f"跳过 {plan.count('skipped')} 行，拒绝 {plan.count('rejected')} 行；"
        f"规范化 {plan.normalised} 行"
    )
    if plan.missing:
        if plan.create_missing:
            print(f"{'新建' if written else '将新建'}{plan.missing.describe()}")
        else:
            print(f"不存在（未新建）的{plan.missing.describe()}")
    refused = [r for r in sorted(plan.rows, key=lambda r: r.row_number) if r.status == "rejected"]
    if refused:
        print(f"拒绝的行（{len(refused)}行）：")
    for row in refused[:MAX_LISTED_ROWS]:
        print(f"  {_row_line(row.row_number, row.reason)}")
    if len(refused) > MAX_LISTED_ROWS:
        print(f"  ……另有 {len(refused) - MAX_LISTED_ROWS} 行，见逐行结果文件（--report）")


def cmd_import_households(args: argparse.Namespace) -> int:
    """Import a roster; exit 1 when rows were refused and nothing was written."""
    import getpass

    from app.core.progress import run_to_end
    from app.exchange.roster.importer import (
        RosterOptions,
        import_households,
        preview_household_import,
    )
    from app.exchange.roster.report import write_report_xlsx

    options = RosterOptions(
        village=args.village.strip() if args.village else None,
        duplicates="update" if args.update_existing else "skip",
        old_ids="keep" if args.keep_old_ids else "convert",
        create_missing=True,
    )
    database = open_database_of(args)
    try:
        if args.dry_run:
            plan = run_to_end(
                preview_household_import(database.engine, args.file, options), progress_printer()
            )
            written = 0
            updates = sum(1 for h in plan.writes if h.existing_id is not None)
            print(f"预览（未写入）：可新增 {len(plan.writes) - updates} 户，更新 {updates} 户")
        else:
            result = run_to_end(
                import_households(database.engine, args.file, getpass.getuser(), options),
                progress_printer(),
            )
            plan = result.plan
            written = result.households_created + result.households_updated
            print(
                f"已导入：新增 {result.households_created} 户，"
                f"更新 {result.households_updated} 户，"
                f"居民新增 {result.residents_created} 人、更新 {result.residents_updated} 人"
            )
    finally:
        database.close()
    print_plan(plan, not args.dry_run)
    if args.report is not None:
        try:
            write_report_xlsx(plan, args.report)
        except OSError as exc:
            return write_error(args.report, exc)
        print(f"逐行结果已写入：{args.report}")
    good = plan.count("imported") + plan.count("updated") + plan.count("skipped")
    return 1 if plan.count("rejected") and not (written or (args.dry_run and good)) else 0


def cmd_template_households(args: argparse.Namespace) -> int:
    """Write the roster template."""
    from app.exchange.roster.report import write_template_xlsx

    return write_template(args, write_template_xlsx, "住户花名册")
