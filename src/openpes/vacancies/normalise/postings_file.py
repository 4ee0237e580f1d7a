"""Files of postings as offices and job boards hand them over → rows for `normalise_posting`, and back.

Read: CSV in UTF-8 (with or without a BOM), GBK/GB18030 (what Excel and WPS save as "CSV" on a Chinese
Windows) or UTF-16 ("Unicode text" from Excel, tab separated), comma, tab or semicolon separated; and Excel or
WPS workbooks (.xlsx, .xls, first visible sheet), since offices often send those under any name. The header
is the first row, or a row under a title ("2026年春风行动岗位信息表") within the first rows; columns are found
by name, in English as in ../shared/data/jobs/ (title, pay_text …) or in the Chinese an office would write
(职位名称, 薪资待遇, 工作地点 …, `COLUMN_NAMES`). Only the title column is required. Several columns of the
description (岗位职责, 任职要求) are joined.

Write: UTF-8 with a BOM, so that Excel opens it with the Chinese intact; every cell through
`core.spreadsheet.spreadsheet_text`, so that nothing runs as a formula; into a temporary file renamed at the
end, so that a failed run leaves no half-written file behind.

No Django import: the CLI uses this without a database.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetVisibleEnum

from openpes.core.spreadsheet import spreadsheet_text
from openpes.vacancies.normalise.posting import INPUT_FIELDS

# The names a header may give each input field, beside the field's own name; compared without case, spaces,
# full-width forms or a trailing colon or asterisk (a required-field mark).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "title": (
        "职位名称",
        "职位",
        "岗位名称",
        "岗位",
        "招聘岗位",
        "招聘职位",
        "职位名",
        "岗位名",
        "工种",
        "招聘工种",
    ),
    "pay_text": (
        "薪资",
        "薪资待遇",
        "薪酬",
        "薪酬待遇",
        "工资",
        "工资待遇",
        "月薪",
        "薪资范围",
        "待遇",
        "薪水",
    ),
    "place_text": (
        "工作地点",
        "工作地址",
        "工作地区",
        "工作区域",
        "工作城市",
        "地点",
        "地址",
        "城市",
        "地区",
    ),
    "education_text": ("学历", "学历要求", "最低学历", "文化程度"),
    "experience_text": ("经验", "工作经验", "经验要求", "工作年限", "工龄要求"),
    "company": (
        "公司",
        "公司名称",
        "企业",
        "企业名称",
        "单位",
        "单位名称",
        "招聘单位",
        "用人单位",
        "招聘企业",
    ),
    "industry_text": ("行业", "所属行业", "公司行业", "企业行业", "行业类别", "行业类型"),
    "description": (
        "职位描述",
        "岗位描述",
        "岗位职责",
        "工作职责",
        "工作内容",
        "任职要求",
        "岗位要求",
        "职位要求",
        "招聘要求",
        "职位详情",
        "描述",
    ),
    "source_site": ("来源", "来源网站", "数据来源", "信息来源", "渠道", "招聘渠道"),
}
JOINED_FIELDS = frozenset({"description"})  # several columns of these are read as one text
HEADER_SCAN_ROWS = 10
DELIMITERS = (",", "\t", ";")


class PostingsFileError(Exception):
    """A file that cannot be read or written as postings; the message says why in Chinese."""


@dataclass
class PostingsTable:
    headers: list[str]  # as the file writes them
    columns: dict[str, list[int]]  # input field -> the columns carrying it, left to right
    rows: list[list[str]]  # the data rows, each as long as `headers`, blank rows left out
    source: str  # "UTF-8", "GB18030", "Excel 工作簿" … for the summary
    widened: int = 0  # rows that had more cells than the header (the extra cells are not read)

    def posting(self, row: Sequence[str]) -> dict[str, str]:
        """The input fields of one row, for `normalise_posting`."""
        found: dict[str, str] = {}
        for name, positions in self.columns.items():
            texts = [row[p].strip() for p in positions if row[p].strip()]
            found[name] = "\n".join(texts) if name in JOINED_FIELDS else (texts[0] if texts else "")
        return found


UNIT_IN_BRACKETS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")  # "月薪（元）", "学历要求(最低)"


def header_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s_:*]+", "", UNIT_IN_BRACKETS.sub("", folded)).lower()


HEADER_LOOKUP: dict[str, str] = {
    header_key(name): field for field in INPUT_FIELDS for name in (field, *COLUMN_NAMES.get(field, ()))
}


def header_field(text: str) -> str | None:
    """The input field a header names: "职位名称", "薪资待遇（元/月）", "岗位名称/工种", or None."""
    key = header_key(text)
    if key in HEADER_LOOKUP:
        return HEADER_LOOKUP[key]
    parts = {HEADER_LOOKUP[part] for part in re.split(r"[/、|]", key) if part in HEADER_LOOKUP}
    return parts.pop() if len(parts) == 1 else None  # "学历/经验" names two fields: neither is taken


def find_columns(headers: Sequence[str]) -> dict[str, list[int]]:
    columns: dict[str, list[int]] = {}
    for position, text in enumerate(headers):
        field = header_field(text)
        if field is not None:
            columns.setdefault(field, []).append(position)
    return columns


def read_postings(path: Path) -> PostingsTable:
    """Read a file of postings; raise PostingsFileError when it is not one."""
    try:
        content = path.read_bytes()
    except FileNotFoundError as exc:
        raise PostingsFileError(f"找不到文件 {path}") from exc
    except IsADirectoryError as exc:
        raise PostingsFileError(f"{path} 是一个文件夹，请给出 CSV 文件") from exc
    except OSError as exc:
        raise PostingsFileError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    if not content.strip():
        raise PostingsFileError(f"文件 {path} 是空的")
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        grid, source = _workbook_rows(content, path), "Excel 工作簿"
    else:
        text, source = _decode(content, path)
        grid = _csv_rows(text.replace("\x00", ""))
    return _table(grid, source, path)


def _decode(content: bytes, path: Path) -> tuple[str, str]:
    for bom, encoding, label in (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8（带BOM）"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if content.startswith(bom):
            try:
                return content.decode(encoding), label
            except UnicodeDecodeError as exc:
                raise PostingsFileError(
                    f"文件 {path} 的字符编码有误，无法读取；请另存为 UTF-8 编码的 CSV"
                ) from exc
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 contains GBK and GB2312: what Excel and WPS write for "CSV" on a Chinese Windows.
        return content.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError as exc:
        raise PostingsFileError(
            f"无法识别文件 {path} 的字符编码（不是 UTF-8 或 GBK），可能不是文本文件；请另存为 UTF-8 编码的 CSV"
        ) from exc


def _csv_rows(text: str) -> list[list[str]]:
    # The separator is the one that splits the first rows into the most known column names.
    best: tuple[int, str] | None = None
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        head: list[list[str]] = []
        # The rows before a fault still show the separator; the full read below says what is wrong.
        with contextlib.suppress(csv.Error):
            head.extend(itertools.islice(reader, HEADER_SCAN_ROWS))
        known = max((len(find_columns(row)) for row in head), default=0)
        if best is None or known > best[0]:
            best = (known, delimiter)
    if best is None:
        return []
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=best[1]))
    except csv.Error as exc:
        raise PostingsFileError(
            "CSV 格式有误（某一格过长，或引号不成对），无法读取；请用 Excel 或 WPS 打开后另存为 CSV 再试"
        ) from exc


def _workbook_rows(content: bytes, path: Path) -> list[list[str]]:
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(content)) as book:
            # The first visible sheet: a hidden one is often last year's copy or a list behind a drop-down.
            positions = range(len(book.sheets_metadata))
            visible = [p for p in positions if book.sheets_metadata[p].visible == SheetVisibleEnum.Visible]
            sheet = book.get_sheet_by_index((visible or list(positions))[0])
            return [[_cell_text(value) for value in row] for row in sheet.iter_rows()]
    except PasswordError as exc:
        raise PostingsFileError(f"文件 {path} 设置了打开密码，请在 Excel 中取消密码后再试") from exc
    except (CalamineError, IndexError, ValueError) as exc:
        raise PostingsFileError(
            f"无法读取文件 {path}，可能已损坏；请用 Excel 或 WPS 另存为 CSV 后再试"
        ) from exc


def _cell_text(value: object) -> str:
    """The text a cell shows: 5000, not 5000.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _table(grid: list[list[str]], source: str, path: Path) -> PostingsTable:
    header_at, columns = 0, dict[str, list[int]]()
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        found = find_columns(row)
        if "title" in found and len(found) > len(columns):
            header_at, columns = index, found
    if "title" not in columns:
        raise PostingsFileError(
            f"文件 {path} 没有职位名称列：第一行应为列名，其中须有 title（或“职位名称”“岗位名称”）；"
            "其他可识别的列：pay_text/薪资、place_text/工作地点、education_text/学历、experience_text/经验、"
            "company/公司名称、industry_text/行业、description/职位描述、source_site/来源"
        )
    headers = [cell.strip() for cell in grid[header_at]]
    width = len(headers)
    rows: list[list[str]] = []
    widened = 0
    for row in grid[header_at + 1 :]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            widened += 1
        rows.append((row + [""] * width)[:width])
    return PostingsTable(headers, columns, rows, source, widened)


def check_writable(path: Path) -> None:
    """Raise PostingsFileError now if `path` cannot be written, before any work is done."""
    if path.is_dir():
        raise PostingsFileError(f"输出路径 {path} 是一个文件夹，请给出文件名，如 {path / '结果.csv'}")
    folder = path.parent
    if not folder.is_dir():
        raise PostingsFileError(f"输出文件夹 {folder} 不存在，请先建立该文件夹")
    if not os.access(folder, os.W_OK):
        raise PostingsFileError(f"没有权限在文件夹 {folder} 中写入文件")


def write_postings(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write CSV in UTF-8 with a BOM, every cell safe from formulas, all at once or not at all."""
    check_writable(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as file:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's owner-only 0600
            writer = csv.writer(file)
            writer.writerow([spreadsheet_text(cell) for cell in headers])
            for row in rows:
                writer.writerow([spreadsheet_text(cell) for cell in row])
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise PostingsFileError(f"无法写入文件 {path}：{exc.strerror or exc}") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
