"""From rows to typed survey rows: values as offices write them, the problems a clerk must fix (in Chinese,
naming the column), the rules across columns, duplicates within the file."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import Any

import pytest

from openpes.core.identifiers import check_digit
from openpes.employment.choices import EmploymentForm, LabourStatus, UnemploymentReason
from openpes.employment.survey import SurveyRow, read_survey
from openpes.people.models import Education, Ethnicity, Relation, Sex
from tests.employment.survey_files import HEADER, TODAY, csv_file, person_id, survey_rows, workbook

FULL_HEADER = [
    "姓名",
    "公民身份号码",
    "性别",
    "民族",
    "文化程度",
    "联系电话",
    "户籍地址",
    "现居住地址",
    "与户主关系",
    "就业状态",
    "就业形式",
    "就业地点",
    "就业单位",
    "月收入",
    "失业原因",
    "失业时间",
    "就业意愿",
    "培训意愿",
]


def person(**cells: Any) -> dict[str, Any]:
    """A valid unemployed man in FULL_HEADER's columns, with the given cells changed (keys are headers)."""
    base: dict[str, Any] = {
        "姓名": "李强",
        "公民身份号码": person_id(1, sex="M"),
        "性别": "男",
        "就业状态": "失业",
        "失业时间": "2026-03",
    }
    return base | cells


def rows_of(*people: dict[str, Any], header: Sequence[str] = FULL_HEADER) -> list[SurveyRow]:
    lines = [list(header), *[[cells.get(name, "") for name in header] for cells in people]]
    survey = read_survey(workbook(lines), "采集表.xlsx", today=TODAY)
    assert not survey.file_problems, survey.file_problems
    return survey.rows


def one(**cells: Any) -> SurveyRow:
    (row,) = rows_of(person(**cells))
    return row


def messages(row: SurveyRow) -> list[str]:
    return [problem.message for problem in row.problems]


def test_a_complete_row_gives_every_typed_field() -> None:
    row = one(
        姓名="王 芳",
        公民身份号码=person_id(2, sex="F"),
        性别="女",
        民族="苗",
        文化程度="大专",
        联系电话="138 1234 5678",
        户籍地址="绥宁县长铺镇某某村3组",
        现居住地址="长沙市岳麓区某某小区",
        与户主关系="长女",
        就业状态="灵活就业",
        就业地点="湖南省长沙市",
        就业单位="某某外卖平台",
        月收入="4000-5000元",
        就业意愿="有",
        培训意愿="电商",
        失业时间="",
    )
    assert messages(row) == [] and row.notes == []
    assert row.values() == {
        "name": "王芳",
        "id_number": person_id(2, sex="F"),
        "sex": Sex.FEMALE,
        "ethnicity": Ethnicity.MIAO,
        "education": Education.JUNIOR_COLLEGE,
        "phone": "13812345678",
        "hukou_address": "绥宁县长铺镇某某村3组",
        "address": "长沙市岳麓区某某小区",
        "relation": Relation.CHILD,
        "labour_status": LabourStatus.EMPLOYED,
        "employment_form": EmploymentForm.FLEXIBLE,
        "work_place": "湖南省长沙市",
        "employer_name": "某某外卖平台",
        "monthly_income": 4500,
        "unemployment_reason": "",
        "unemployed_since": None,
        "wants_job": True,
        "job_wish_text": "",
        "wants_training": True,
        "training_wish_text": "电商",
    }


def test_unemployed_row_reads_reason_and_month() -> None:
    row = one(失业原因="合同到期", 失业时间="2026年3月", 就业意愿="想在县城找工作")
    assert messages(row) == []
    assert (row.labour_status, row.unemployment_reason) == (
        LabourStatus.UNEMPLOYED,
        UnemploymentReason.CONTRACT_ENDED,
    )
    assert row.unemployed_since == dt.date(2026, 3, 1)
    assert (row.wants_job, row.job_wish_text) == (True, "想在县城找工作")


@pytest.mark.parametrize(
    ("column", "written"),
    [
        ("就业状态", "打酱油"),
        ("文化程度", "大学肄业"),
        ("民族", "火星族"),
        ("与户主关系", "邻居"),
        ("性别", "未知"),
        ("失业原因", "不详"),
    ],
)
def test_an_unknown_value_is_a_problem_naming_the_column_and_what_is_accepted(
    column: str, written: str
) -> None:
    row = one(**{column: written})
    (problem,) = row.problems
    assert problem.column == column
    assert problem.message.startswith(f"{column}：“{written}”无法识别，可填写：")
    if column == "就业状态":
        assert all(
            word in problem.message for word in ("已就业", "灵活就业", "务农", "失业", "在校学生", "退休")
        )
    if column == "文化程度":
        assert "初中、高中、中专" in problem.message


def test_the_problem_names_the_column_as_the_file_does() -> None:
    header = ["姓名", "身份证号", "就业状况", "学历"]
    (row,) = rows_of(
        {"姓名": "李强", "身份证号": person_id(1), "就业状况": "失业", "学历": "大学肄业"}, header=header
    )
    assert [(problem.field, problem.column) for problem in row.problems] == [("education", "学历")]
    assert messages(row)[0].startswith("学历：")


def test_required_values_missing_are_problems() -> None:
    row = one(姓名="", 公民身份号码="", 就业状态="")
    assert [problem.field for problem in row.problems] == ["name", "id_number", "labour_status"]
    assert messages(row) == [
        "姓名：请填写姓名",
        "公民身份号码：请填写身份证号码",
        "就业状态：请填写就业状态，可填写：已就业、单位就业、灵活就业、自主创业、务农、公益性岗位、失业、在校学生、退休、服兵役、丧失劳动能力、无就业意愿",
    ]


def test_sex_must_agree_with_the_id_number_and_is_taken_from_it_when_empty() -> None:
    woman = person_id(3, sex="F")
    assert messages(one(公民身份号码=woman, 性别="男")) == ["性别：与公民身份号码不一致（号码显示为女）"]
    assert one(公民身份号码=woman, 性别="").sex == Sex.FEMALE
    assert one(公民身份号码=woman, 性别="女性").sex == Sex.FEMALE


def test_id_numbers_are_normalised_old_ones_converted_and_bad_ones_refused() -> None:
    assert one(公民身份号码="４３０５２７８００５１７００１", 性别="").id_number == "430527198005170011"
    assert one(公民身份号码=person_id(4).lower() if person_id(4).endswith("X") else person_id(4)).ok
    assert "存成了数字" in messages(one(公民身份号码=4.30527199005171e17))[0]
    assert "存成了数字" in messages(one(公民身份号码="4.30527E+17"))[0]
    # What is left of a number once stored as a number and saved as text: its check digit rarely fits.
    truncated = next(
        number
        for number in (f"43052719900517{tail}000" for tail in range(10))
        if check_digit(number[:17]) != number[17]
    )
    zeros = one(公民身份号码=truncated)
    assert zeros.id_number == "" and "末尾是0" in messages(zeros)[0]
    assert messages(one(公民身份号码="43052719900517"))[0].startswith("公民身份号码：身份证号码应为18位")


def test_when_a_file_shows_truncated_numbers_a_lookalike_that_passes_the_check_digit_is_refused_too() -> None:
    endings = [f"43052719900517{tail}000" for tail in range(10)]
    passing = next(number for number in endings if check_digit(number[:17]) == number[17])
    failing = [number for number in endings if check_digit(number[:17]) != number[17]][:2]
    rows = rows_of(*(person(公民身份号码=number, 性别="") for number in (*failing, passing)))
    assert all(not row.ok and row.id_number == "" for row in rows)
    assert "也可能同样不完整" in messages(rows[2])[0]
    # Alone, such a number is someone's real number.
    assert one(公民身份号码=passing, 性别="").ok


def test_phones_two_numbers_keep_the_first_with_a_note() -> None:
    row = one(联系电话="13812345678/13987654321")
    assert row.phone == "13812345678" and row.ok
    assert [note.message for note in row.notes] == ["联系电话：填写了多个号码，只导入了第一个"]
    assert one(联系电话=13812345678.0).phone == "13812345678"
    assert one(联系电话="0739-7654321").phone == "0739-7654321"
    assert messages(one(联系电话="12345"))[0].startswith("联系电话：请填写有效的手机号码")


def test_status_words_that_say_the_form_too() -> None:
    assert (one(就业状态="务农").employment_form, one(就业状态="务农").labour_status) == (
        EmploymentForm.FARMING,
        LabourStatus.EMPLOYED,
    )
    assert one(就业状态="已就业", 就业形式="个体经营").employment_form == EmploymentForm.SELF_EMPLOYED
    row = one(就业状态="灵活就业", 就业形式="单位就业")
    assert messages(row) == ["就业形式：“单位就业”与就业状态“灵活就业”不一致"]


def test_employment_cells_of_someone_not_employed_are_left_out_with_a_note() -> None:
    row = one(就业状态="在校学生", 就业形式="单位", 就业单位="某某厂", 就业地点="东莞", 失业时间="")
    assert row.ok
    assert (row.labour_status, row.employment_form, row.employer_name, row.work_place) == (
        LabourStatus.STUDENT,
        "",
        "",
        "",
    )
    assert [note.message for note in row.notes] == [
        "就业形式：就业状态为“在校学生”，就业形式、就业单位、就业地点未导入"
    ]
    # An unknown form does not stop a row whose status has no form at all.
    assert one(就业状态="退休", 就业形式="乱填的", 失业时间="").ok


def test_unemployment_cells_of_someone_employed_are_left_out_with_a_note() -> None:
    row = one(就业状态="已就业", 失业原因="辞职", 失业时间="不记得了")
    assert row.ok
    assert (row.unemployment_reason, row.unemployed_since) == ("", None)
    assert [note.message for note in row.notes] == ["失业原因：已就业人员不填失业原因、失业时间，未导入"]


def test_unemployed_without_the_wish_to_work_is_a_problem() -> None:
    assert messages(one(就业意愿="无"))[0].startswith("就业意愿：就业状态为失业，但就业意愿为无")
    assert one(就业状态="无就业意愿", 就业意愿="无", 失业时间="").ok


def test_unemployed_since_in_the_future_or_before_sixteen_is_a_problem() -> None:
    assert messages(one(失业时间="2027-01")) == ["失业时间：2027-01-01晚于今天"]
    born_1990 = person_id(5, born=dt.date(1990, 5, 17))
    assert messages(one(公民身份号码=born_1990, 失业时间="2005-01")) == [
        "失业时间：2005-01-01时本人还未满16周岁"
    ]
    assert one(公民身份号码=born_1990, 失业时间="2006-05").ok


def test_a_repeated_row_is_a_problem_on_the_later_one_naming_the_first() -> None:
    twin = person(公民身份号码=person_id(6))
    other = person(公民身份号码=person_id(7))
    changed = person(公民身份号码=person_id(6), 文化程度="高中")
    first, second, third, fourth = rows_of(twin, other, twin, changed)
    assert first.ok and second.ok
    assert messages(third) == ["与第2行完全相同（重复行），只导入第2行"]
    assert messages(fourth) == ["与第2行的公民身份号码相同，同一人只能填写一行；请核对后保留一行"]


def test_an_old_number_and_its_18_digit_form_are_the_same_person() -> None:
    old, new = rows_of(person(公民身份号码="430527800517001"), person(公民身份号码="430527198005170011"))
    assert old.ok
    assert "与第2行" in messages(new)[0]


def test_full_width_and_stray_spaces_are_cleaned() -> None:
    row = one(
        姓名=" 李　强 ",
        公民身份号码=f" {person_id(8)} ".replace("4", "４"),
        就业状态=" 失 业 ",
        文化程度="初中 ",
        联系电话="１３８１２３４５６７８",
        月收入="３０００元",
        现居住地址="  某某村   ３组  ",
    )
    assert messages(row) == []
    assert (row.name, row.id_number, row.phone, row.monthly_income, row.address) == (
        "李强",
        person_id(8),
        "13812345678",
        3000,
        "某某村 3组",
    )


def test_text_columns_refuse_markup_and_overlong_values() -> None:
    assert messages(one(就业状态="已就业", 就业单位="<script>", 失业时间=""))[0].startswith(
        "就业单位：就业单位不能包含"
    )
    assert "不能超过200个字" in messages(one(现居住地址="村" * 201))[0]


def test_the_same_column_twice_takes_the_first_filled() -> None:
    header = ["姓名", "公民身份号码", "就业状态", "手机号", "联系电话"]
    (row,) = rows_of(
        {
            "姓名": "李强",
            "公民身份号码": person_id(1),
            "就业状态": "失业",
            "手机号": "",
            "联系电话": "13812345678",
        },
        header=header,
    )
    assert row.phone == "13812345678"


def test_gbk_csv_reads_to_the_same_rows_as_the_workbook() -> None:
    lines = [HEADER, *survey_rows(20)]
    from_csv = read_survey(csv_file(lines, encoding="gbk"), "a.csv", today=TODAY).rows
    from_xlsx = read_survey(workbook(lines), "a.xlsx", today=TODAY).rows
    assert [row.values() for row in from_csv] == [row.values() for row in from_xlsx]
    assert all(row.ok for row in from_csv)


def test_a_10000_row_workbook_reads_clean_and_quickly() -> None:
    content = workbook([HEADER, *survey_rows(10_000)])
    started = time.perf_counter()
    survey = read_survey(content, "big.xlsx", today=TODAY)
    elapsed = time.perf_counter() - started
    assert len(survey.rows) == 10_000 and not survey.problem_rows
    assert survey.rows[-1].line == 10_001
    assert elapsed < 5, f"{elapsed:.2f} s for 10,000 rows"  # about 0.25 s on a quiet machine
