"""Text for spreadsheet cells that Excel, WPS and LibreOffice never run as formulas (OWASP "CSV injection").

No Django import: the workbooks of the web app and the CSV files of the command line use the same rule.
"""

from __future__ import annotations

# A cell starting with one of these is a formula to Excel, WPS and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> str:
    """Text for a cell that a spreadsheet will never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
