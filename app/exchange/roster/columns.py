"""The columns of a household roster (住户花名册), how they are found, and the remembered mapping.

A roster comes from a village's own 花名册 or the grid system's export, so its headers differ:
each column has the aliases seen in such files, the header row is found among the first ten
rows (under a title, with merged cells and two-row headers such as 户主信息 over 姓名), and the
columns the clerk maps by hand are remembered in the `setting` table for next time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from app.core.validation import ValidationError
from app.sheets.files import SheetFile, first_rows, is_blank, merged_fill
from app.sheets.reading import HEADER_SEARCH_ROWS, header_text
from db.engine import unit_of_work
from db.models import Setting

MAPPING_SETTING = "household_import.columns"
MAX_REMEMBERED = 300
SAMPLE_ROWS = 3
MAX_SHEETS_SEARCHED = 10
IGNORE = ""  # the key of a column the clerk chose not to import
_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")


@dataclass(frozen=True)
class RosterColumn:
    """A column an import understands: key, the template's header, aliases and the rule."""

    key: str
    label: str
    aliases: tuple[str, ...]
    rule: str


ROSTER_COLUMNS = (
    RosterColumn(
        "village",
        "村居",
        (
            "村",
            "村名",
            "村（居）",
            "村(居)",
            "村居名称",
            "所属村居",
            "所属村",
            "社区",
            "村/社区",
            "村社区",
            "行政村",
            "所属社区",
            "村委会",
            "居委会",
        ),
        "村（居）委名称；整份名单是同一村居时可以不填，导入时选择村居",
    ),
    RosterColumn(
        "grid",
        "网格",
        ("所属网格", "网格名称", "网格号", "网格编号", "网格名"),
        "如“第3网格”，也可只填数字3；不存在的网格经确认后新建",
    ),
    RosterColumn(
        "household_number",
        "户号",
        ("户编号", "户籍编号", "家庭编号", "户序号"),
        "同一户的成员填同一个户号；不填时，户主行下面的成员行算作这一户",
    ),
    RosterColumn(
        "address",
        "地址",
        (
            "住址",
            "家庭住址",
            "家庭地址",
            "现住址",
            "居住地址",
            "详细地址",
            "门牌号",
            "现居住地址",
            "户籍地址",
        ),
        "不超过200个字；成员行可以不填",
    ),
    RosterColumn(
        "name",
        "姓名",
        ("户主姓名", "户主", "户主名", "居民姓名", "成员姓名", "人员姓名"),
        "必填；只有户主一行时就是户主姓名",
    ),
    RosterColumn(
        "relation",
        "与户主关系",
        ("关系", "与户主的关系", "家庭关系", "家庭成员关系", "成员关系"),
        "户主、配偶、子女、父母、孙子女、兄弟姐妹、其他；没有这一列时每行是一户的户主",
    ),
    RosterColumn(
        "id_number",
        "身份证号码",
        (
            "身份证号",
            "公民身份号码",
            "身份证",
            "证件号码",
            "户主身份证号码",
            "户主身份证号",
            "身份号码",
            "证件号",
        ),
        "18位，末位可为X；15位旧号码自动升级为18位；请把这一列设为文本格式",
    ),
    RosterColumn(
        "phone",
        "联系电话",
        (
            "电话",
            "手机",
            "手机号",
            "手机号码",
            "联系方式",
            "户主电话",
            "联系号码",
            "电话号码",
            "户主手机",
        ),
        "11位手机号，或带区号的固定电话（如0571-88881234）；多个号码时第一个作联系电话",
    ),
    RosterColumn(
        "size",
        "家庭人口",
        ("人口数", "人数", "家庭人数", "户人口数", "在册人口", "家庭成员数", "人口"),
        "1到50的整数；不填时按名单中这一户的人数",
    ),
    RosterColumn(
        "tags",
        "重点人群",
        ("人群类别", "人员类别", "标签", "重点人员类型", "人群分类", "重点人群类别", "人员类型"),
        "老年人、学生、留守妇女、陪读妈妈、财务人员等，多个用顿号分隔",
    ),
    RosterColumn("notes", "备注", ("说明", "其他情况"), "不超过2000个字"),
)
COLUMN_BY_KEY = {c.key: c for c in ROSTER_COLUMNS}
_BY_HEADER = {header_text(text): c.key for c in ROSTER_COLUMNS for text in (c.label, *c.aliases)}


@dataclass
class RosterLayout:
    """Where the roster is in the file and which column holds what.

    `mapping` maps a 0-based column index to a roster key; `headers` are the header texts
    as the file has them (two-row headers joined), `samples` the first values of each column.
    """

    sheet_index: int
    sheet_title: str
    header_row: int  # 1-based
    headers: list[str]
    mapping: dict[int, str]
    samples: list[list[str]] = field(default_factory=list)
    total_rows: int = 0

    @property
    def keys(self) -> set[str]:
        """The roster keys mapped to a column."""
        return set(self.mapping.values()) - {IGNORE}

    def column_of(self, key: str) -> int | None:
        """The column index of `key`, or None when no column holds it."""
        for index, mapped in self.mapping.items():
            if mapped == key:
                return index
        return None


def cell_text(value: Any) -> str:
    """A cell as a clerk reads it: 13812345678.0 as 13812345678, None as ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def key_of_header(text: str, remembered: Mapping[str, str]) -> str | None:
    """The roster key a header names (the clerk's remembered choice first), or None."""
    compact = header_text(text)
    if not compact:
        return None
    for candidate in (compact, _BRACKETS.sub("", compact)):
        if candidate in remembered:
            return remembered[candidate]
        if candidate in _BY_HEADER:
            return _BY_HEADER[candidate]
    return None


def _headers_at(rows: Sequence[list[Any]], index: int) -> list[str]:
    """The header texts of row `index`; a cell under a different parent header gets both."""
    row = rows[index]
    above = rows[index - 1] if index > 0 else []
    texts = []
    for column, value in enumerate(row):
        text = cell_text(value)
        parent = cell_text(above[column]) if column < len(above) else ""
        if parent and text and parent != text and key_of_header(parent + text, {}) is not None:
            text = parent + text  # 户主 over 姓名 is 户主姓名
        texts.append(text)
    return texts


def _mapping_of(headers: Sequence[str], remembered: Mapping[str, str]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, text in enumerate(headers):
        key = key_of_header(text, remembered)
        if key is not None and (key == IGNORE or key not in taken):
            mapping[index] = key
            taken.add(key)
    return mapping


def _best_header(
    rows: Sequence[list[Any]], remembered: Mapping[str, str]
) -> tuple[int, list[str], dict[int, str]]:
    best = (-1, [], {})
    best_score = 0
    for index in range(min(len(rows), HEADER_SEARCH_ROWS)):
        headers = _headers_at(rows, index)
        mapping = _mapping_of(headers, remembered)
        score = len(set(mapping.values()) - {IGNORE}) + (2 if "name" in mapping.values() else 0)
        if score > best_score:
            best, best_score = (index, headers, mapping), score
    return best


def detect_layout(book: SheetFile, remembered: Mapping[str, str] | None = None) -> RosterLayout:
    """Find the roster: the first visible sheet whose header row names a column to import.

    Without any recognised header the layout of the first sheet is returned with an empty
    mapping and the first non-empty row as its headers, so the clerk can map by hand.
    """
    remembered = remembered or {}
    fallback: RosterLayout | None = None
    for sheet_index, _title in enumerate(book.sheet_titles[:MAX_SHEETS_SEARCHED]):
        sheet = book.sheet(sheet_index)
        head = merged_fill(first_rows(sheet, HEADER_SEARCH_ROWS + SAMPLE_ROWS), sheet.merged)
        index, headers, mapping = _best_header(head, remembered)
        if index < 0:
            if fallback is None:
                first = next((i for i, r in enumerate(head) if not all(map(is_blank, r))), 0)
                fallback = _layout(sheet_index, sheet.title, head, first, {}, sheet.total_rows)
            continue
        layout = _layout(sheet_index, sheet.title, head, index, mapping, sheet.total_rows)
        layout.headers = headers
        if "name" in layout.keys:
            return layout
        fallback = fallback if fallback is not None and fallback.mapping else layout
    if fallback is None:
        raise ValidationError({"": f"“{book.path.name}”是空的，没有可导入的行。"})
    return fallback


def _layout(
    sheet_index: int,
    title: str,
    head: Sequence[list[Any]],
    index: int,
    mapping: dict[int, str],
    total_rows: int,
) -> RosterLayout:
    headers = [cell_text(v) for v in head[index]] if head else []
    samples = [[cell_text(v) for v in row] for row in head[index + 1 : index + 1 + SAMPLE_ROWS]]
    return RosterLayout(sheet_index, title, index + 1, headers, mapping, samples, total_rows)


def not_a_roster(file_name: str, layout: RosterLayout) -> str | None:
    """Why the layout cannot be imported as it is, in Chinese; None when it can."""
    if "name" not in layout.keys:
        return (
            f"“{file_name}”看起来不是住户花名册：前{HEADER_SEARCH_ROWS}行中没有找到“姓名”"
            "或“户主姓名”列。请使用导入模板（wuzha template households），或在导入窗口中"
            "指定每一列的内容。"
        )
    return None


def load_remembered(engine: Engine) -> dict[str, str]:
    """The clerk's earlier column choices: header text → roster key ("" for not imported)."""
    with unit_of_work(engine) as session:
        row = session.get(Setting, MAPPING_SETTING)
        text = row.value if row is not None else None
    try:
        stored = json.loads(text) if text else {}
    except ValueError:
        return {}
    known = {*COLUMN_BY_KEY, IGNORE}
    return {str(h): str(k) for h, k in stored.items() if isinstance(stored, dict) and k in known}


def remember_mapping(engine: Engine, layout: RosterLayout, user: str | None = None) -> None:
    """Store the layout's column choices for next time; newer choices replace older ones."""
    remembered = load_remembered(engine)
    for index, text in enumerate(layout.headers):
        compact = header_text(text)
        if not compact:
            continue
        chosen = layout.mapping.get(index, IGNORE)
        if _BY_HEADER.get(compact) == chosen:
            remembered.pop(compact, None)  # the built-in alias says it already
        else:
            remembered.pop(compact, None)
            remembered[compact] = chosen
    while len(remembered) > MAX_REMEMBERED:
        remembered.pop(next(iter(remembered)))
    with unit_of_work(engine, user) as session:
        row = session.get(Setting, MAPPING_SETTING)
        value = json.dumps(remembered, ensure_ascii=False)
        if row is None:
            session.add(Setting(key=MAPPING_SETTING, value=value))
        else:
            row.value = value
