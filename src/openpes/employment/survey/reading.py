"""From an uploaded file to a table: which sheet, which row is the header, which column is which, which
rows are data.

What offices send: .xlsx, .xls (and .xlsm, .xlsb, .ods, which python-calamine reads the same way), CSV in
UTF-8 (with or without a BOM), GBK/GB18030 or UTF-16 ("Unicode text" from Excel, tab separated), and text
files named .xls. The header is found by its names in the first rows, under a title row or merged group
cells ("就业情况" over 就业状态 and 就业形式); a cell of a two-row header left empty by a vertical merge takes
the name above it. Rows that are not people are skipped and said so: empty rows (a row with only a 序号 is
empty), a row of column numbers (1, 2, 3 …) under the header, the template's example row (a cell saying
示例), and footers such as 填表人/审核人/合计.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, PasswordError, SheetVisibleEnum

from openpes.core.errors import DomainError
from openpes.employment.survey.columns import BY_KEY, COLUMNS, HEADER_LOOKUP, REQUIRED, header_key
from openpes.employment.survey.values import clean_text

HEADER_SCAN_ROWS = 30  # the header is within the first rows, under at most a title and a group row
HEADER_DEPTH = 3  # rows a vertically merged header cell may span
EXAMPLE_MARK = "示例"
FOOTER_WORDS = (
    "填表人",
    "填报人",
    "填表单位",
    "填报单位",
    "审核人",
    "负责人",
    "制表人",
    "统计人",
    "采集人",
    "调查人",
    "联系人",
    "填报日期",
    "填表日期",
    "合计",
    "总计",
    "备注",
    "说明",
    "注：",
    "注:",
)


class SurveyFileError(DomainError):
    """A file that cannot be read as a survey at all: the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__("file", message)

    @property
    def message(self) -> str:
        return self.errors[0].message


@dataclass
class Table:
    """The data rows of the survey sheet, as the file has them."""

    sheet: str  # "" for a CSV file
    header_line: int  # 1-based line of the header's last row
    headers: list[str]  # each column's header text as written (a merged name above filled in), "" if none
    columns: dict[str, list[int]]  # SurveyRow field -> the columns carrying it, left to right
    rows: list[tuple[int, list[Any]]]  # (1-based line, cells) of every data row
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, why) of rows that are not people

    def header_of(self, key: str) -> str:
        """The column's header as the file writes it, for messages the clerk will match to the file."""
        found = self.columns.get(key)
        return self.headers[found[0]] if found else BY_KEY[key].header


@dataclass
class _Header:
    index: int  # 0-based row of the header's last row
    headers: list[str]
    columns: dict[str, list[int]]

    @property
    def complete(self) -> bool:
        return all(column.key in self.columns for column in REQUIRED)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a file's rows are built: the rows make no cycles, and each
    collection would walk all of them again (a third of the time of reading a big file)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_table(content: bytes, filename: str) -> Table:
    """Read the survey table of an uploaded file; raise SurveyFileError when there is none. The content
    decides how the file is read, not `filename` (files are renamed; web systems export text as .xls)."""
    with gc_paused():
        return _read_table(content)


def _read_table(content: bytes) -> Table:
    if not content:
        raise SurveyFileError("文件是空的，请重新选择文件")
    kind = _kind(content)
    if kind == "html":
        raise SurveyFileError(
            "该文件实际是网页（HTML）格式，不是Excel文件：请用Excel或WPS打开后另存为.xlsx再上传"
        )
    if kind == "text":
        return _read_text(content)
    return _read_workbook(content)


def _kind(content: bytes) -> str:
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return "workbook"
    start = content[:512].lstrip(codecs.BOM_UTF8).lstrip().lower()
    if start.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        return "html"
    return "text"


# ------------------------------------------------------------------------------------------ workbooks


def _read_workbook(content: bytes) -> Table:
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(content)) as book:
            return _pick_sheet(book)
    except PasswordError as exc:
        raise SurveyFileError("文件设置了打开密码，请在Excel中取消密码后再上传") from exc
    except CalamineError as exc:
        raise SurveyFileError(
            "无法读取该文件，可能已损坏或不是Excel文件；请用Excel或WPS打开后另存为.xlsx再上传"
        ) from exc


def _pick_sheet(book: CalamineWorkbook) -> Table:
    """The sheet with the header: visible sheets first (a hidden one is often last year's copy or a list
    behind a drop-down), then the one whose header names the most columns. Two sheets of people would mean
    half of them silently left out, so that is refused."""
    found: list[tuple[bool, int, str, _Header, list[list[Any]], Iterator[list[Any]], CalamineSheet]] = []
    for position, meta in enumerate(book.sheets_metadata):
        sheet = book.get_sheet_by_index(position)
        rows = iter(sheet.iter_rows())
        head = [row for _, row in zip(range(HEADER_SCAN_ROWS), rows, strict=False)]
        header = _find_header(head)
        if header is not None:
            visible = meta.visible == SheetVisibleEnum.Visible
            found.append((visible, position, meta.name, header, head, rows, sheet))
    if not found:
        raise SurveyFileError(_no_header_message(None))
    found.sort(key=lambda item: (not item[0], not item[3].complete, -len(item[3].columns), item[1]))
    visible, _, name, header, head, rows, sheet = found[0]
    if not header.complete:
        raise SurveyFileError(_no_header_message(header))
    others = [
        other_name
        for other_visible, _, other_name, other_header, other_head, other_rows, _ in found[1:]
        if other_visible == visible
        and other_header.complete
        and _has_data(other_header, other_head, other_rows)
    ]
    if others:
        sheets = "、".join(f"“{sheet}”" for sheet in (name, *others))
        raise SurveyFileError(
            f"文件中有多个工作表都填写了采集表（{sheets}），每次只能导入一个：请把它们合并到一个工作表，或分别保存为单独的文件上传"
        )
    return _table(name, header, head, rows, _merged_ranges(sheet))


def _merged_ranges(sheet: CalamineSheet) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) of each merged range, in the coordinates of
    `iter_rows`, which starts at row 0 but at the sheet's first used column."""
    ranges = sheet.merged_cell_ranges or []  # None where the format does not say
    offset = sheet.start[1] if sheet.start else 0
    return [(top, left - offset, bottom, right - offset) for (top, left), (bottom, right) in ranges]


def _has_data(header: _Header, head: list[list[Any]], rest: Iterator[list[Any]]) -> bool:
    used = _used_columns(header)
    return any(not _blank(_pick(used, row)) for row in _chain_after(head, header.index, rest))


# ---------------------------------------------------------------------------------------------- text


def _decode(content: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError as exc:
                raise SurveyFileError(
                    "文件的字符编码有误，无法读取；请用Excel打开后另存为.xlsx再上传"
                ) from exc
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 contains GBK and GB2312: what Excel and WPS write for "CSV" on a Chinese Windows.
        return content.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise SurveyFileError(
            "无法识别文件的字符编码（不是UTF-8或GBK）；请用Excel打开后另存为.xlsx再上传"
        ) from exc


def _read_text(content: bytes) -> Table:
    text = _decode(content).replace("\x00", "")
    best: tuple[int, str, _Header, list[list[Any]]] | None = None
    for delimiter in (",", "\t", ";"):
        head = list(_csv_rows(text, delimiter, HEADER_SCAN_ROWS))
        header = _find_header(head)
        if header is not None and (
            best is None or (header.complete, len(header.columns)) > (best[2].complete, best[0])
        ):
            best = (len(header.columns), delimiter, header, head)
    if best is None:
        raise SurveyFileError(_no_header_message(None))
    _, delimiter, header, head = best
    if not header.complete:
        raise SurveyFileError(_no_header_message(header))
    rows = _csv_rows(text, delimiter)
    for _ in head:
        next(rows)
    return _table("", header, head, rows)


def _csv_rows(text: str, delimiter: str, limit: int | None = None) -> Iterator[list[Any]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for count, row in enumerate(reader):
        if limit is not None and count >= limit:
            return
        yield row


# ---------------------------------------------------------------------------------------------- header


def _find_header(head: list[list[Any]]) -> _Header | None:
    """The row naming the most survey columns, a blank cell taking the name above it (vertical merges)."""
    best: _Header | None = None
    for index, row in enumerate(head):
        headers: list[str] = []
        columns: dict[str, list[int]] = {}
        for position in range(len(row)):
            text = _header_text(head, index, position)
            headers.append(text)
            key = HEADER_LOOKUP.get(header_key(text)) if text else None
            if key is not None:
                columns.setdefault(key, []).append(position)
        if columns and (best is None or len(columns) > len(best.columns)):
            best = _Header(index, headers, columns)
    return best


def _header_text(head: list[list[Any]], index: int, position: int) -> str:
    for above in range(index, max(index - HEADER_DEPTH, -1), -1):
        row = head[above]
        cell = row[position] if position < len(row) else ""
        if isinstance(cell, str) and cell.strip():
            return " ".join(cell.split())
        if cell not in ("", None):
            return ""  # a number or a date: data, not a header
    return ""


def _no_header_message(header: _Header | None) -> str:
    required = "、".join(column.header for column in REQUIRED)
    if header is None:
        return f"没有找到采集表的表头：表头须包含{required}等列名；请使用“下载模板”得到的表格填写"
    missing = "、".join(column.header for column in REQUIRED if column.key not in header.columns)
    recognised = "、".join(column.header for column in COLUMNS if column.key in header.columns)
    other = "、".join(
        text for position, text in enumerate(header.headers) if text and not _claimed(header, position)
    )
    message = f"表头（第{header.index + 1}行）缺少必填列：{missing}。已识别的列：{recognised}"
    if other:
        message += f"；未识别的列：{other}"
    return message + "。请把列名改成模板中的名称后重新上传"


def _claimed(header: _Header, position: int) -> bool:
    return any(position in positions for positions in header.columns.values())


# ------------------------------------------------------------------------------------------------ rows


def _used_columns(header: _Header) -> list[int]:
    return sorted({position for positions in header.columns.values() for position in positions})


def _pick(used: list[int], row: list[Any]) -> list[Any]:
    width = len(row)
    return [row[position] if position < width else "" for position in used]


def _blank(values: Iterable[Any]) -> bool:
    return not any(_filled(value) for value in values)


def _chain_after(head: list[list[Any]], index: int, rest: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield from head[index + 1 :]
    yield from rest


def _table(
    sheet: str,
    header: _Header,
    head: list[list[Any]],
    rest: Iterator[list[Any]],
    merged: Sequence[tuple[int, int, int, int]] = (),
) -> Table:
    table = Table(sheet, header.index + 1, header.headers, header.columns, [])
    fills = _MergedFill(merged, below=header.index)
    used = _used_columns(header)
    width = max(used) + 1
    name_at = header.columns["name"][0]
    id_at = header.columns["id_number"][0]
    picked = itemgetter(*used) if len(used) > 1 else (lambda row: (row[used[0]],))
    first = True
    for line, row in enumerate(_chain_after(head, header.index, rest), start=header.index + 2):
        if len(row) < width:
            row = [*row, *[""] * (width - len(row))]
        values = picked(row)
        blank = not any(values) or _blank(values)
        if fills:
            fills.apply(line - 1, row)
        if blank:
            continue
        why = _not_a_person(row, name_at, id_at, first)
        first = False
        if why:
            table.skipped.append((line, why))
        else:
            table.rows.append((line, row))
    return table


class _MergedFill:
    """Merged cells among the data rows hold their value in the top-left cell only; a household's address
    merged down over its members is the common case. Each covered cell gets the value, row by row as the
    rows go past (a row that was empty before filling stays skipped)."""

    def __init__(self, merged: Sequence[tuple[int, int, int, int]], *, below: int) -> None:
        self.starting: dict[int, list[tuple[int, int, int, int]]] = {}
        for top, left, bottom, right in merged:
            if top > below and (bottom > top or right > left):
                self.starting.setdefault(top, []).append((top, left, bottom, right))
        self.pending: dict[int, list[tuple[int, int, Any]]] = {}

    def __bool__(self) -> bool:
        return bool(self.starting or self.pending)

    def apply(self, index: int, row: list[Any]) -> None:
        for top, left, bottom, right in self.starting.pop(index, ()):
            value = row[left] if 0 <= left < len(row) else ""
            for covered in range(top, bottom + 1):
                self.pending.setdefault(covered, []).append((left, right, value))
        for left, right, value in self.pending.pop(index, ()):
            for column in range(max(left, 0), min(right + 1, len(row))):
                row[column] = value


def _not_a_person(row: list[Any], name_at: int, id_at: int, first: bool) -> str:
    """Why a non-empty row is not a person ("" when it is one). It runs on every row: the usual row, with
    a name and no 示例 mark, is let through on its first two cells."""
    name, lead = row[name_at], row[0]
    if _marks_example(name) or _marks_example(lead) or (isinstance(lead, str) and lead.strip() == "例"):
        return "示例行"
    if first:
        filled = [text for text in (clean_text(cell) for cell in row) if text]
        if len(filled) >= 3 and all(text.isdigit() for text in filled):
            numbers = [int(text) for text in filled]
            if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
                return "列序号行"
    if not _filled(name) and not _filled(row[id_at]):
        filled_first = next((text for text in (clean_text(cell) for cell in row) if text), "")
        if filled_first.startswith(FOOTER_WORDS):
            return "表尾说明"
    return ""


def _filled(cell: Any) -> bool:
    return cell is not None and cell != "" and (not isinstance(cell, str) or not cell.isspace())


def _marks_example(cell: Any) -> bool:
    if not isinstance(cell, str) or EXAMPLE_MARK not in cell:
        return False
    text = clean_text(cell)
    return text.startswith(EXAMPLE_MARK) or f"（{EXAMPLE_MARK}）" in text or f"({EXAMPLE_MARK})" in text
