"""Cells a spreadsheet never runs as formulas, the same rule for the web app's workbooks and the CLI's CSV."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from openpes.core import exports
from openpes.core.spreadsheet import FORMULA_STARTS, spreadsheet_text


@given(st.text())
def test_no_cell_starts_a_formula_and_nothing_else_changes(text: str) -> None:
    cell = spreadsheet_text(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == ("'" + text if text.startswith(FORMULA_STARTS) else text)


def test_values_that_are_not_text() -> None:
    assert spreadsheet_text(None) == ""
    assert spreadsheet_text(-3000) == "'-3000"
    assert spreadsheet_text(3000) == "3000"


def test_the_workbooks_use_the_same_rule() -> None:
    assert exports.spreadsheet_text is spreadsheet_text
    assert exports.FORMULA_STARTS is FORMULA_STARTS
