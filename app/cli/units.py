"""Commands of the member units: `import units`, `export units`, `template units`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import run_export, run_row_import, write_template

if TYPE_CHECKING:
    from app.cli.main import CommandGroups


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
    from app.exchange.units import import_units, preview_units_import

    return run_row_import(
        args,
        lambda engine: preview_units_import(engine, args.file),
        lambda engine, mode, user: import_units(engine, args.file, user, mode),
        counter="个",
    )


def cmd_export_units(args: argparse.Namespace) -> int:
    """Export every unit with its four people to an .xlsx."""
    from app.exchange.units import export_units_xlsx

    return run_export(
        args,
        lambda engine: export_units_xlsx(engine, args.file),
        lambda count: f"已导出 {count} 个成员单位到：{args.file}",
    )


def cmd_template_units(args: argparse.Namespace) -> int:
    """Write the import template of member units."""
    from app.exchange.units import write_template_xlsx

    return write_template(args, write_template_xlsx, "成员单位")
