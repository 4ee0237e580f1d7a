"""Excel workbooks for the lists staff take away: one sheet, a header row, text cells that a spreadsheet
never runs as formulas. What goes in them (masked values only) and the audit row are the calling service's
business; this module only writes the file."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import xlsxwriter
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from openpes.core.spreadsheet import FORMULA_STARTS, spreadsheet_text

__all__ = ["FORMULA_STARTS", "XLSX_TYPE", "Workbook", "build_workbook", "spreadsheet_text", "xlsx_response"]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Workbook:
    content: bytes
    rows: int  # data rows, header excluded


def build_workbook(
    *, sheet: str, columns: Sequence[tuple[str, int]], rows: Iterable[Sequence[object]]
) -> Workbook:
    """`columns` are (title, width in characters); every value is written as text."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    page = book.add_worksheet(sheet)
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    for col, (title, width) in enumerate(columns):
        page.write_string(0, col, title, header)
        page.set_column(col, col, width)
    page.freeze_panes(1, 0)
    count = 0
    for count, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            page.write_string(count, col, spreadsheet_text(value))
    page.autofilter(0, 0, max(count, 1), len(columns) - 1)
    book.close()
    return Workbook(buffer.getvalue(), count)


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(workbook.content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"  # personal data: no copy in any cache on the way
    return response
