"""The pages of the 导入住户花名册 dialog: the file, the column mapping, the rows of a plan.

Widgets only: the dialog (ui/imports/roster_dialog.py) wires them to the import steps.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.privacy import mask_id_number, mask_phone
from app.exchange.roster.columns import IGNORE, ROSTER_COLUMNS, RosterLayout
from app.exchange.roster.plan import STATUS_LABELS, RosterPlan
from ui.imports.roster_rows_model import RosterRowsModel

COLUMN_HEADERS = ["列", "文件中的表头", "前几行的内容", "导入为"]
ROW_HEIGHT = 24


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def masked_sample(text: str) -> str:
    """A sample cell as shown: anything that looks like an ID number or a phone is masked."""
    digits = sum(c.isdigit() for c in text)
    compact = "".join(text.split())
    if digits >= 15:
        return mask_id_number(compact)
    if digits >= 7:
        return mask_phone(compact)
    return text


class FilePage(QWidget):
    """第1步: the file, and the template to download."""

    def __init__(self) -> None:
        super().__init__()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("村居的花名册或网格系统导出的名单（.xlsx、.xls、.csv）")
        self.browse_button = QPushButton("浏览…")
        self.template_button = QPushButton("下载导入模板…")
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        help_text = QLabel(
            "每行一个人或一户：只有户主时每行一户；花名册中同一户号的人（或户主行下面的成员行）"
            "算作一户。\n表头可以和模板不同，下一步可以指定每一列的内容，选择会被记住。\n"
            "全角数字、空格、小写x、被Excel存成数字的电话和15位旧身份证号码会自动整理；"
            "有错的行不导入，并在结果中说明原因。"
        )
        help_text.setWordWrap(True)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_button)
        template_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("花名册文件："))
        layout.addLayout(row)
        layout.addWidget(help_text)
        layout.addLayout(template_row)
        layout.addStretch(1)


class ColumnsPage(QWidget):
    """第2步: what each column of the file is, and the import's options."""

    def __init__(self) -> None:
        super().__init__()
        self.header_label = QLabel()
        self.header_label.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(COLUMN_HEADERS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 40)
        header.resizeSection(1, 160)
        header.resizeSection(3, 150)
        self.table.verticalHeader().setVisible(False)
        self.village_box = QComboBox()
        self.village_box.setEditable(True)
        self.village_box.setMinimumWidth(200)
        self.duplicates_box = QComboBox()
        self.duplicates_box.addItem("跳过，不改动已有住户", "skip")
        self.duplicates_box.addItem("按文件更新已有住户", "update")
        self.old_ids_box = QComboBox()
        self.old_ids_box.addItem("升级为18位", "convert")
        self.old_ids_box.addItem("按原样保留（标注）", "keep")
        options = QGroupBox("导入选项")
        form = QFormLayout(options)
        form.addRow("村居（文件中没有或空着时）：", self.village_box)
        form.addRow("户主已在系统中：", self.duplicates_box)
        form.addRow("15位旧身份证号码：", self.old_ids_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(options)

    def fill(self, layout: RosterLayout, villages: list[str]) -> None:
        """Show the file's columns with the mapping found, and the villages to choose from."""
        self.header_label.setText(
            f"工作表“{layout.sheet_title}”第{layout.header_row}行是表头。请检查每一列“导入为”"
            "什么，不需要的列选“不导入”。这些选择会被记住，下次自动对应。"
        )
        table = self.table
        table.setRowCount(len(layout.headers))
        for index, header in enumerate(layout.headers):
            samples = "、".join(
                masked_sample(s[index]) for s in layout.samples if index < len(s) and s[index]
            )
            for column, text in enumerate((column_letter(index), header, samples)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                table.setItem(index, column, item)
            box = QComboBox()
            box.addItem("不导入", IGNORE)
            for roster_column in ROSTER_COLUMNS:
                box.addItem(roster_column.label, roster_column.key)
            box.setCurrentIndex(max(box.findData(layout.mapping.get(index, IGNORE)), 0))
            table.setCellWidget(index, 3, box)
        current = self.village_box.currentText()
        self.village_box.clear()
        self.village_box.addItems(villages)
        self.village_box.setCurrentText(current)

    def mapping(self) -> dict[int, str]:
        """Column index → roster key as chosen ("" for 不导入)."""
        chosen: dict[int, str] = {}
        for index in range(self.table.rowCount()):
            box = self.table.cellWidget(index, 3)
            assert isinstance(box, QComboBox)
            chosen[index] = box.currentData()
        return chosen


class RowsPage(QWidget):
    """第3步 and 第4步: a summary, and every row with its status, filtered by status."""

    def __init__(self, save_text: str) -> None:
        super().__init__()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.status = QComboBox()
        self.status.addItem("全部行", None)
        for code, label in STATUS_LABELS.items():
            self.status.addItem(f"只看“{label}”", code)
        self.model = RosterRowsModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.view.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 50), (1, 56), (2, 80), (3, 150), (4, 76), (6, 300)):
            self.view.setColumnWidth(column, width)
        self.save_button = QPushButton(save_text)
        self.status.currentIndexChanged.connect(lambda _i: self.show_plan(self.model.plan))
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.status)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

    def show_plan(self, plan: RosterPlan | None) -> None:
        """The plan's rows, those of the chosen status."""
        self.model.set_plan(plan, self.status.currentData())
