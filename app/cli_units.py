"""Commands of the member units: `import units`, `export units`, `template units`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import open_database_of, print_row_errors, progress_printer, write_error

if TYPE_CHECKING:
    from app.cli import CommandGroups


def add_commands(groups: CommandGroups) -> None:
    """`wuzha import units`, `export units`, `template units`."""
    import_units = groups.add("import", "units", "导入成员单位及四员（按单位名称新增或更新）")
    import_units.add_argument("file", type=Path, help="Excel文件（.xlsx）")
    import_units.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")
    import_units.add_argument(
        "--skip-bad-rows", action="store_true", help="跳过有错误的行，导入其余的行"
    )
    import_units.set_defaults(handler=cmd_import_units)

    export_units = groups.add("export", "units", "导出成员单位及四员")
    export_units.add_argument("file", type=Path, help="要写入的Excel文件（.xlsx）")
    export_units.set_defaults(handler=cmd_export_units)

    template_units = groups.add("template", "units", "成员单位导入模板")
    template_units.add_argument("file", type=Path, help="要写入的Excel文件（.xlsx）")
    template_units.set_defaults(handler=cmd_template_units)


def cmd_import_units(args: argparse.Namespace) -> int:
    """Import units from an .xlsx; exit 1 when there are errors and nothing was written."""
    import getpass

    from app.progress import run_to_end
    from app.spreadsheet import RowErrors
    from app.unit_exchange import import_units, preview_units_import

    database = open_database_of(args)
    try:
        if args.dry_run:
            preview = preview_units_import(database.engine, args.file)
            print(f"预览（未写入）：新增 {len(preview.creates)} 个，更新 {len(preview.updates)} 个")
            print_row_errors(preview.errors)
            blocked = preview.errors and (not args.skip_bad_rows or not preview.good_rows)
            return 1 if blocked else 0
        mode = "good_rows" if args.skip_bad_rows else "all_or_nothing"
        try:
            result = run_to_end(
                import_units(database.engine, args.file, getpass.getuser(), mode),
                progress_printer(),
            )
        except RowErrors as exc:
            print("未导入：文件中有错误，没有写入任何数据。")
            print_row_errors(exc.row_errors)
            return 1
    finally:
        database.close()
    written = result.created + result.updated
    print(f"已导入：新增 {result.created} 个，更新 {result.updated} 个")
    if result.errors:
        print("跳过了有错误的行。")
    print_row_errors(result.errors)
    return 1 if result.errors and not written else 0


def cmd_export_units(args: argparse.Namespace) -> int:
    """Export every unit with its four people to an .xlsx."""
    from app.progress import run_to_end
    from app.unit_exchange import export_units_xlsx

    database = open_database_of(args)
    try:
        count = run_to_end(export_units_xlsx(database.engine, args.file))
    except OSError as exc:
        return write_error(args.file, exc)
    finally:
        database.close()
    print(f"已导出 {count} 个成员单位到：{args.file}")
    return 0


def cmd_template_units(args: argparse.Namespace) -> int:
    """Write the import template of member units."""
    from app.unit_exchange import write_template_xlsx

    try:
        write_template_xlsx(args.file)
    except OSError as exc:
        return write_error(args.file, exc)
    print(f"已写入成员单位导入模板：{args.file}")
    return 0
