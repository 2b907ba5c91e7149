"""The per-row report of a roster import, and the roster template the clerk downloads.

The report lists every row of the file with its status (导入, 已更新, 跳过, 拒绝), what was
normalised and why a row was refused. ID numbers and phones in it are masked: it is a list a
clerk prints or mails, and the file he imported still has them.
"""

from __future__ import annotations

from pathlib import Path

from app.core.privacy import mask_id_number
from app.exchange.roster.columns import ROSTER_COLUMNS
from app.exchange.roster.normalise import RELATION_CHOICES
from app.exchange.roster.plan import STATUS_LABELS, RosterPlan
from app.sheets.writing import SheetTable, write_tables_xlsx

REPORT_HEADERS = ("行号", "状态", "姓名", "身份证号码", "所属户主行", "规范化处理", "原因")
REPORT_WIDTHS = (8, 8, 12, 22, 10, 60, 50)
TEMPLATE_KEYS = (
    "village",
    "grid",
    "household_number",
    "address",
    "name",
    "relation",
    "id_number",
    "phone",
    "size",
    "tags",
    "notes",
)
EXAMPLE_ROWS = (
    ("桃源村", "第3网格", "1", "桃源村3组15号", "张建国", "户主", "339005196505060118",
     "13812345678", 3, "", ""),
    ("桃源村", "第3网格", "1", "", "李秀英", "配偶", "339005196707080221", "", None, "", ""),
    ("桃源村", "第3网格", "1", "", "张晓明", "子女", "33900520090102031X", "", None, "学生", ""),
    ("桃源村", "第3网格", "2", "桃源村3组16号", "王桂兰", "户主", "339005194803040028",
     "0571-88881234", 1, "老年人", "独居"),
)  # fmt: skip


def report_table(plan: RosterPlan) -> SheetTable:
    """The report's rows, masked, in file order."""
    rows = [
        [
            row.row_number,
            STATUS_LABELS[row.status],
            row.name or "",
            mask_id_number(row.id_number),
            row.head_row or row.row_number,
            "；".join(row.notes),
            row.reason,
        ]
        for row in sorted(plan.rows, key=lambda r: r.row_number)
    ]
    return SheetTable("导入结果", REPORT_HEADERS, rows, REPORT_WIDTHS)


def write_report_xlsx(plan: RosterPlan, path: Path | str) -> None:
    """Write the per-row report (and a 汇总 sheet with the counts) to an .xlsx."""
    summary = [[label, plan.count(status)] for status, label in STATUS_LABELS.items()]
    summary.append(["其中规范化", plan.normalised])
    if plan.missing:
        verb = "已新建" if plan.create_missing else "不存在，未新建"
        summary.append([verb, plan.missing.describe()])
    layout = plan.layout
    summary.append(["工作表", f"{layout.sheet_title}（表头在第{layout.header_row}行）"])
    tables = [report_table(plan), SheetTable("汇总", ["项目", "行数"], summary, (14, 80))]
    write_tables_xlsx(path, tables)


def write_template_xlsx(path: Path | str) -> None:
    """Write the roster template: the columns with example rows, and a 填写说明 sheet."""
    columns = {c.key: c for c in ROSTER_COLUMNS}
    headers = [columns[k].label + ("*" if k == "name" else "") for k in TEMPLATE_KEYS]
    text_columns = frozenset(
        TEMPLATE_KEYS.index(k) for k in ("household_number", "id_number", "phone")
    )
    relation = TEMPLATE_KEYS.index("relation")
    widths = [max(10, len(h) * 2 + 2) for h in headers]
    for key, width in (("address", 20), ("id_number", 22), ("phone", 16), ("notes", 20)):
        widths[TEMPLATE_KEYS.index(key)] = width
    roster = SheetTable(
        "住户花名册",
        headers,
        [list(row) for row in EXAMPLE_ROWS],
        widths,
        text_columns,
        {relation: list(RELATION_CHOICES)},
        blank_rows=500,
    )
    notes = [
        ["第一行是表头，请勿改动；示例行请删除或改成真实数据。带*的列必须填写。"],
        ["每行一个人。同一户的人填同一个户号，其中一行的“与户主关系”填“户主”。"],
        ["只登记户主时，每行一户，“与户主关系”和“户号”可以空着。"],
        ["没有户号时，户主行下面连续的家庭成员行算作这一户。"],
        ["户主的身份证号码已在系统中时，可选择跳过或按本表更新；本表中同一户主只能出现一次。"],
        ["本表中没有的村居、网格，导入前会询问是否新建。"],
    ]
    for key in TEMPLATE_KEYS:
        notes.append([columns[key].label, columns[key].rule])
    guide = SheetTable("填写说明", ["列", "填写要求"], notes, (18, 90))
    write_tables_xlsx(path, [roster, guide])
