"""Finding the survey in what offices upload: file kinds and encodings, the sheet, the header under titles
and merged cells, and the rows that are not people."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from xlsxwriter.worksheet import Worksheet

from openpes.employment.choices import EmploymentForm, LabourStatus
from openpes.employment.survey import SurveyFileError, read_survey, read_table
from openpes.people.models import Education
from tests.employment.survey_files import HEADER, TODAY, Formula, csv_file, person_id, survey_rows, workbook

FIXTURES = Path(__file__).with_name("fixtures")


def read(content: bytes, filename: str = "采集表.xlsx") -> Any:
    survey = read_survey(content, filename, today=TODAY)
    assert not survey.file_problems, survey.file_problems
    return survey


def file_problem(content: bytes, filename: str = "采集表.xlsx") -> str:
    survey = read_survey(content, filename, today=TODAY)
    assert survey.rows == []
    assert len(survey.file_problems) == 1
    return survey.file_problems[0]


def title_and_grouped_header(book: xlsxwriter.Workbook, sheet: Worksheet) -> int:
    """XX村实名制数据采集表 across the top, then a two-row header: 就业情况 merged over 就业状态 and 就业形式,
    the other names merged down over both rows."""
    sheet.merge_range(0, 0, 0, 8, "长铺镇某某村实名制数据采集表")
    for column, name in enumerate(["序号", "姓名", "身份证号", "性别"]):
        sheet.merge_range(1, column, 2, column, name)
    sheet.merge_range(1, 4, 1, 5, "就业情况")
    sheet.write_string(2, 4, "就业状态")
    sheet.write_string(2, 5, "就业形式")
    for column, name in enumerate(["失业时间", "学历", "月均收入"], start=6):
        sheet.merge_range(1, column, 2, column, name)
    return 3


def test_title_row_and_two_row_header_with_a_merged_group_are_found() -> None:
    survey = read(workbook(survey_rows(2), decorate=title_and_grouped_header))
    assert survey.header_line == 3
    assert survey.headers == [
        "序号",
        "姓名",
        "身份证号",
        "性别",
        "就业状态",
        "就业形式",
        "失业时间",
        "学历",
        "月均收入",
    ]
    assert survey.columns["id_number"] == "身份证号"
    assert survey.columns["labour_status"] == "就业状态"
    assert [row.line for row in survey.rows] == [4, 5]
    first, second = survey.rows
    assert (first.labour_status, first.unemployed_since.isoformat()) == (
        LabourStatus.UNEMPLOYED,
        "2026-03-01",
    )
    assert (second.labour_status, second.employment_form) == (LabourStatus.EMPLOYED, EmploymentForm.UNIT)
    assert second.education == Education.JUNIOR_SECONDARY and second.monthly_income == 3000
    assert all(row.ok for row in survey.rows)


def test_columns_are_found_by_their_names_in_any_order_with_decorations_and_extra_columns_ignored() -> None:
    header = ["备注", "联系电话\n（手机）", "*就业状态", "公民身份号码(18位)", "序号", "姓  名", "年龄"]
    row = ["", "13812345678", "失业", person_id(1), 1, "王芳", Formula("=DATEDIF(...)", 36)]
    survey = read(workbook([header, row]))
    assert set(survey.columns) == {"phone", "labour_status", "id_number", "name"}
    (person,) = survey.rows
    assert (person.name, person.phone, person.labour_status) == (
        "王芳",
        "13812345678",
        LabourStatus.UNEMPLOYED,
    )


def test_header_variants_offices_use_are_recognised() -> None:
    header = [
        "姓名",
        "证件号码",
        "就业状况",
        "学历",
        "手机号",
        "现住址",
        "工作单位",
        "月均收入",
        "务工地点",
        "户口所在地",
    ]
    survey = read(workbook([header]))
    assert set(survey.columns) == {
        "name",
        "id_number",
        "labour_status",
        "education",
        "phone",
        "address",
        "employer_name",
        "monthly_income",
        "work_place",
        "hukou_address",
    }


def test_missing_required_columns_is_a_file_problem_saying_what_was_found_and_what_is_missing() -> None:
    message = file_problem(
        workbook([["序号", "姓名", "性别", "学历", "家庭人口"], [1, "王芳", "女", "初中", 3]])
    )
    assert "缺少必填列：公民身份号码、就业状态" in message
    assert "已识别的列：姓名、性别、文化程度" in message
    assert "未识别的列：序号、家庭人口" in message
    with pytest.raises(SurveyFileError):
        read_table(workbook([["姓名", "性别"]]), "a.xlsx")


def test_a_sheet_without_any_survey_header_is_a_file_problem() -> None:
    assert "没有找到采集表的表头" in file_problem(workbook([["月份", "金额"], ["1月", 3]]))


def test_the_sheet_with_the_header_is_chosen_among_hidden_and_other_sheets() -> None:
    def lists(book: xlsxwriter.Workbook) -> None:
        book.add_worksheet("说明").write_string(0, 0, "本表由村协理员填写")

    def hidden_copy(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("去年")
        sheet.write_row(0, 0, HEADER)
        sheet.write_row(1, 0, survey_rows(1, start=50)[0])
        sheet.hide()

    survey = read(workbook([HEADER, *survey_rows(3)], sheet="采集表", before=lists, after=hidden_copy))
    assert survey.sheet == "采集表"
    assert len(survey.rows) == 3


def test_two_visible_sheets_of_people_are_refused_rather_than_half_imported() -> None:
    def second_group(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("二组")
        sheet.write_row(0, 0, HEADER)
        sheet.write_row(1, 0, [str(value) for value in survey_rows(1, start=80)[0]])

    message = file_problem(workbook([HEADER, *survey_rows(2)], sheet="一组", after=second_group))
    assert "“一组”" in message and "“二组”" in message


def test_a_sheet_starting_below_and_right_of_a1_keeps_its_line_numbers() -> None:
    def offset(book: xlsxwriter.Workbook, sheet: Worksheet) -> int:
        sheet.write_row(2, 1, ["姓名", "公民身份号码", "就业状态"])
        sheet.write_row(3, 1, ["王芳", person_id(1, sex="F"), "失业"])
        return 10

    survey = read(workbook([], decorate=offset))
    assert survey.header_line == 3
    assert [(row.line, row.name) for row in survey.rows] == [(4, "王芳")]


def test_rows_that_are_not_people_are_skipped_and_listed() -> None:
    numbering = list(range(1, len(HEADER) + 1))
    example = ["示例", "张三", person_id(99), "男", "已就业", "", "", "初中", ""]
    only_numbered = [7, None, None, None, None, None, None, None, None]
    footer = [None, None, None, None, None, None, None, "填表人：赵六", None]
    blank = ["  ", " ", "", None, "\u3000", None, None, None, None]
    rows = [HEADER, numbering, example, *survey_rows(1), only_numbered, blank, footer]
    survey = read(workbook(rows))
    assert [row.line for row in survey.rows] == [4]
    assert survey.skipped == [(2, "列序号行"), (3, "示例行"), (7, "表尾说明")]


def test_a_household_address_merged_down_over_its_members_belongs_to_each() -> None:
    def household(book: xlsxwriter.Workbook, sheet: Worksheet) -> int:
        sheet.write_row(0, 0, ["姓名", "公民身份号码", "就业状态", "户籍地址", "与户主关系"])
        sheet.merge_range(1, 3, 3, 3, "某某村3组12号")
        sheet.merge_range(4, 3, 5, 3, "某某村4组1号")
        return 1

    members = [
        ["李强", person_id(1), "已就业", None, "户主"],
        ["王芳", person_id(2, sex="F"), "务农", None, "妻"],
        ["李明", person_id(3), "在校学生", None, "子"],
        ["张伟", person_id(4), "失业", None, "户主"],
        ["", "", "", None, ""],  # the second household's merge covers an empty row: still empty
    ]
    survey = read(workbook(members, decorate=household))
    assert [(row.line, row.hukou_address) for row in survey.rows] == [
        (2, "某某村3组12号"),
        (3, "某某村3组12号"),
        (4, "某某村3组12号"),
        (5, "某某村4组1号"),
    ]


def test_formulas_are_read_as_the_values_excel_saved() -> None:
    row = [
        1,
        Formula('="王"&"芳"', "王芳"),
        person_id(1, sex="F"),
        "女",
        "已就业",
        "",
        "",
        "初中",
        Formula("=1500*2", 3000),
    ]
    (person,) = read(workbook([HEADER, row])).rows
    assert (person.name, person.monthly_income) == ("王芳", 3000)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("gbk", b""),
        ("gb18030", b""),
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
    ],
)
def test_csv_in_the_encodings_excel_and_wps_save(encoding: str, prefix: bytes) -> None:
    rows = [["某某村实名制数据采集表"], HEADER, *survey_rows(3)]
    delimiter = "\t" if encoding.startswith("utf-16") else ","
    survey = read(prefix + csv_file(rows, encoding=encoding, delimiter=delimiter), "采集表.csv")
    assert survey.header_line == 2
    assert [row.name for row in survey.rows] == ["王芳", "王芳", "李强"]
    assert all(row.ok for row in survey.rows), [row.problems for row in survey.rows]


def test_a_text_file_named_xls_is_read_by_its_content() -> None:
    survey = read(csv_file([HEADER, *survey_rows(2)], encoding="gbk", delimiter="\t"), "导出.xls")
    assert len(survey.rows) == 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "文件是空的"),
        (
            b"<html><body><table><tr><td>\xe5\xa7\x93\xe5\x90\x8d</td></tr></table></body></html>",
            "网页（HTML）",
        ),
        (b"PK\x03\x04 not really a zip", "无法读取该文件"),
        (bytes([0x81, 0x30, 0xFF, 0xFF]) * 20, "无法识别文件的字符编码"),
    ],
)
def test_files_that_are_not_a_readable_survey_say_why(content: bytes, expected: str) -> None:
    assert expected in file_problem(content, "采集表.xls")


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "无法读取该文件" in file_problem(buffer.getvalue())


def test_xls_of_excel_97_is_read() -> None:
    # Written by fixtures/make_survey_xls.py with xlwt: see there for what it holds.
    survey = read((FIXTURES / "survey.xls").read_bytes(), "survey.xls")
    assert survey.sheet == "采集表" and survey.header_line == 3
    wang, li, zhang = survey.rows
    assert (wang.id_number, wang.unemployed_since.isoformat(), wang.education) == (
        "430527199005170024",
        "2026-09-01",
        Education.SENIOR_SECONDARY,
    )
    assert not wang.problems
    assert [problem.field for problem in li.problems] == ["id_number"]
    assert "存成了数字" in li.problems[0].message
    assert (zhang.id_number, zhang.unemployed_since.isoformat()) == ("430527198005170011", "2026-06-01")


CSV_CELLS = st.one_of(
    st.sampled_from(
        [*HEADER, "就业情况", "示例", "填表人", "", " ", "1", "4.30527E+17", "2026.1", "无", "=1+1"]
    ),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(CSV_CELLS, max_size=10), max_size=8), st.sampled_from(["utf-8", "gb18030", "utf-16"])
)
def test_any_csv_gives_rows_or_a_file_problem_never_an_error(rows: list[list[str]], encoding: str) -> None:
    survey = read_survey(csv_file(rows, encoding=encoding), "a.csv", today=TODAY)
    assert bool(survey.file_problems) != bool(survey.header_line)
    for row in survey.rows:
        assert all(problem.message for problem in row.problems)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]))
def test_any_bytes_give_a_file_problem_or_rows_never_an_error(content: bytes, magic: bytes) -> None:
    survey = read_survey(magic + content, "a.xlsx", today=TODAY)
    assert survey.file_problems or survey.header_line
