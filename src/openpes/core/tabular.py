"""From an uploaded spreadsheet to a table of rows, and back to the workbooks a clerk downloads: the parts
every import of office files shares (the labour-force survey, the vacancy files). No Django here.

What offices send: .xlsx, .xls (and .xlsm, .xlsb, .ods, which python-calamine reads the same way), CSV in
UTF-8 (with or without a BOM), GBK/GB18030 or UTF-16 ("Unicode text" from Excel, tab separated), and text
files named .xls. The header is found by its names in the first rows, under a title row or merged group
cells ("就业情况" over 就业状态 and 就业形式); a cell of a two-row header left empty by a vertical merge takes
the name above it. Merged cells among the data rows give their value to every cell they cover. Rows that are
not data are skipped and said so: empty rows, a row of column numbers (1, 2, 3 …) under the header, the
template's example row (a cell saying 示例), and footers such as 填表人/审核人/合计.

An import describes its file with a `TableSpec`: its columns (a header and the variants offices write), which
columns a data row has (the example mark and footers are looked for there), and the noun its messages use.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gc
import io
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import xlsxwriter
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, PasswordError, SheetVisibleEnum

from openpes.core.errors import DomainError
from openpes.core.spreadsheet import FORMULA_STARTS, spreadsheet_text

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
LINE_HEADER = "原行号"
PROBLEM_HEADER = "问题"
TEXT_FORMAT = 49  # Excel's built-in "@": what is typed stays text, digits and all
WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


# ---------------------------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    key: str  # the field of the import's row it fills
    header: str  # our name, the template's header
    variants: tuple[str, ...]  # other headers meaning the same column
    note: str  # what the template's notes sheet says of it
    width: int = 12
    required: bool = False


# 姓名（必填）, *姓名, 公民身份号码[18位], 联系电话：: the decorations offices add to a header.
_DECORATION = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]|^[*＊※★☆#]+|[:：*＊]+$")


def header_key(text: str) -> str:
    """The form a header is compared in: NFKC, no white space (headers wrap inside their cell), no
    decorations."""
    plain = "".join(unicodedata.normalize("NFKC", text).split())
    return _DECORATION.sub("", plain).lower()


class ColumnSet:
    """The columns of one kind of file, looked up by any of their headers."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = tuple(columns)
        self.required = tuple(column for column in self.columns if column.required)
        self.by_key = {column.key: column for column in self.columns}
        self.lookup: dict[str, str] = {}
        for column in self.columns:
            for name in (column.header, *column.variants):
                if self.lookup.setdefault(header_key(name), column.key) != column.key:
                    raise ValueError(f"header {name} names two columns")

    def __iter__(self) -> Iterator[Column]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)


@dataclass(frozen=True)
class TableSpec:
    columns: ColumnSet
    noun: str  # what the file is to the clerk: 采集表, 岗位表
    row_keys: tuple[str, ...]  # the columns a data row fills (at least one of them): where 示例 is looked for
    blank_markers: frozenset[str] = frozenset()  # cell texts meaning "empty" (/, 无), in clean_text's form
    multiple_sheets_hint: str = "请把它们合并到一个工作表，或分别保存为单独的文件上传"
    # Keep a row holding one text and nothing else, wherever it stands (merged across the row, or alone in a
    # column that is not the table's): an employer's name above a block of its jobs, in a fair's file.
    headings: bool = False
    # A header names at least this many columns (a notes sheet listing the column names one a row is not one).
    min_columns: int = 1


class TableFileError(DomainError):
    """A file that cannot be read as the table at all: the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__("file", message)

    @property
    def message(self) -> str:
        return self.errors[0].message


@dataclass
class Table:
    """The data rows of the sheet, as the file has them."""

    sheet: str  # "" for a CSV file
    header_line: int  # 1-based line of the header's last row
    headers: list[str]  # each column's header text as written (a merged name above filled in), "" if none
    columns: dict[str, list[int]]  # column key -> the columns carrying it, left to right
    rows: list[tuple[int, list[Any]]]  # (1-based line, cells) of every data row
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, why) of rows that are not data
    spec: TableSpec | None = None

    def header_of(self, key: str) -> str:
        """The column's header as the file writes it, for messages the clerk will match to the file."""
        found = self.columns.get(key)
        if found:
            return self.headers[found[0]]
        return self.spec.columns.by_key[key].header if self.spec else key


@dataclass
class _Header:
    index: int  # 0-based row of the header's last row
    headers: list[str]
    columns: dict[str, list[int]]
    spec: TableSpec

    @property
    def complete(self) -> bool:
        return all(column.key in self.columns for column in self.spec.columns.required)


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


# ---------------------------------------------------------------------------------------------- cells

# Full-width digits and Latin letters become ASCII. Chinese punctuation (，（）：) is left as written: in an
# address or a company name it is how the name is spelled.
_FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
# Marks with no width that text copied from Windows programs brings along (an ID number pasted from some
# systems arrives wrapped in U+202D ... U+202C).
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"[\s\u3000\u00a0]+")


def cell_text(value: object) -> str:
    """The text a cell shows: numbers without a trailing .0, dates as yyyy-mm-dd, text as written."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if abs(value) >= 1e15 and math.isfinite(value):
            # As Excel's General format shows it (4.30527E+17): never as digits that could pass for the ID
            # number the spreadsheet lost, in an error workbook that comes back for import.
            return f"{value:.6G}"
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def clean_text(value: object, blank_markers: Collection[str] = ()) -> str:
    """Trimmed text with runs of white space (full-width and non-breaking too) made one space and full-width
    letters and digits made ASCII; "" for the given markers of an empty cell (/, -, 无)."""
    text = cell_text(value)
    if not text:
        return ""
    if text.isascii() and text.isalnum():
        return text  # the usual digits of a phone or an ID number: nothing to clean
    if not text.isascii():
        text = _INVISIBLE.sub("", text.translate(_FULL_WIDTH_ALNUM))
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        text = text[1:]  # what spreadsheet_text added to a cell of our own workbooks
    text = _SPACES.sub(" ", text).strip()
    if blank_markers and len(text) <= 4 and text.lower() in blank_markers:
        return ""
    return text


# ---------------------------------------------------------------------------------------------- reading


def read_table(content: bytes, spec: TableSpec) -> Table:
    """Read the table of an uploaded file; raise TableFileError when there is none. The content decides
    how the file is read, not its name (files are renamed; web systems export text as .xls)."""
    with gc_paused():
        return _Reader(spec).read(content)


def _kind(content: bytes) -> str:
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return "workbook"
    start = content[:512].lstrip(codecs.BOM_UTF8).lstrip().lower()
    if start.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        return "html"
    return "text"


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
                raise TableFileError(
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
        raise TableFileError(
            "无法识别文件的字符编码（不是UTF-8或GBK）；请用Excel打开后另存为.xlsx再上传"
        ) from exc


def _csv_rows(text: str, delimiter: str, limit: int | None = None) -> Iterator[list[Any]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for count, row in enumerate(reader):
        if limit is not None and count >= limit:
            return
        yield row


class _Reader:
    def __init__(self, spec: TableSpec) -> None:
        self.spec = spec

    def read(self, content: bytes) -> Table:
        if not content:
            raise TableFileError("文件是空的，请重新选择文件")
        kind = _kind(content)
        if kind == "html":
            raise TableFileError(
                "该文件实际是网页（HTML）格式，不是Excel文件：请用Excel或WPS打开后另存为.xlsx再上传"
            )
        if kind == "text":
            return self._read_text(content)
        return self._read_workbook(content)

    # ------------------------------------------------------------------------------------ workbooks

    def _read_workbook(self, content: bytes) -> Table:
        try:
            with CalamineWorkbook.from_filelike(io.BytesIO(content)) as book:
                return self._pick_sheet(book)
        except PasswordError as exc:
            raise TableFileError("文件设置了打开密码，请在Excel中取消密码后再上传") from exc
        except CalamineError as exc:
            raise TableFileError(
                "无法读取该文件，可能已损坏或不是Excel文件；请用Excel或WPS打开后另存为.xlsx再上传"
            ) from exc

    def _pick_sheet(self, book: CalamineWorkbook) -> Table:
        """The sheet with the header: visible sheets first (a hidden one is often last year's copy or a
        list behind a drop-down), then the one whose header names the most columns. Two sheets of data
        would mean half of them silently left out, so that is refused."""
        found: list[tuple[bool, int, str, _Header, list[list[Any]], Iterator[list[Any]], CalamineSheet]] = []
        for position, meta in enumerate(book.sheets_metadata):
            sheet = book.get_sheet_by_index(position)
            rows = iter(sheet.iter_rows())
            head = [row for _, row in zip(range(HEADER_SCAN_ROWS), rows, strict=False)]
            header = self._find_header(head)
            if header is not None:
                visible = meta.visible == SheetVisibleEnum.Visible
                found.append((visible, position, meta.name, header, head, rows, sheet))
        if not found:
            raise TableFileError(self._no_header_message(None))
        found.sort(key=lambda item: (not item[0], not item[3].complete, -len(item[3].columns), item[1]))
        visible, _, name, header, head, rows, sheet = found[0]
        if not header.complete:
            raise TableFileError(self._no_header_message(header))
        others = [
            other_name
            for other_visible, _, other_name, other_header, other_head, other_rows, _ in found[1:]
            if other_visible == visible
            and other_header.complete
            and _has_data(other_header, other_head, other_rows)
        ]
        if others:
            sheets = "、".join(f"“{sheet}”" for sheet in (name, *others))
            raise TableFileError(
                f"文件中有多个工作表都填写了{self.spec.noun}（{sheets}），每次只能导入一个：{self.spec.multiple_sheets_hint}"
            )
        return self._table(name, header, head, rows, _merged_ranges(sheet))

    # ----------------------------------------------------------------------------------------- text

    def _read_text(self, content: bytes) -> Table:
        text = _decode(content).replace("\x00", "")
        best: tuple[int, str, _Header, list[list[Any]]] | None = None
        for delimiter in (",", "\t", ";"):
            head = list(_csv_rows(text, delimiter, HEADER_SCAN_ROWS))
            header = self._find_header(head)
            if header is not None and (
                best is None or (header.complete, len(header.columns)) > (best[2].complete, best[0])
            ):
                best = (len(header.columns), delimiter, header, head)
        if best is None:
            raise TableFileError(self._no_header_message(None))
        _, delimiter, header, head = best
        if not header.complete:
            raise TableFileError(self._no_header_message(header))
        rows = _csv_rows(text, delimiter)
        for _ in head:
            next(rows)
        return self._table("", header, head, rows)

    # --------------------------------------------------------------------------------------- header

    def _find_header(self, head: list[list[Any]]) -> _Header | None:
        """The row naming the most columns, a blank cell taking the name above it (vertical merges)."""
        lookup = self.spec.columns.lookup
        best: _Header | None = None
        for index, row in enumerate(head):
            headers: list[str] = []
            columns: dict[str, list[int]] = {}
            for position in range(len(row)):
                text = _header_text(head, index, position)
                headers.append(text)
                key = lookup.get(header_key(text)) if text else None
                if key is not None:
                    columns.setdefault(key, []).append(position)
            if len(columns) >= max(self.spec.min_columns, 1) and (
                best is None or len(columns) > len(best.columns)
            ):
                best = _Header(index, headers, columns, self.spec)
        return best

    def _no_header_message(self, header: _Header | None) -> str:
        columns = self.spec.columns
        required = "、".join(column.header for column in columns.required)
        if header is None:
            return (
                f"没有找到{self.spec.noun}的表头：表头须包含{required}等列名；请使用“下载模板”得到的表格填写"
            )
        missing = "、".join(column.header for column in columns.required if column.key not in header.columns)
        recognised = "、".join(column.header for column in columns if column.key in header.columns)
        other = "、".join(
            text for position, text in enumerate(header.headers) if text and not _claimed(header, position)
        )
        message = f"表头（第{header.index + 1}行）缺少必填列：{missing}。已识别的列：{recognised}"
        if other:
            message += f"；未识别的列：{other}"
        return message + "。请把列名改成模板中的名称后重新上传"

    # ----------------------------------------------------------------------------------------- rows

    def _table(
        self,
        sheet: str,
        header: _Header,
        head: list[list[Any]],
        rest: Iterator[list[Any]],
        merged: Sequence[tuple[int, int, int, int]] = (),
    ) -> Table:
        table = Table(sheet, header.index + 1, header.headers, header.columns, [], spec=self.spec)
        fills = _MergedFill(merged, below=header.index)
        used = _used_columns(header)
        width = max(used) + 1
        keys = [header.columns[key][0] for key in self.spec.row_keys if key in header.columns]
        picked = itemgetter(*used) if len(used) > 1 else (lambda row: (row[used[0]],))
        first = True
        for line, row in enumerate(_chain_after(head, header.index, rest), start=header.index + 2):
            if len(row) < width:
                row = [*row, *[""] * (width - len(row))]
            values = picked(row)
            blank = not any(values) or _blank(values)
            if fills:
                fills.apply(line - 1, row)
            if blank and not (self.spec.headings and _one_text(row)):
                continue
            why = self._not_data(row, keys, first)
            first = False
            if why:
                table.skipped.append((line, why))
            else:
                table.rows.append((line, row))
        return table

    def _not_data(self, row: list[Any], keys: list[int], first: bool) -> str:
        """Why a non-empty row is not data ("" when it is). It runs on every row: the usual row, with its
        first key column filled and no 示例 mark, is let through on its first two cells."""
        lead = row[0]
        main = row[keys[0]] if keys else lead
        if _marks_example(main) or _marks_example(lead) or (isinstance(lead, str) and lead.strip() == "例"):
            return "示例行"
        markers = self.spec.blank_markers
        if first:
            filled = [text for text in (clean_text(cell, markers) for cell in row) if text]
            if len(filled) >= 3 and all(text.isdigit() for text in filled):
                numbers = [int(text) for text in filled]
                if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
                    return "列序号行"
        if not any(_filled(row[key]) for key in keys):
            filled_first = next((text for text in (clean_text(cell, markers) for cell in row) if text), "")
            if filled_first.startswith(FOOTER_WORDS):
                return "表尾说明"
        return ""


def _merged_ranges(sheet: CalamineSheet) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) of each merged range, in the coordinates of
    `iter_rows`, which starts at row 0 but at the sheet's first used column."""
    ranges = sheet.merged_cell_ranges or []  # None where the format does not say
    offset = sheet.start[1] if sheet.start else 0
    return [(top, left - offset, bottom, right - offset) for (top, left), (bottom, right) in ranges]


def _has_data(header: _Header, head: list[list[Any]], rest: Iterator[list[Any]]) -> bool:
    used = _used_columns(header)
    return any(not _blank(_pick(used, row)) for row in _chain_after(head, header.index, rest))


def _header_text(head: list[list[Any]], index: int, position: int) -> str:
    for above in range(index, max(index - HEADER_DEPTH, -1), -1):
        row = head[above]
        cell = row[position] if position < len(row) else ""
        if isinstance(cell, str) and cell.strip():
            return " ".join(cell.split())
        if cell not in ("", None):
            return ""  # a number or a date: data, not a header
    return ""


def _claimed(header: _Header, position: int) -> bool:
    return any(position in positions for positions in header.columns.values())


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


class _MergedFill:
    """Merged cells among the data rows hold their value in the top-left cell only; a household's address
    merged down over its members, or an employer's name over its jobs, is the common case. Each covered
    cell gets the value, row by row as the rows go past (a row that was empty before filling stays
    skipped)."""

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


def _one_text(row: list[Any]) -> bool:
    texts = {cell.strip() for cell in row if isinstance(cell, str) and cell.strip()}
    return len(texts) == 1 and all(isinstance(cell, str) or not _filled(cell) for cell in row)


def _filled(cell: Any) -> bool:
    return cell is not None and cell != "" and (not isinstance(cell, str) or not cell.isspace())


def _marks_example(cell: Any) -> bool:
    if not isinstance(cell, str) or EXAMPLE_MARK not in cell:
        return False
    text = clean_text(cell)
    return text.startswith(EXAMPLE_MARK) or f"（{EXAMPLE_MARK}）" in text or f"({EXAMPLE_MARK})" in text


# --------------------------------------------------------------------------------------------- workbooks


@dataclass(frozen=True)
class ProblemRow:
    """A row of the error workbook: its line in the upload, its cells as uploaded, what is wrong."""

    line: int
    cells: Sequence[Any]
    messages: Sequence[str]


def error_workbook(
    headers: Sequence[str],
    rows: Iterable[ProblemRow],
    *,
    columns: ColumnSet,
    sheet_name: str = "需修改的行",
) -> bytes:
    """The rows to fix, as uploaded, with the line they had and a 问题 column. It reads back through
    `read_table` as the rows it lists (the 原行号 and 问题 columns are not among the import's columns). Every
    text cell goes through `spreadsheet_text`, so that nothing uploaded runs as a formula when the workbook
    is opened; `clean_text` takes the added apostrophe off again."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    sheet = book.add_worksheet(sheet_name)
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    problem = book.add_format({"font_color": "#C00000", "text_wrap": True})
    as_text = book.add_format({"num_format": TEXT_FORMAT})
    width = len(headers)
    widths = {header_key(column.header): column.width for column in columns}
    sheet.write_string(0, 0, LINE_HEADER, header)
    sheet.set_column(0, 0, 8)
    for position, text in enumerate(headers, start=1):
        sheet.write_string(0, position, spreadsheet_text(text), header)
        sheet.set_column(position, position, widths.get(header_key(text), 12), as_text)
    sheet.write_string(0, width + 1, PROBLEM_HEADER, header)
    sheet.set_column(width + 1, width + 1, 60, problem)
    for out, row in enumerate(rows, start=1):
        sheet.write_number(out, 0, row.line)
        for position in range(width):
            value = row.cells[position] if position < len(row.cells) else ""
            sheet.write_string(out, position + 1, spreadsheet_text(cell_text(value)))
        sheet.write_string(out, width + 1, spreadsheet_text("；".join(row.messages)), problem)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


@dataclass(frozen=True)
class TemplateSpec:
    """What a template workbook shows: a title, the header with 序号 first, an example row marked 示例,
    per-column cell formats and drop-down lists, and a notes sheet."""

    title: str
    sheet: str
    columns: ColumnSet
    example: Mapping[str, str]  # column key -> the example row's text
    general_notes: Sequence[str]
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)  # column key -> the drop-down list
    formats: Mapping[str, int | str] = field(default_factory=dict)  # column key -> num_format of its cells
    rows: int = 10_000  # rows below the example that carry the drop-down lists and the formats
    notes_sheet: str = "填写说明"
    lists_sheet: str = "下拉选项"


def template_workbook(spec: TemplateSpec) -> bytes:
    """The template: title, header, the example row, drop-down lists (a warning, not a refusal: readers
    accept other usual spellings), notes. It reads back as a file with no rows."""
    columns = spec.columns
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    sheet = book.add_worksheet(spec.sheet)
    lists = book.add_worksheet(spec.lists_sheet) if spec.choices else None
    notes = book.add_worksheet(spec.notes_sheet)
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    plain = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "text_wrap": True}
    header = book.add_format(plain)
    required = book.add_format({**plain, "font_color": "#C00000"})
    example = book.add_format({"italic": True, "font_color": "#808080", "num_format": TEXT_FORMAT})
    formats = {key: book.add_format({"num_format": value}) for key, value in spec.formats.items()}

    sheet.merge_range(0, 0, 0, len(columns), spec.title, title)
    sheet.write_string(1, 0, "序号", header)
    sheet.write_string(2, 0, EXAMPLE_MARK, example)
    sheet.set_column(0, 0, 6)
    first_row, last_row = 3, 3 + spec.rows - 1
    for position, column in enumerate(columns, start=1):
        sheet.set_column(position, position, column.width, formats.get(column.key))
        sheet.write_string(1, position, column.header, required if column.required else header)
        sheet.write_string(2, position, spreadsheet_text(spec.example.get(column.key, "")), example)
        choices = spec.choices.get(column.key)
        if choices and lists is not None:
            list_column = list(spec.choices).index(column.key)
            lists.write_column(0, list_column, [spreadsheet_text(choice) for choice in choices])
            letter = xlsxwriter.utility.xl_col_to_name(list_column)
            sheet.data_validation(
                first_row,
                position,
                last_row,
                position,
                {
                    "validate": "list",
                    "source": f"='{spec.lists_sheet}'!${letter}$1:${letter}${len(choices)}",
                    "error_type": "warning",
                    "error_title": column.header,
                    "error_message": "不在下拉列表中，请从列表中选择",
                },
            )
    sheet.set_row(1, 30)
    sheet.freeze_panes(2, 2)
    if lists is not None:
        lists.hide()
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    notes.write_row(0, 0, ["列名", "是否必填", "说明", "可填写的值"], header)
    for position, width in enumerate((14, 10, 60, 60)):
        notes.set_column(position, position, width, wrap)
    for row, column in enumerate(columns, start=1):
        accepted = "、".join(spec.choices.get(column.key, ()))
        also = "、".join(column.variants)
        note = column.note + (f"（表头也可写作：{also}）" if also else "")
        notes.write_row(row, 0, [column.header, "必填" if column.required else "", note, accepted], wrap)
    last = len(columns) + 2
    for offset, text in enumerate(spec.general_notes):
        notes.write_string(last + offset, 0, text)
    book.close()
    return buffer.getvalue()
