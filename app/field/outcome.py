"""What a check-in found: the records to write, the conflicts side by side, the summary.

Values are shown as the clerk reads them: personal data masked (个人信息保护法), a signature
as （图片）, a reference to another record as such.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.core.privacy import mask
from app.field import tables

CONFLICT_KINDS = {
    "both_changed": "双方都修改了同一项",
    "deleted_at_office": "办公室已删除，外勤修改了",
    "deleted_in_field": "外勤删除了，办公室修改了",
    "parent_deleted": "外勤新增，所属住户已在办公室删除",
    "changed_after_import": "外勤新增的记录导入后，办公室又修改了",
}
LABELS = {
    "address": "地址", "head_name": "户主", "head_id_number": "户主身份证号码", "phone": "电话",
    "size": "人口数", "tags": "重点人群", "notes": "备注", "grid_id": "网格", "village_id": "村居",
    "name": "姓名", "id_number": "身份证号码", "gender": "性别", "birth_date": "出生日期",
    "relation": "与户主关系", "app_installed_on": "安装APP日期", "visited_on": "走访日期",
    "mode": "走访方式", "outcome": "走访结果", "topics": "宣传内容", "status": "状态",
    "notice_delivered": "告知书已送达", "commitment_result": "承诺书", "deleted_at": "删除",
    "delivered_on": "送达日期", "signed_on": "签回日期", "signer_name": "签名人",
    "signature_png": "签名", "other_visitors": "其他走访人员", "risks_found": "发现的风险",
    "follow_up_needed": "需要跟进", "household_id": "所属住户", "grid_worker_id": "网格员",
    "police_officer_id": "民警/辅警", "caption": "说明", "file_name": "文件名",
}  # fmt: skip
# Shown masked, whoever reads the summary (个人信息保护法)
MASKED = {"head_id_number": "id_number", "id_number": "id_number", "phone": "phone"}


@dataclass
class Write:
    """A record to add, or the fields of a record to update, with the field's values."""

    table: str
    uuid: str
    office_id: int | None
    values: dict[str, Any]
    created_at: datetime | None = None
    changed_by: str | None = None

    @property
    def is_insert(self) -> bool:
        """A record the office does not have yet."""
        return self.office_id is None


@dataclass(frozen=True)
class FieldDiff:
    """One field of a conflict, side by side (values ready to show, personal data masked)."""

    column: str
    label: str
    checkout: str
    office: str
    field: str


@dataclass
class Conflict:
    """What the clerk must decide; `number` is what `take_field` names."""

    number: int
    kind: str
    table: str
    uuid: str
    title: str
    diffs: tuple[FieldDiff, ...]
    write: Write

    @property
    def kind_text(self) -> str:
        """The kind, in Chinese."""
        return CONFLICT_KINDS[self.kind]


@dataclass
class CheckinResult:
    """What a check-in did (or, with dry_run, would do)."""

    package_id: str
    grids: tuple[str, ...]
    added: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    conflicts: list[Conflict] = field(default_factory=list)
    taken_from_field: int = 0
    skip_reasons: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        """Whether anything was (or would be) written."""
        return bool(sum(self.added.values()) + sum(self.updated.values()) + self.taken_from_field)

    def lines(self) -> list[str]:
        """The summary, one line per kind, tables by their Chinese noun."""
        nouns = {t.name: t.noun for t in tables.SYNCED}

        def per_table(counter: Counter) -> str:
            total = sum(counter.values())
            parts = "、".join(f"{nouns[t]}{n}" for t, n in counter.items() if n)
            return f"{total}" + (f"（{parts}）" if parts else "")

        return [
            f"新增：{per_table(self.added)}",
            f"更新：{per_table(self.updated)}",
            f"冲突：{len(self.conflicts)}" + (
                f"（其中{self.taken_from_field}处采用外勤的值）" if self.taken_from_field else ""
            ),
            f"跳过：{per_table(self.skipped)}",
        ]  # fmt: skip


def show_value(column: str, value: Any) -> str:
    """A compared value as the clerk reads it; ID numbers and phones masked."""
    if value is None or value == "":
        return "（空）"
    if column in MASKED:
        return mask(MASKED[column], str(value))
    if column == "deleted_at":
        return "已删除"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and value.startswith("sha256:"):
        return "（图片）"
    if isinstance(value, str) and len(value) == 36 and value.count("-") == 4:
        return "（另一条记录）"
    return str(value)


def record_title(spec: tables.SyncedTable, values: dict[str, Any]) -> str:
    """`住户 张三（白鹤村1组3号）`, `走访记录 2026-05-01`, `文书 GZ2026-7F3A-000123`."""
    detail = {
        "household": lambda v: f"{v.get('head_name')}（{v.get('address')}）",
        "resident": lambda v: str(v.get("name")),
        "visit": lambda v: f"{v.get('visited_on')}",
        "letter": lambda v: str(v.get("number")),
        "attachment": lambda v: str(v.get("file_name")),
    }[spec.name](values)
    return f"{spec.noun} {detail}"
