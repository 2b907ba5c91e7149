"""The files an import reads: .xlsx, .xls and .ods through python-calamine, .csv in UTF-8 or GBK.

The kind of a file is told by its content, not its name: WPS and the grid system's exports often
save an .xlsx named .xls. What cannot be read (a password, a Word document, a web page saved as
.xls, a damaged file) gets a Chinese message saying what to do. Rows come as lists from column A
of row 1, empty cells as "" or None, numbers as floats (Excel keeps every number as a float),
dates as `date`/`datetime`, formulas as the value Excel last computed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.validation import ValidationError

# The stream names that mark an OLE container as an encrypted (password-protected) .xlsx.
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_WORD_MARK = "WordDocument".encode("utf-16-le")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_SUFFIXES = (".csv", ".txt")
SAVE_AS_XLSX = "请在Excel或WPS中打开它，另存为“Excel工作簿（.xlsx）”后再导入。"

# (first row, first column, last row, last column), 0-based and inclusive
CellRange = tuple[int, int, int, int]


def unreadable(path: Path, reason: str) -> ValidationError:
    """The error a clerk sees for a file that cannot be read: its name and what to do."""
    return ValidationError({"": f"无法读取“{path.name}”：{reason}"})


@dataclass
class RawSheet:
    """One sheet's rows as stored; `rows` can be iterated once (ask `SheetFile.sheet` again)."""

    title: str
    rows: Iterator[list[Any]]
    merged: tuple[CellRange, ...]
    total_rows: int


class SheetFile:
    """An opened spreadsheet or CSV file: its visible sheets, read one at a time."""

    def __init__(self, path: Path, kind: str, workbook: Any = None, text: str = "") -> None:
        self.path = path
        self.kind = kind  # xlsx, xls, ods or csv
        self._workbook = workbook
        self._text = text
        self._loaded: dict[int, Any] = {}  # calamine sheets, each read from the file once

    @property
    def sheet_titles(self) -> list[str]:
        """The titles of the visible sheets, in workbook order (a CSV has one, its name)."""
        if self._workbook is None:
            return [self.path.stem]
        return [m.name for m in self._workbook.sheets_metadata if _visible(m)]

    def sheet(self, index: int = 0) -> RawSheet:
        """The `index`-th visible sheet; raises a Chinese `ValidationError` if it breaks."""
        if self._workbook is None:
            return _csv_sheet(self.path, self._text)
        sheet = self._loaded.get(index)
        if sheet is None:
            try:
                sheet = self._workbook.get_sheet_by_name(self.sheet_titles[index])
            except Exception as exc:  # calamine raises its own errors for damaged parts
                raise unreadable(self.path, "文件已损坏，无法读完。") from exc
            self._loaded[index] = sheet
        start = sheet.start
        pad = [""] * (start[1] if start else 0)
        rows = sheet.iter_rows()  # a new iterator from the first row on each call
        merged = tuple(
            (a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or ()) if a and b
        )
        return RawSheet(sheet.name, _padded(rows, pad) if pad else rows, merged, sheet.total_height)

    def close(self) -> None:
        """Release the workbook."""
        if self._workbook is not None:
            self._workbook.close()

    def __enter__(self) -> SheetFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _visible(metadata: Any) -> bool:
    return "Hidden" not in str(metadata.visible) and "WorkSheet" in str(metadata.typ)


def _padded(rows: Iterator[list[Any]], pad: list[Any]) -> Iterator[list[Any]]:
    """Rows shifted back to column A: calamine starts them at the first used column."""
    for row in rows:
        yield pad + row


def _csv_sheet(path: Path, text: str) -> RawSheet:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    return RawSheet(path.stem, iter(rows), (), len(rows))


def _decode_text(data: bytes) -> str | None:
    """The file as text in UTF-8 (with or without BOM) or GBK (GB18030); None if binary."""
    if b"\x00" in data[:4096]:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise unreadable(path, "文件已损坏或不是Excel工作簿（.xlsx）。" + SAVE_AS_XLSX) from exc
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    if "word/document.xml" in names:
        raise unreadable(path, "这是Word文档，不是Excel表格。请把名单复制到Excel表格中再导入。")
    raise unreadable(path, "不是Excel工作簿（.xlsx）。" + SAVE_AS_XLSX)


def open_sheet_file(path: Path | str, allow_csv: bool = True) -> SheetFile:
    """Open a spreadsheet for reading, whatever its name says; Chinese `ValidationError` if not.

    .xlsx, .xlsm, .xls and .ods are read by content. Text is read as CSV (UTF-8 or GBK, comma,
    tab or semicolon) when `allow_csv` and the name ends in .csv or .txt.
    """
    path = Path(path)
    if not path.is_file():
        raise unreadable(path, "文件不存在")
    data = path.read_bytes()
    if not data:
        raise unreadable(path, "文件是空的。")
    if data.startswith(b"PK"):
        kind = _zip_kind(path)
    elif data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARK in data:
            raise unreadable(
                path,
                "文件设置了打开密码。请在Excel中打开它，在“文件→信息→保护工作簿→用密码进行加密”"
                "（WPS：“文件→文档加密”）中删除密码并保存，再导入。",
            )
        if _WORD_MARK in data:
            raise unreadable(path, "这是Word文档，不是Excel表格。请把名单复制到Excel表格中再导入。")
        kind = "xls"
    elif data.startswith(b"%PDF"):
        raise unreadable(path, "这是PDF文件，不是Excel表格。请导入Excel或CSV格式的名单。")
    else:
        return _text_file(path, data, allow_csv)
    return _calamine_file(path, data, kind)


def _text_file(path: Path, data: bytes, allow_csv: bool) -> SheetFile:
    text = _decode_text(data)
    if text is None:
        raise unreadable(path, "不是Excel工作簿（.xlsx、.xls）或CSV文件。" + SAVE_AS_XLSX)
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype", "<html", "<table", "<?xml")):
        raise unreadable(
            path,
            "这是网页格式的表格（系统导出的“.xls”常是这样），不是真正的Excel工作簿。"
            + SAVE_AS_XLSX,
        )
    if allow_csv and path.suffix.lower() in TEXT_SUFFIXES:
        return SheetFile(path, "csv", text=text)
    if allow_csv:
        reason = (
            "不是Excel工作簿，而是文本文件（可能是CSV）。"
            "如果是CSV文件，请把文件扩展名改为.csv；或在Excel中另存为.xlsx后再导入。"
        )
    else:
        reason = "不是Excel工作簿（.xlsx）。" + SAVE_AS_XLSX
    raise unreadable(path, reason)


def _calamine_file(path: Path, data: bytes, kind: str) -> SheetFile:
    # python-calamine costs start-up time: import it only when someone imports
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise unreadable(path, "文件设置了密码。请在Excel中删除密码并保存，再导入。") from exc
    except Exception as exc:  # zip, XML and format errors all mean the same to a clerk
        if kind == "xls":
            reason = (
                "这是加了密码的文件，或已损坏的旧版.xls文件。"
                "请在Excel中去掉密码、另存为.xlsx后再导入。"
            )
        else:
            reason = "文件已损坏或不是Excel工作簿（.xlsx）。" + SAVE_AS_XLSX
        raise unreadable(path, reason) from exc
    result = SheetFile(path, kind, workbook=workbook)
    if not result.sheet_titles:
        result.close()
        raise unreadable(path, "工作簿里没有可见的工作表。")
    return result


def first_rows(sheet: RawSheet, count: int) -> list[list[Any]]:
    """Take the first `count` rows of `sheet` (the rest stay in `sheet.rows`)."""
    taken: list[list[Any]] = []
    for row in sheet.rows:
        taken.append(row)
        if len(taken) >= count:
            break
    return taken


def is_blank(value: Any) -> bool:
    """An empty cell: None, "" or only spaces (full-width too)."""
    return value is None or (isinstance(value, str) and not value.strip())


def merged_fill(rows: Sequence[list[Any]], merged: Sequence[CellRange]) -> list[list[Any]]:
    """Copies of `rows` with each merged range's value repeated over the whole range."""
    filled = [list(row) for row in rows]
    for first_row, first_col, last_row, last_col in merged:
        if first_row >= len(filled) or first_col >= len(filled[first_row]):
            continue
        value = filled[first_row][first_col]
        for r in range(first_row, min(last_row, len(filled) - 1) + 1):
            row = filled[r]
            if len(row) <= last_col:
                row.extend([""] * (last_col + 1 - len(row)))
            for c in range(first_col, last_col + 1):
                if is_blank(row[c]):
                    row[c] = value
    return filled
