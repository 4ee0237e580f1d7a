"""The template a broker fills in and the workbook of rows to fix: both open in a spreadsheet as expected
and read back through the reader."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from openpes.employment.survey import COLUMNS, SurveyFile, error_workbook, read_survey, survey_template
from openpes.employment.survey.vocabulary import LABOUR_STATUS
from tests.employment.survey_files import HEADER, TODAY, person_id, survey_rows, workbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
TEXT_FORMAT = "49"  # the built-in number format "@"


def sheets(content: bytes) -> dict[str, list[list[Any]]]:
    with CalamineWorkbook.from_filelike(io.BytesIO(content)) as book:
        return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def xml_part(content: bytes, name: str) -> ElementTree.Element:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return ElementTree.fromstring(archive.read(name))  # noqa: S314 - the workbook we just wrote


def test_the_template_reads_back_as_a_valid_file_without_rows() -> None:
    survey = read_survey(survey_template(), "模板.xlsx", today=TODAY)
    assert survey.file_problems == []
    assert survey.rows == []
    assert (survey.sheet, survey.header_line) == ("采集表", 2)
    assert set(survey.columns) == {column.key for column in COLUMNS}
    assert survey.skipped == [(3, "示例行")]


def test_the_template_example_row_is_itself_a_valid_row_once_unmarked() -> None:
    grid = sheets(survey_template())["采集表"]
    header, example = grid[1], grid[2]
    assert example[0] == "示例"
    example[0] = "1"
    survey = read_survey(workbook([header, example]), "a.xlsx", today=TODAY)
    (row,) = survey.rows
    assert row.ok and row.notes == [], [str(problem) for problem in row.problems]


def test_the_template_has_a_drop_down_list_for_every_coded_column() -> None:
    content = survey_template()
    sheet = xml_part(content, "xl/worksheets/sheet1.xml")
    validations = sheet.findall(f"{MAIN}dataValidations/{MAIN}dataValidation")
    header = sheets(content)["采集表"][1]
    lists = sheets(content)["下拉选项"]
    coded = {
        "性别",
        "民族",
        "文化程度",
        "与户主关系",
        "就业状态",
        "就业形式",
        "失业原因",
        "就业意愿",
        "培训意愿",
    }
    found: dict[str, list[str]] = {}
    for validation in validations:
        assert validation.get("type") == "list"
        column_letter, first, last = re.fullmatch(
            r"([A-Z]+)(\d+):[A-Z]+(\d+)", validation.get("sqref", "")
        ).groups()  # type: ignore[union-attr]
        assert (first, last) == ("4", "10003")
        source = validation.findtext(f"{MAIN}formula1") or ""
        list_letter, count = re.fullmatch(r"'下拉选项'!\$([A-Z])\$1:\$[A-Z]\$(\d+)", source).groups()  # type: ignore[union-attr]
        list_column = ord(list_letter) - ord("A")
        found[header[ord(column_letter) - ord("A")]] = [row[list_column] for row in lists[: int(count)]]
    assert set(found) == coded
    assert found["就业状态"] == list(LABOUR_STATUS.shown)
    assert found["性别"] == ["男", "女"]
    assert len(found["民族"]) == 58


def test_the_template_keeps_id_numbers_and_phones_as_text() -> None:
    content = survey_template()
    header = sheets(content)["采集表"][1]
    styles = xml_part(content, "xl/styles.xml")
    formats = [xf.get("numFmtId") for xf in styles.findall(f"{MAIN}cellXfs/{MAIN}xf")]
    columns = xml_part(content, "xl/worksheets/sheet1.xml").findall(f"{MAIN}cols/{MAIN}col")
    text_columns = {
        header[int(column.get("min", "0")) - 1]
        for column in columns
        if formats[int(column.get("style", "0"))] == TEXT_FORMAT
    }
    assert text_columns == {"公民身份号码", "联系电话"}


def test_the_template_explains_every_column_and_hides_its_lists() -> None:
    content = survey_template()
    notes = sheets(content)["填写说明"]
    explained = {row[0]: row for row in notes[1 : len(COLUMNS) + 1]}
    assert list(explained) == [column.header for column in COLUMNS]
    assert explained["姓名"][1] == "必填" and explained["性别"][1] == ""
    assert "灵活就业" in explained["就业状态"][3]
    assert "身份证号" in explained["公民身份号码"][2]  # the other headers accepted
    with CalamineWorkbook.from_filelike(io.BytesIO(content)) as book:
        visibility = {meta.name: meta.visible for meta in book.sheets_metadata}
    assert visibility["下拉选项"] == SheetVisibleEnum.Hidden
    assert visibility["采集表"] == SheetVisibleEnum.Visible


def uploaded_with_problems() -> tuple[bytes, SurveyFile]:
    good = survey_rows(3)
    bad_status = [4, "王芳", person_id(4, sex="F"), "女", "打酱油", "", "", "初中", ""]
    formula_name = [5, '=HYPERLINK("http://x","点我")', person_id(5), "男", "失业", "", "2026-03", "初中", ""]
    as_number = [6, "李强", 4.30527199005171e17, "男", "失业", "", "2026-03", "初中", ""]
    content = workbook([["某某村实名制数据采集表"], HEADER, *good, bad_status, formula_name, as_number])
    return content, read_survey(content, "采集表.xlsx", today=TODAY)


def test_the_error_workbook_lists_the_rows_to_fix_as_uploaded_with_their_problems() -> None:
    _, survey = uploaded_with_problems()
    grid = sheets(error_workbook(survey, {3: ["该村（社区）不在您的辖区内"]}))["需修改的行"]
    assert grid[0] == ["原行号", *HEADER, "问题"]
    assert [row[0] for row in grid[1:]] == [3.0, 6.0, 7.0, 8.0]
    by_line = {int(row[0]): row for row in grid[1:]}
    assert by_line[3][-1] == "该村（社区）不在您的辖区内"
    assert by_line[6][5] == "打酱油" and by_line[6][-1].startswith("就业状态：“打酱油”无法识别")
    assert by_line[7][2] == '\'=HYPERLINK("http://x","点我")'  # never a live formula
    assert (
        by_line[8][3] == "4.30527E+17"
    )  # as the spreadsheet showed it: no digits that could pass for a number
    assert "存成了数字" in by_line[8][-1]


def test_every_cell_of_the_error_workbook_is_text() -> None:
    _, survey = uploaded_with_problems()
    grid = sheets(error_workbook(survey, all_rows=True))["需修改的行"]
    assert len(grid) == 1 + len(survey.rows)
    assert all(isinstance(cell, str) for row in grid[1:] for cell in row[1:])


def test_the_error_workbook_reads_back_with_the_same_problems() -> None:
    _, survey = uploaded_with_problems()
    again = read_survey(error_workbook(survey), "需修改的行.xlsx", today=TODAY)
    assert again.file_problems == []
    assert [[problem.field for problem in row.problems] for row in again.rows] == [
        ["labour_status"],
        ["name"],
        ["id_number"],
    ]
    assert again.rows[0].problems[0].message == survey.rows[3].problems[0].message
    assert again.rows[1].problems[0].message == survey.rows[4].problems[0].message


def test_an_error_workbook_of_a_clean_file_has_only_its_header() -> None:
    survey = read_survey(workbook([HEADER, *survey_rows(2)]), "a.xlsx", today=TODAY)
    assert sheets(error_workbook(survey))["需修改的行"] == [["原行号", *HEADER, "问题"]]
