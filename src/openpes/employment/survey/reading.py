"""From an uploaded file to the survey's table: `core.tabular` reads any office spreadsheet; this module says
what the survey's table is (its columns, the name and ID number every person's row has, the markers of an
empty cell) and keeps the names the survey's callers use."""

from __future__ import annotations

from openpes.core.tabular import (
    EXAMPLE_MARK,
    FOOTER_WORDS,
    HEADER_SCAN_ROWS,
    Table,
    TableFileError,
    TableSpec,
    gc_paused,
)
from openpes.core.tabular import read_table as read_any_table
from openpes.employment.survey.columns import COLUMN_SET
from openpes.employment.survey.vocabulary import BLANK_MARKERS

SurveyFileError = TableFileError

SURVEY_TABLE = TableSpec(
    columns=COLUMN_SET,
    noun="采集表",
    row_keys=("name", "id_number"),
    blank_markers=BLANK_MARKERS,
)

__all__ = [
    "EXAMPLE_MARK",
    "FOOTER_WORDS",
    "HEADER_SCAN_ROWS",
    "SURVEY_TABLE",
    "SurveyFileError",
    "Table",
    "gc_paused",
    "read_table",
]


def read_table(content: bytes, filename: str) -> Table:
    """Read the survey table of an uploaded file; raise SurveyFileError when there is none. The content
    decides how the file is read, not `filename` (files are renamed; web systems export text as .xls)."""
    return read_any_table(content, SURVEY_TABLE)
