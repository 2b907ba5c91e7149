"""Commands of the organisation: the leading group's roster, staff lists, grids, set-up.

wuzha --db F print leading-group --out FILE.pdf [--on 2024-06-30]
wuzha --db F print missing-roles --out FILE.pdf
wuzha --db F import staff --unit U FILE.xlsx [--dry-run] [--skip-bad-rows]
wuzha --db F template staff FILE.xlsx
wuzha --db F import grids FILE.xlsx [--dry-run] [--skip-bad-rows]
wuzha --db F export grids FILE.xlsx
wuzha --db F template grids FILE.xlsx
wuzha --db F import township --township 白鹤镇 [--villages 甲村、乙村] [--dry-run]
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import run_export, run_row_import, write_file, write_template
from app.cli.main import open_database_of

if TYPE_CHECKING:
    from app.cli.main import CommandGroups


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应如2024-06-30，不是“{text}”") from None


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="Excel文件（.xlsx）")
    parser.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")
    parser.add_argument("--skip-bad-rows", action="store_true", help="跳过有错误的行，导入其余的行")


def add_commands(groups: CommandGroups) -> None:
    """The organisation's print, import, export and template commands."""
    roster = groups.add("print", "leading-group", "领导小组名单（PDF）")
    roster.add_argument("--out", type=Path, required=True, help="要写入的PDF文件")
    roster.add_argument("--on", type=_day, help="打印某一天的在任成员（默认今天）")
    roster.set_defaults(handler=cmd_print_roster)

    missing = groups.add("print", "missing-roles", "截至今日未报送四员名单的单位（PDF）")
    missing.add_argument("--out", type=Path, required=True, help="要写入的PDF文件")
    missing.set_defaults(handler=cmd_print_missing_roles)

    staff = groups.add("import", "staff", "导入一个成员单位的职工名单")
    staff.add_argument("--unit", required=True, help="成员单位名称（或简称）")
    _import_options(staff)
    staff.set_defaults(handler=cmd_import_staff)
    staff_template = groups.add("template", "staff", "职工名单导入模板")
    staff_template.add_argument("file", type=Path, help="要写入的Excel文件（.xlsx）")
    staff_template.set_defaults(handler=cmd_template_staff)

    grids = groups.add("import", "grids", "导入网格及网格员、民警（按村居和网格名称新增或更新）")
    _import_options(grids)
    grids.set_defaults(handler=cmd_import_grids)
    grids_export = groups.add("export", "grids", "导出网格及网格员、民警")
    grids_export.add_argument("file", type=Path, help="要写入的Excel文件（.xlsx）")
    grids_export.set_defaults(handler=cmd_export_grids)
    grids_template = groups.add("template", "grids", "网格导入模板")
    grids_template.add_argument("file", type=Path, help="要写入的Excel文件（.xlsx）")
    grids_template.set_defaults(handler=cmd_template_grids)

    township = groups.add("import", "township", "按实施方案模板建立成员单位及职责分工、村居")
    township.add_argument("--township", required=True, help="乡镇（街道）名称，如：白鹤镇")
    township.add_argument("--villages", default="", help="村居名称，用顿号或逗号分隔")
    township.add_argument("--template", default="seed-004", help="模板（默认 seed-004）")
    township.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    township.set_defaults(handler=cmd_import_township)


def cmd_print_roster(args: argparse.Namespace) -> int:
    """Print the leading group's roster."""
    from app.org.leading_roster import print_roster

    return write_file(
        args, args.out,
        lambda engine: print_roster(engine, args.out, on=args.on),
        lambda pages: f"已生成领导小组名单（{pages}页）：{args.out}",
    )  # fmt: skip


def cmd_print_missing_roles(args: argparse.Namespace) -> int:
    """Print the units that have not reported all four people."""
    from app.core.settings import load_profile
    from app.documents import render_pdf
    from app.org.unit_roles import missing_roles_document, units_missing_roles

    def write(engine) -> int:
        rows = units_missing_roles(engine)
        issuer = load_profile(engine).get("issuing_office") or ""
        render_pdf(missing_roles_document(rows, date.today(), issuer), args.out)
        return len(rows)

    return write_file(
        args, args.out, write, lambda count: f"未报齐四员的单位 {count} 个，已写入：{args.out}"
    )


def cmd_import_staff(args: argparse.Namespace) -> int:
    """Import a unit's staff list."""
    from app.exchange.staff import import_staff, preview_staff_import
    from app.org.staff import find_unit

    database = open_database_of(args)
    try:
        unit_id = find_unit(database.engine, args.unit)
    finally:
        database.close()
    return run_row_import(
        args,
        lambda engine: preview_staff_import(engine, unit_id, args.file),
        lambda engine, mode, user: import_staff(engine, unit_id, args.file, user, mode),
    )


def cmd_import_grids(args: argparse.Namespace) -> int:
    """Import grids with their people."""
    from app.exchange.grids import import_grids, preview_grids_import

    return run_row_import(
        args,
        lambda engine: preview_grids_import(engine, args.file),
        lambda engine, mode, user: import_grids(engine, args.file, user, mode),
    )


def cmd_export_grids(args: argparse.Namespace) -> int:
    """Export every grid with its people."""
    from app.exchange.grids import export_grids_xlsx

    return run_export(
        args,
        lambda engine: export_grids_xlsx(engine, args.file),
        lambda count: f"已导出 {count} 个网格到：{args.file}",
    )


def cmd_template_staff(args: argparse.Namespace) -> int:
    """Write the staff list template."""
    from app.exchange.staff import write_staff_template

    return write_template(args, write_staff_template, "职工名单")


def cmd_template_grids(args: argparse.Namespace) -> int:
    """Write the grid template."""
    from app.exchange.grids import write_grids_template

    return write_template(args, write_grids_template, "网格")


def cmd_import_township(args: argparse.Namespace) -> int:
    """Fill the database with a plan's member units and duties, and the villages named."""
    import getpass

    from app.org.township_template import (
        apply_township,
        clean_villages,
        load_template,
        plan_township,
    )

    template = load_template(args.template)
    villages = clean_villages(args.villages)
    database = open_database_of(args)
    try:
        if args.dry_run:
            plan = plan_township(database.engine, template, args.township, villages)
            print("预览（未写入）：" + plan.describe())
            return 0
        plan = apply_township(database.engine, template, args.township, villages, getpass.getuser())
    finally:
        database.close()
    print(plan.describe().replace("将新增", "已新增").replace("并建立", "已建立"))
    print(f"依据：{template.source}")
    return 0
