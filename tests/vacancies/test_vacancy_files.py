"""The bulk-file channel: vacancy files as offices and job fairs send them (CSV in GBK or UTF-8 with a BOM,
.xlsx under a title and merged headers, .xls, employers named above blocks of jobs, formulas, numbers where
text belongs), each kind of bad row with its message, the two import modes, the jurisdiction (another
county's employer reads like an unknown one), permissions, the pages, the error workbook and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from openpes import cli
from openpes.accounts.roles import Role
from openpes.audit.models import AccessLog, ChangeLog
from openpes.core.errors import DomainError
from openpes.employers import services as employer_services
from openpes.employers.models import Employer
from openpes.vacancies import services as vacancy_services
from openpes.vacancies.choices import Channel, VacancyStatus
from openpes.vacancies.files import read_vacancy_file, vacancy_template
from openpes.vacancies.models import Vacancy, VacancyFileImport
from openpes.vacancies.services import file_import, normalising
from openpes.vacancies.services.validation import clean_vacancy
from tests.employers.helpers import make_uscc
from tests.employment.survey_files import Formula, csv_file, workbook
from tests.vacancies.pool import make_vacancy, verified_employer

FIXTURES = Path(__file__).with_name("fixtures")
TODAY = dt.date(2026, 11, 29)
HEADER = ["序号", "职位名称", "企业名称", "招聘人数", "薪酬", "工作地址", "学历要求", "岗位职责", "任职要求"]


def sheets(content: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet's cells as python-calamine (an independent reader, not the writer) opens them."""
    with CalamineWorkbook.from_filelike(io.BytesIO(content)) as book:
        return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def later(days: int = 30) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def rows_of(content: bytes) -> Any:
    upload = read_vacancy_file(content, today=TODAY)
    assert not upload.file_problems, upload.file_problems
    return upload


# ------------------------------------------------------------------------------------------------ reading


def test_gbk_csv_with_header_variants_and_joined_description_columns() -> None:
    content = csv_file(
        [
            HEADER,
            [
                1,
                "普工",
                "绥宁县某某电子有限公司",
                "5",
                "4000-5000元/月",
                "长铺镇",
                "初中",
                "流水线操作",
                "18-45岁",
            ],
            [2, " 电工 ", "绥宁县某某电子有限公司", "２", "6千-8千", "", "", "", ""],
        ],
        encoding="gbk",
    )
    upload = rows_of(content)
    assert upload.columns["title"] == "职位名称" and upload.columns["pay_text"] == "薪酬"
    first, second = upload.rows
    assert (first.title, first.employer_name, first.headcount) == ("普工", "绥宁县某某电子有限公司", 5)
    assert first.description == "岗位职责：流水线操作\n任职要求：18-45岁"
    assert (second.title, second.headcount, second.pay_text) == ("电工", 2, "6千-8千")  # full width, spaces
    assert not first.problems and not second.problems


def test_utf8_bom_csv_with_credit_code_and_contact_columns_joined() -> None:
    code = make_uscc()
    content = "\ufeff".encode() + csv_file(
        [
            ["岗位名称", "统一社会信用代码", "联系人", "联系电话", "工作性质"],
            ["收银员", code, "王经理", "13807391234", "兼职"],
        ]
    )
    (row,) = rows_of(content).rows
    assert row.uscc == code and row.contact_text == "联系人：王经理 联系电话：13807391234"
    assert row.description == "工作性质：兼职"


def title_and_merged_header(book: xlsxwriter.Workbook, sheet: Any) -> int:
    sheet.merge_range(0, 0, 0, 6, "2026年第四季度企业用工需求表")
    for column, name in enumerate(["序号", "用人单位", "招聘岗位"]):
        sheet.merge_range(1, column, 2, column, name)
    sheet.merge_range(1, 3, 1, 4, "岗位要求")
    sheet.write_string(2, 3, "学历")
    sheet.write_string(2, 4, "经验要求")
    sheet.merge_range(1, 5, 2, 5, "需求人数")
    sheet.merge_range(1, 6, 2, 6, "月薪")
    return 3


def test_xlsx_under_a_title_row_and_a_two_row_merged_header_with_formulas() -> None:
    content = workbook(
        [
            [1, "绥宁县某某电子有限公司", "普工", "初中", "不限", Formula("=3+2", 5), 4500],
            [
                2,
                "绥宁县某某电子有限公司",
                "质检员",
                "高中",
                "1年",
                2,
                Formula('="4000"&"-5000"', "4000-5000"),
            ],
        ],
        decorate=title_and_merged_header,
    )
    upload = rows_of(content)
    assert upload.header_line == 3
    first, second = upload.rows
    assert (first.title, first.education_text, first.experience_text, first.headcount) == (
        "普工",
        "初中",
        "不限",
        5,
    )
    assert first.pay_text == "4500"
    assert second.pay_text == "4000-5000"


def test_xls_of_a_job_fair_with_the_employer_merged_above_each_block() -> None:
    upload = rows_of((FIXTURES / "vacancies.xls").read_bytes())
    assert [(row.title, row.employer_name) for row in upload.rows] == [
        ("普工", "绥宁县某某电子有限公司"),
        ("电工", "绥宁县某某电子有限公司"),
        ("叉车司机", "湖南某某食品有限公司"),
    ]
    first, _, third = upload.rows
    assert first.headcount == 20 and first.valid_until == dt.date(2027, 1, 31)
    assert third.headcount is None and third.pay_text == "面议"
    assert upload.headings == 2


def fair_blocks(book: xlsxwriter.Workbook, sheet: Any) -> int:
    sheet.write_row(0, 0, ["序号", "岗位名称", "招聘人数", "薪资待遇", "工作地点"])
    sheet.merge_range(1, 0, 1, 4, "招聘单位：绥宁县某某电子有限公司")
    sheet.write_row(2, 0, [1, "普工", 10, "4000-5000", "长铺镇"])
    sheet.write_row(3, 0, [2, "电工", 2, "面议", ""])
    sheet.merge_range(4, 0, 4, 4, "二、湖南某某食品有限公司")
    sheet.write_row(5, 0, ["序号", "岗位名称", "招聘人数", "薪资待遇", "工作地点"])  # the header again
    sheet.write_row(6, 0, [1, "包装工", 5, "3800", ""])
    return 7


def test_employer_names_merged_above_blocks_fill_down_and_repeated_headers_are_skipped() -> None:
    upload = rows_of(workbook([], decorate=fair_blocks))
    assert [(row.line, row.title, row.employer_name) for row in upload.rows] == [
        (3, "普工", "绥宁县某某电子有限公司"),
        (4, "电工", "绥宁县某某电子有限公司"),
        (7, "包装工", "湖南某某食品有限公司"),
    ]
    assert (6, "重复的表头行") in upload.skipped


def test_an_employer_name_merged_down_its_column_and_a_heading_alone_in_a_csv_row() -> None:
    def merged_down(book: xlsxwriter.Workbook, sheet: Any) -> int:
        sheet.write_row(0, 0, ["单位名称", "岗位名称", "人数"])
        sheet.merge_range(1, 0, 2, 0, "绥宁县某某电子有限公司")
        sheet.write_row(1, 1, ["普工", 3])
        sheet.write_row(2, 1, ["电工", 1])
        return 3

    upload = rows_of(workbook([], decorate=merged_down))
    assert [row.employer_name for row in upload.rows] == ["绥宁县某某电子有限公司"] * 2
    csv_upload = rows_of(
        csv_file([["序号", "岗位名称", "人数"], ["湖南某某食品有限公司", "", ""], ["1", "包装工", "5"]])
    )
    assert [(row.title, row.employer_name) for row in csv_upload.rows] == [("包装工", "湖南某某食品有限公司")]


def test_numbers_where_text_belongs_are_read_as_written() -> None:
    content = workbook(
        [
            ["岗位名称", "单位名称", "联系电话", "统一社会信用代码"],
            ["普工", "某单位", 13807391234, 914305271234567890],
        ]
    )
    (row,) = rows_of(content).rows
    assert row.contact_text == "13807391234"
    # A credit code Excel turned into a number has lost its last digits: shown as Excel shows it, refused later.
    assert "E+17" in row.uscc


def test_one_sheet_per_employer_is_refused_with_what_to_do() -> None:
    def another(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("食品公司")
        sheet.write_row(0, 0, ["岗位名称", "人数"])
        sheet.write_row(1, 0, ["包装工", 5])

    content = workbook([["岗位名称", "人数"], ["普工", 3]], sheet="电子公司", after=another)
    upload = read_vacancy_file(content, today=TODAY)
    assert upload.rows == []
    (message,) = upload.file_problems
    assert "“电子公司”、“食品公司”" in message and "每组岗位上方单独一行写单位名称" in message


def test_a_file_without_a_title_column_says_which_columns_it_found() -> None:
    upload = read_vacancy_file(csv_file([["单位名称", "薪资", "备注"], ["某单位", "3000", ""]]), today=TODAY)
    (message,) = upload.file_problems
    assert "缺少必填列：岗位名称" in message and "已识别的列：单位名称、薪资待遇" in message


def test_the_template_reads_back_with_no_rows_and_its_example_skipped() -> None:
    upload = read_vacancy_file(vacancy_template(), today=TODAY)
    assert upload.file_problems == [] and upload.rows == []
    assert upload.skipped == [(3, "示例行")]
    book = sheets(vacancy_template())
    assert next(iter(book)) == "岗位表"
    assert book["岗位表"][1][:3] == ["序号", "岗位名称", "单位名称"]
    assert book["岗位表"][2][:3] == ["示例", "中餐厨师", "绥宁县某某餐饮有限公司"]


# ------------------------------------------------------------------------------------------------ checking


@pytest.fixture
def setting(make_staff: Any, places: Any) -> Any:
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    electronics = verified_employer(officer, places.village_a1, name="绥宁县某某电子有限公司")
    food = verified_employer(officer, places.village_b1, name="湖南某某食品有限公司")

    class Setting:
        pass

    setting = Setting()
    setting.officer, setting.electronics, setting.food, setting.places = officer, electronics, food, places  # type: ignore[attr-defined]
    return setting


def check(actor: Any, rows: list[list[Any]], *, header: list[str] | None = None) -> file_import.FilePlan:
    content = csv_file([header or ["岗位名称", "单位名称", "招聘人数", "薪资待遇", "有效期至"], *rows])
    return file_import.vacancy_file_preview(actor=actor, filename="岗位.csv", content=content)


def problems(plan: file_import.FilePlan) -> dict[int, list[str]]:
    return plan.problems_by_line()


@pytest.mark.django_db
def test_good_rows_show_what_they_become(setting: Any) -> None:
    plan = check(setting.officer, [["中餐厨师", "绥宁县某某电子有限公司", "2", "4500-6000元/月", later()]])
    (row,) = plan.rows
    assert row.problems == [] and row.employer == setting.electronics
    shown = row.shown()
    assert shown["pay"] == "4,500–6,000 元/月" and "中式烹调师" in shown["occupation"]
    assert shown["draft"] is False


@pytest.mark.django_db
def test_each_kind_of_bad_row_is_a_problem_in_chinese(setting: Any) -> None:
    plan = check(
        setting.officer,
        [
            ["", "绥宁县某某电子有限公司", "2", "", ""],  # 2: no title
            ["普工", "绥宁县某某电子有限公司", "五个", "", ""],  # 3: headcount
            ["普工", "绥宁县某某电子有限公司", "", "", "2020-01-01"],  # 4: past
            ["普工", "绥宁县某某电子有限公司", "", "", "下个月底"],  # 5: unreadable date
            ["电工", "绥宁县某某电子有限公司", "1", "", ""],  # 6
            ["电工", "绥宁县某某电子有限公司", "1", "", ""],  # 7: same as 6
            ["长" * 101, "绥宁县某某电子有限公司", "", "", ""],  # 8: too long
            ["普工", "不存在的公司", "", "", ""],  # 9: unknown employer
            ["普工", "", "", "", ""],  # 10: no employer
            ["焊工", "绥宁县某某电子有限公司", "0", "", ""],  # 11: headcount out of range
        ],
    )
    found = problems(plan)
    assert found[2] == ["请填写岗位名称"]
    assert found[3] == ["招聘人数“五个”不是数字：请填写数字（如5），人数不定时写“若干”或不填"]
    assert "已过" in found[4][0] and "2020-01-01" in found[4][0]
    assert "无法识别" in found[5][0] and "下个月底" in found[5][0]
    assert 6 not in found and found[7] == ["与第6行重复（同一单位、同一岗位的内容完全相同），请删除其中一行"]
    assert found[8] == ["岗位名称不能超过100个字（现为101个）"]
    assert "单位“不存在的公司”未在本辖区登记" in found[9][0] and "/employers/new/" in found[9][0]
    assert "没有单位" in found[10][0]
    assert found[11] == ["招聘人数应在1到100000之间"]
    assert plan.rows[7].unregistered and not plan.rows[0].unregistered


@pytest.mark.django_db
def test_unreadable_pay_is_no_problem_the_normaliser_flags_it(setting: Any) -> None:
    (row,) = check(setting.officer, [["普工", "绥宁县某某电子有限公司", "", "待遇优厚", ""]]).rows
    assert row.problems == [] and row.vacancy is not None
    assert row.vacancy.pay_text == "待遇优厚" and row.vacancy.pay_min is None
    assert any(flag.startswith("pay") for flag in row.vacancy.flags)


@pytest.mark.django_db
def test_employers_are_found_by_credit_code_first_then_by_normalised_name(setting: Any) -> None:
    header = ["岗位名称", "单位名称", "统一社会信用代码"]
    plan = check(
        setting.officer,
        [
            ["普工", "写错的名字", setting.food.uscc.lower()],  # the code wins
            ["普工", "绥宁县某某电子有限公司\u3000", ""],  # a full-width space
            ["电工", "写错的名字", make_uscc()],  # a valid code of no employer here
            ["焊工", "", setting.food.uscc[:17] + ("0" if setting.food.uscc[17] != "0" else "1")],
        ],
        header=header,
    )
    assert [row.employer for row in plan.rows[:2]] == [setting.food, setting.electronics]
    assert "未在本辖区登记" in plan.rows[2].problems[0]
    assert "校验位" in plan.rows[3].problems[0]


@pytest.mark.django_db
def test_a_name_two_employers_share_asks_for_the_credit_code(setting: Any) -> None:
    twin = verified_employer(setting.officer, setting.places.village_a2, name="绥宁县某某电子有限公司")
    (row,) = check(setting.officer, [["普工", "绥宁县某某电子有限公司", "", "", ""]]).rows
    (message,) = row.problems
    assert "本辖区有2个单位名为" in message and twin.uscc in message and "统一社会信用代码" in message


@pytest.mark.django_db
def test_another_countys_employer_reads_exactly_like_an_unregistered_one(setting: Any) -> None:
    """An attacker uploading names or codes must not learn which exist elsewhere: the message for an
    employer of another county is word for word the one for an employer registered nowhere."""
    elsewhere = Employer.objects.create(
        uscc=make_uscc("430528"), name="邻县某某有限公司", region_code="430528100000"
    )
    nowhere_code = make_uscc("430528")
    header = ["岗位名称", "单位名称", "统一社会信用代码"]
    plan = check(
        setting.officer,
        [
            ["普工", elsewhere.name, ""],
            ["普工", "邻县另一有限公司", ""],
            ["电工", "", elsewhere.uscc],
            ["电工", "", nowhere_code],
        ],
        header=header,
    )
    by_name, unknown_name, by_code, unknown_code = (row.problems[0] for row in plan.rows)
    assert by_name.replace(elsewhere.name, "X") == unknown_name.replace("邻县另一有限公司", "X")
    assert by_code.replace(elsewhere.uscc, "X") == unknown_code.replace(nowhere_code, "X")
    assert all(row.employer is None for row in plan.rows)


@pytest.mark.django_db
def test_a_township_officer_cannot_file_for_an_employer_of_the_next_township(
    setting: Any, make_staff: Any
) -> None:
    township = make_staff(Role.TOWNSHIP_OFFICER, setting.places.township_a)
    plan = check(
        township,
        [["普工", "湖南某某食品有限公司", "", "", ""], ["普工", "绥宁县某某电子有限公司", "", "", ""]],
    )
    assert "未在本辖区登记" in plan.rows[0].problems[0]
    assert plan.rows[1].problems == []


@pytest.mark.django_db
def test_a_specialist_imports_only_for_the_employers_they_serve(setting: Any, make_staff: Any) -> None:
    specialist = make_staff(Role.SPECIALIST, setting.places.county)
    employer_services.employer_key_enterprise_set(
        actor=setting.officer, employer=setting.electronics, is_key_enterprise=True, specialist=specialist
    )
    plan = check(
        specialist,
        [["普工", "绥宁县某某电子有限公司", "", "", ""], ["普工", "湖南某某食品有限公司", "", "", ""]],
    )
    assert plan.rows[0].problems == []
    assert "您不负责“湖南某某食品有限公司”的岗位" in plan.rows[1].problems[0]


@pytest.mark.django_db
def test_limits_of_size_and_rows_say_what_to_do(setting: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(file_import, "MAX_FILE_BYTES", 100)
    with pytest.raises(DomainError) as big:
        check(setting.officer, [["普工", "绥宁县某某电子有限公司", "", "", ""]] * 10)
    assert "文件太大" in big.value.errors[0].message and "请拆分后上传" in big.value.errors[0].message
    monkeypatch.setattr(file_import, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setattr(file_import, "MAX_ROWS", 2)
    with pytest.raises(DomainError) as many:
        check(setting.officer, [[f"岗位{n}", "绥宁县某某电子有限公司", "", "", ""] for n in range(3)])
    assert many.value.errors[0].message == "一次最多导入 2 个岗位（本文件 3 行），请拆分成几个文件后分别上传"


@pytest.mark.django_db
def test_a_role_without_add_vacancy_cannot_check_a_file(make_staff: Any, places: Any) -> None:
    manager = make_staff(Role.MANAGER, places.county)
    with pytest.raises(PermissionDenied):
        check(manager, [["普工", "某单位", "", "", ""]])


# The rows of FILE_OF_JOBS differ in job, occupation, work place and pay, so that a query per row (the coder,
# the work place's region, the going rate) would show in the count.
PLACE_HEADER = ["岗位名称", "单位名称", "招聘人数", "薪资待遇", "工作地点"]
FILE_OF_JOBS = [
    ["中餐厨师", "绥宁县某某电子有限公司", "2", "30000-40000元/月", "绥宁县长铺镇"],  # far above the rate
    ["中餐厨师", "湖南某某食品有限公司", "1", "4500-6000元/月", "绥宁县"],
    ["电工", "绥宁县某某电子有限公司", "1", "6千-8千", "长沙市岳麓区"],
    ["焊工", "湖南某某食品有限公司", "3", "200元/天", "长沙"],
    ["服务员", "湖南某某食品有限公司", "3", "3500", "全国"],
    ["保安", "湖南某某食品有限公司", "1", "限男性，3000", ""],
    ["汽车驾驶员", "绥宁县某某电子有限公司", "2", "面议", "绥宁县长铺镇"],
    ["会计", "绥宁县某某电子有限公司", "1", "5000以上", "邵阳市"],
]


def publish_cooks(setting: Any, count: int) -> None:
    for _ in range(count):
        vacancy = make_vacancy(setting.officer, setting.electronics)
        vacancy_services.vacancy_submit(actor=setting.officer, vacancy=vacancy)
        vacancy_services.vacancy_review(actor=setting.officer, vacancy=vacancy, approve=True)


@pytest.mark.django_db
def test_checking_a_file_takes_as_many_queries_for_many_rows_as_for_one(
    setting: Any, django_assert_num_queries: Any
) -> None:
    publish_cooks(setting, 5)
    with CaptureQueriesContext(connection) as one:
        check(setting.officer, FILE_OF_JOBS[:1], header=PLACE_HEADER)
    with django_assert_num_queries(len(one.captured_queries)):
        plan = check(setting.officer, FILE_OF_JOBS, header=PLACE_HEADER)
    assert len(one.captured_queries) <= 4  # the employers, the coder, the work places' regions, going rates
    assert all(row.vacancy is not None for row in plan.rows)


@pytest.mark.django_db
def test_a_checked_row_becomes_what_the_same_posting_entered_alone_becomes(setting: Any) -> None:
    publish_cooks(setting, 5)
    plan = check(setting.officer, FILE_OF_JOBS, header=PLACE_HEADER)
    fields = [
        f.name for f in Vacancy._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")
    ]
    for row in plan.rows:
        assert row.vacancy is not None and row.employer is not None
        alone = Vacancy(employer=row.employer, channel=Channel.FILE, **clean_vacancy(row.row.data()))
        normalising.normalise(alone)
        normalising.rescreen(alone)
        assert {name: getattr(row.vacancy, name) for name in fields} == {
            name: getattr(alone, name) for name in fields
        }, row.row.line
    cook, outside = plan.rows[0].vacancy, plan.rows[2].vacancy
    assert cook is not None and outside is not None
    assert cook.region_code == cook.place_code != setting.electronics.region_code  # a township of the table
    # A county outside the installation's table (岳麓区): filed under the employer.
    assert outside.place_code == "430104000000" and outside.region_code == setting.electronics.region_code
    assert "fraud.pay_far_above_rate" in {flag["code"] for flag in cook.screening_flags}


@pytest.mark.django_db
def test_the_going_rate_of_a_file_reads_the_latest_published_vacancies_of_each_occupation_and_county(
    setting: Any, monkeypatch: Any
) -> None:
    publish_cooks(setting, 3)
    monkeypatch.setattr(normalising, "GOING_RATE_SAMPLE", 2)
    plan = check(setting.officer, FILE_OF_JOBS[:3], header=PLACE_HEADER)
    new = [row.vacancy for row in plan.rows if row.vacancy is not None]
    batch = normalising._comparable_pays_of(new)
    for vacancy in new:
        key = (vacancy.occupation_code, vacancy.region_code[:6])
        assert sorted(batch.get(key, [])) == sorted(normalising.comparable_pays(vacancy))
    assert batch[new[0].occupation_code, "430527"] == [(4500, 6000)] * 2


@pytest.mark.django_db
def test_normalising_in_one_go_refuses_saved_vacancies(setting: Any) -> None:
    with pytest.raises(ValueError, match="unsaved"):
        normalising.normalise_and_screen_new([make_vacancy(setting.officer, setting.electronics)])


@pytest.mark.django_db
def test_an_unknown_import_mode_is_refused_in_chinese(setting: Any) -> None:
    message = "导入方式取值无效，可选：all（全部无误才导入）、valid（只导入无误的行）"
    with pytest.raises(DomainError) as checking:
        record_for(setting.officer, MIXED, "everything")
    assert checking.value.errors[0].message == message
    record = record_for(setting.officer, MIXED, "valid")
    with pytest.raises(DomainError) as importing:
        file_import.vacancy_file_import(actor=setting.officer, record=record, mode="some")
    assert importing.value.errors[0].message == message
    assert not Vacancy.objects.filter(channel=Channel.FILE).exists()


# ------------------------------------------------------------------------------------------------ importing

MIXED = [
    ["中餐厨师", "绥宁县某某电子有限公司", "2", "4500-6000元/月", ""],
    ["服务员", "湖南某某食品有限公司", "3", "3500", ""],
    ["保安", "湖南某某食品有限公司", "1", "限男性，3000", ""],  # blocking screening flag: stays a draft
    ["普工", "不存在的公司", "", "", ""],
]


def record_for(actor: Any, rows: list[list[Any]], mode: str) -> VacancyFileImport:
    content = csv_file([["岗位名称", "单位名称", "招聘人数", "岗位描述", "有效期至"], *rows])
    return file_import.vacancy_file_check(actor=actor, filename="招聘会.csv", content=content, mode=mode)


@pytest.mark.django_db
def test_all_or_nothing_with_a_problem_row_changes_nothing(setting: Any) -> None:
    record = record_for(setting.officer, MIXED, "all")
    vacancies, logs = (
        Vacancy.objects.count(),
        ChangeLog.objects.filter(target_type="vacancies.vacancy").count(),
    )
    file_import.vacancy_file_import(actor=setting.officer, record=record)
    record.refresh_from_db()
    assert record.status == "refused" and record.created == 0 and "未导入任何一行" in record.message
    assert Vacancy.objects.count() == vacancies
    assert ChangeLog.objects.filter(target_type="vacancies.vacancy").count() == logs
    assert record.content_encrypted  # kept: the clerk may still take the valid rows or the error workbook


@pytest.mark.django_db
def test_valid_only_imports_the_good_rows_into_the_review_queue(setting: Any) -> None:
    record = record_for(setting.officer, MIXED, "valid")
    assert (record.total_rows, record.problem_rows) == (4, 1)
    assert [row["draft"] for row in record.rows[:3]] == [False, False, True]
    file_import.vacancy_file_import(actor=setting.officer, record=record)
    record.refresh_from_db()
    assert (record.status, record.created, record.drafts, record.refused) == ("done", 3, 1, 1)
    assert record.content_encrypted == ""
    made = {vacancy.title: vacancy for vacancy in Vacancy.objects.filter(file_import=record)}
    assert set(made) == {"中餐厨师", "服务员", "保安"}
    cook = made["中餐厨师"]
    assert cook.channel == Channel.FILE and cook.status == VacancyStatus.PENDING_REVIEW
    assert cook.submitted_at is not None and cook.employer == setting.electronics
    assert cook.source == f"招聘会.csv 第2行（导入编号 {record.pk}）"
    assert cook.description == "4500-6000元/月" and cook.headcount == 2
    assert made["保安"].status == VacancyStatus.DRAFT and made["保安"].screening_flags
    bulk = ChangeLog.objects.get(target_type="vacancies.vacancy", row_count=3)
    assert bulk.changes["file_import"] == record.pk and sorted(bulk.changes["ids"]) == sorted(
        str(vacancy.pk) for vacancy in made.values()
    )
    with pytest.raises(DomainError):
        file_import.vacancy_file_import(actor=setting.officer, record=record)


@pytest.mark.django_db
def test_the_clerk_may_switch_to_valid_only_after_the_check(setting: Any) -> None:
    record = record_for(setting.officer, MIXED, "all")
    file_import.vacancy_file_import(actor=setting.officer, record=record, mode="valid")
    assert record.status == "done" and record.created == 3


@pytest.mark.django_db
def test_the_import_checks_again_an_employer_gone_since_the_check(setting: Any) -> None:
    record = record_for(setting.officer, MIXED[:2], "all")
    Employer.objects.filter(pk=setting.food.pk).update(region_code="430528100000")  # moved away meanwhile
    file_import.vacancy_file_import(actor=setting.officer, record=record)
    assert record.status == "refused" and Vacancy.objects.count() == 0


# ------------------------------------------------------------------------------------------------ workbooks


@pytest.mark.django_db
def test_the_error_workbook_lists_the_problem_rows_with_a_problem_column_and_no_formula(setting: Any) -> None:
    rows = [*MIXED, ['=HYPERLINK("http://x","点我")', "不存在的公司", "", "", ""]]
    record = record_for(setting.officer, rows, "valid")
    content = file_import.vacancy_file_errors(actor=setting.officer, record=record)
    values = sheets(content)["需修改的行"]
    assert values[0] == ["原行号", "岗位名称", "单位名称", "招聘人数", "岗位描述", "有效期至", "问题"]
    assert [row[0] for row in values[1:]] == [5, 6]
    assert values[1][2] == "不存在的公司" and "未在本辖区登记" in values[1][-1]
    assert values[2][1] == '\'=HYPERLINK("http://x","点我")'  # text, never a formula
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")  # no cell is a formula
    # Fixed and uploaded again, the error workbook reads as the rows it lists.
    again = read_vacancy_file(content, today=TODAY)
    assert [row.line for row in again.rows] == [2, 3] and again.rows[1].title.startswith("=HYPERLINK")
    assert AccessLog.objects.filter(
        target_type="vacancies.vacancyfileimport", reason__contains="招聘会.csv"
    ).exists()


# ------------------------------------------------------------------------------------------------ pages


@pytest.mark.django_db
def test_upload_check_and_import_through_the_pages(setting: Any, client: Any) -> None:
    client.force_login(setting.officer)
    page = client.get(reverse("vacancies:file_upload"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "招聘岗位" in text and "docs/vacancy-import.md" in text and "下载模板" in text
    content = csv_file(
        [
            ["岗位名称", "单位名称", "招聘人数", "薪资待遇", "岗位描述"],
            *[[*row[:3], "4500-6000元/月", row[3]] for row in MIXED],
        ]
    )
    upload = io.BytesIO(content)
    upload.name = "岗位.csv"
    posted = client.post(reverse("vacancies:file_upload"), {"file": upload, "mode": "all"})
    record = VacancyFileImport.objects.get()
    assert posted.status_code == 302 and posted["Location"] == reverse(
        "vacancies:file_detail", args=[record.pk]
    )
    detail = client.get(posted["Location"]).content.decode()
    assert "中式烹调师" in detail and "4,500–6,000 元/月" in detail and "导入后留作草稿" in detail
    assert "登记该单位" in detail and "下载问题表" in detail
    errors = client.get(reverse("vacancies:file_errors", args=[record.pk]))
    assert errors.status_code == 200 and errors["Content-Type"].startswith("application/vnd.openxmlformats")
    run = client.post(reverse("vacancies:file_run", args=[record.pk]), {"mode": "valid"}, follow=True)
    assert "导入完成：3 个岗位已进入待审核队列，其中 1 个含违法内容提示" in run.content.decode()
    assert Vacancy.objects.filter(channel=Channel.FILE).count() == 3
    template = client.get(reverse("vacancies:file_template"))
    assert template.status_code == 200 and read_vacancy_file(template.content, today=TODAY).rows == []


@pytest.mark.django_db
def test_a_bad_upload_is_shown_on_the_form_and_changes_nothing(setting: Any, client: Any) -> None:
    client.force_login(setting.officer)
    upload = io.BytesIO("<html><body>岗位</body></html>".encode())
    upload.name = "岗位.xls"
    page = client.post(reverse("vacancies:file_upload"), {"file": upload, "mode": "valid"})
    assert page.status_code == 200 and "网页（HTML）格式" in page.content.decode()
    assert not VacancyFileImport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MANAGER, Role.COUNSELLOR])
def test_roles_without_add_vacancy_get_403_on_every_import_page(
    setting: Any, login_as: Any, role: str
) -> None:
    record = record_for(setting.officer, MIXED[:1], "valid")
    client = login_as(role, setting.places.county)
    for name, args in (
        ("file_upload", []),
        ("file_template", []),
        ("file_detail", [record.pk]),
        ("file_errors", [record.pk]),
    ):
        assert client.get(reverse(f"vacancies:{name}", args=args)).status_code == 403, name
    assert client.post(reverse("vacancies:file_run", args=[record.pk])).status_code == 403
    assert Vacancy.objects.count() == 0


@pytest.mark.django_db
def test_another_jurisdictions_import_is_not_found(setting: Any, login_as: Any) -> None:
    record = record_for(setting.officer, MIXED[:1], "valid")
    township = login_as(Role.TOWNSHIP_OFFICER, setting.places.township_a)
    assert township.get(reverse("vacancies:file_detail", args=[record.pk])).status_code == 404
    assert township.post(reverse("vacancies:file_run", args=[record.pk])).status_code == 404
    assert township.get(reverse("vacancies:file_errors", args=[record.pk])).status_code == 404


# ------------------------------------------------------------------------------------------------ CLI


def run_cli(argv: list[str], monkeypatch: Any) -> int:
    monkeypatch.setattr(cli, "migrate", lambda verbosity=0: None)
    args = cli.build_parser().parse_args(argv)
    return cli.COMMANDS["import"](args)


@pytest.mark.django_db
def test_cli_dry_run_all_or_nothing_and_valid_only(
    setting: Any, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    path = tmp_path / "招聘会.csv"
    path.write_bytes(
        csv_file([["岗位名称", "单位名称", "招聘人数", "岗位描述"], *[row[:4] for row in MIXED]])
    )
    base = ["import", "vacancies", str(path), "--as", setting.officer.username]
    assert run_cli([*base, "--dry-run"], monkeypatch) == 2
    out = capsys.readouterr().out
    assert "第5行：单位“不存在的公司”未在本辖区登记" in out
    assert "检查完毕（未导入）：共 4 行，无误 3 行（其中含违法内容提示、将留作草稿 1 行），有问题 1 行" in out
    assert run_cli(base, monkeypatch) == 2
    assert "未导入（有问题行）" in capsys.readouterr().out and Vacancy.objects.count() == 0
    assert run_cli([*base, "--valid-only"], monkeypatch) == 0
    assert "已导入：导入 3 个岗位（待审核 2，留作草稿 1），未导入 1 行" in capsys.readouterr().out
    assert Vacancy.objects.filter(channel=Channel.FILE).count() == 3


@pytest.mark.django_db
def test_cli_refuses_a_role_that_cannot_add_vacancies(
    make_staff: Any, places: Any, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    manager = make_staff(Role.MANAGER, places.county)
    path = tmp_path / "a.csv"
    path.write_bytes(csv_file([["岗位名称", "单位名称"], ["普工", "某单位"]]))
    assert run_cli(["import", "vacancies", str(path), "--as", manager.username], monkeypatch) == 2
    assert "的角色不能登记岗位" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("heading", "employer"),
    [
        ("招聘单位：绥宁县某某电子有限公司", "绥宁县某某电子有限公司"),
        ("二、湖南某某食品有限公司", "湖南某某食品有限公司"),
        ("1. 单位名称: 某某公司", "某某公司"),
        ("单位制服厂", "单位制服厂"),  # a label only with its colon
    ],
)
def test_a_headings_numbering_and_label_are_taken_off(heading: str, employer: str) -> None:
    content = csv_file([["序号", "岗位名称", "人数"], [heading, "", ""], ["1", "普工", "5"]])
    (row,) = rows_of(content).rows
    assert row.employer_name == employer
