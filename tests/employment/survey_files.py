"""Survey files as offices make them, written in the tests: workbooks through xlsxwriter (titles, merged
headers, formulas, dates, numbers where text belongs), CSV in the encodings Excel and WPS save."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from tests.factories import make_id_number

TODAY = dt.date(2026, 11, 29)
HEADER = ["序号", "姓名", "公民身份号码", "性别", "就业状态", "就业形式", "失业时间", "文化程度", "月收入"]


@dataclass(frozen=True)
class Formula:
    formula: str
    value: Any  # what Excel computed and saved with it


def person_id(seq: int, *, sex: str = "M", born: dt.date = dt.date(1990, 5, 17)) -> str:
    return make_id_number(born=born, sex=sex, seq=seq)


def write_cells(book: xlsxwriter.Workbook, sheet: Worksheet, top: int, rows: Sequence[Sequence[Any]]) -> None:
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for offset, values in enumerate(rows):
        for column, value in enumerate(values):
            line = top + offset
            if value is None:
                continue
            if isinstance(value, Formula):
                sheet.write_formula(line, column, value.formula, None, value.value)
            elif isinstance(value, bool):
                sheet.write_boolean(line, column, value)
            elif isinstance(value, int | float):
                sheet.write_number(line, column, value)
            elif isinstance(value, dt.date):
                moment = (
                    value
                    if isinstance(value, dt.datetime)
                    else dt.datetime(value.year, value.month, value.day)
                )
                sheet.write_datetime(line, column, moment, date_format)
            else:
                sheet.write_string(line, column, str(value))


def workbook(
    rows: Sequence[Sequence[Any]],
    *,
    sheet: str = "Sheet1",
    decorate: Callable[[xlsxwriter.Workbook, Worksheet], int] | None = None,
    before: Callable[[xlsxwriter.Workbook], None] | None = None,
    after: Callable[[xlsxwriter.Workbook], None] | None = None,
) -> bytes:
    """`rows` from the top of the sheet, or below what `decorate` wrote (it returns the next free row);
    `before` and `after` add other sheets around it."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    if before:
        before(book)
    page = book.add_worksheet(sheet)
    top = decorate(book, page) if decorate else 0
    write_cells(book, page, top, rows)
    if after:
        after(book)
    book.close()
    return buffer.getvalue()


def csv_file(rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter).writerows(
        [["" if cell is None else cell for cell in row] for row in rows]
    )
    return text.getvalue().encode(encoding)


def survey_rows(count: int, *, start: int = 1) -> list[list[Any]]:
    """`count` valid rows under HEADER: employed and unemployed people, each with a unique ID number."""
    rows: list[list[Any]] = []
    for seq in range(start, start + count):
        employed = seq % 2 == 0
        rows.append(
            [
                seq,
                "王芳" if seq % 3 else "李强",
                person_id(seq, sex="F" if seq % 3 else "M"),
                "女" if seq % 3 else "男",
                "已就业" if employed else "失业",
                "单位就业" if employed else "",
                "" if employed else "2026-03",
                "初中",
                "3000" if employed else "",
            ]
        )
    return rows
