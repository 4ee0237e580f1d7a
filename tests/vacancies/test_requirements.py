"""Minimum education, minimum experience and work type, on examples and on the hand-labelled real postings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpes.people.models import Education
from openpes.vacancies.normalise.requirements import (
    EDUCATION_LEVELS,
    parse_education,
    parse_experience,
    parse_work_type,
    read_education,
    read_experience,
    read_work_type,
)
from tests.vacancies.postings import labelled, postings


def test_the_education_codes_are_those_of_the_people_app() -> None:
    assert {choice.value: choice.label for choice in Education} == EDUCATION_LEVELS


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("大专及以上", "50"),
        ("本科以上学历", "60"),
        ("统招本科", "60"),
        ("硕士", "70"),
        ("博士", "70"),
        ("研究生及以上", "70"),
        ("中技", "40"),
        ("中专", "40"),
        ("中技/中专", "40"),
        ("职高", "40"),
        ("高中/中专", "30"),  # either will do: the lower one, so nobody the employer accepts is filtered out
        ("高中", "30"),
        ("初中", "20"),
        ("初中及以下", "10"),
        ("小学", "10"),
        ("大专", "50"),
        ("高职", "50"),
        ("ＭＢＡ", "70"),
        ("全日制本科及以上（985/211优先）", "60"),
        ("高中以下", "10"),
    ],
)
def test_education_minimum_is_read_as_a_code(text: str, code: str) -> None:
    assert parse_education(text) == code


@pytest.mark.parametrize("text", ["不限", "学历不限", "无学历要求"])
def test_no_education_requirement_gives_none_with_a_reason(text: str) -> None:
    reading = read_education(text)
    assert reading.value is None
    assert "不限" in reading.reason


def test_a_single_level_named_with_its_school_tiers_is_not_called_alternatives() -> None:
    assert "几种学历" not in read_education("本科（985/211优先）").reason


def test_unreadable_education_is_none_and_says_so() -> None:
    reading = read_education("能吃苦耐劳")
    assert reading.value is None
    assert reading.reason.startswith("未能识别")


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("3-4年工作经验", 3),
        ("1年以上", 1),
        ("1年", 1),
        ("2年及以上", 2),
        ("10年以上工作经验", 10),
        ("十年以上", 10),
        ("两年以上经验", 2),
        ("一年半", 1),
        ("半年以上", 0),
        ("6个月以上", 0),
        ("1年以下", 0),
        ("经验不限", 0),
        ("无需经验", 0),
        ("无工作经验", 0),
        ("在校生/应届生", 0),
        ("应届毕业生", 0),
        ("三年以上相关工作经验", 3),
        ("经验1年以上", 1),
        ("有相关经验者优先", 0),
        ("", None),
    ],
)
def test_experience_minimum_is_read_in_whole_years(text: str, years: int | None) -> None:
    assert parse_experience(text) == years


def test_a_graduation_year_is_not_read_as_years_of_experience() -> None:
    assert parse_experience("2024年毕业") is None
    assert read_experience("2024年毕业").reason.startswith("未能识别")


@pytest.mark.parametrize(
    ("title", "description", "pay_text", "experience_text", "work_type"),
    [
        ("大数据开发工程师（实习生）", "", "6-8千/月", "", "internship"),
        ("2023 Intern-Software Design", "", "3-4千", "", "internship"),
        ("暑期见习岗", "", "", "", "internship"),
        ("技术岗", "岗位性质：实习 名额：1人", "200元/天", "", "internship"),
        ("生物信息工程师", "每周到岗至少一天，实习后有机会在公司留任", "300元/天", "", "internship"),
        ("算法工程师", "", "150元/天", "在校生/应届生", "internship"),
        ("数据采集员+可实习", "", "5-8千", "无需经验", "full_time"),
        ("信贷经理", "可接受实习生，带薪培训", "0.8-1万/月", "", "full_time"),
        ("代码整理兼职", "", "3千及以下", "", "part_time"),
        ("代码文档整理（兼职）", "", "150元/天", "", "part_time"),
        ("超市理货员", "", "22元/小时", "", "part_time"),
        ("钟点工", "", "", "", "part_time"),
        ("客服专员（全职/兼职均可）", "", "4-6千", "", "full_time"),
        ("暑假工", "", "18元/小时", "", "gig"),
        ("传单派发", "", "150元/天 日结", "", "gig"),
        ("兼职日结 展会协助", "", "200元/天", "", "gig"),
        ("数据标注", "", "100元/天", "无需经验", "gig"),
        ("外卖骑手（众包）", "", "5元/单", "", "gig"),
        ("资料整理员", "此岗位属于临时工（小时工）岗位", "2-3千/月", "", "gig"),
        ("Java开发工程师", "有实习经验者优先", "1-1.5万", "3-4年", "full_time"),
        ("Audit Manager", "Internal Audit provides assurance", "", "", "full_time"),
        ("大数据研发工程师", "实习期提供住宿", "1-1.5万/月", "", "full_time"),
    ],
)
def test_work_type(title: str, description: str, pay_text: str, experience_text: str, work_type: str) -> None:
    assert parse_work_type(title, description, pay_text, experience_text) == work_type
    assert read_work_type(title, description, pay_text, experience_text).reason


@given(st.text(max_size=30))
def test_requirement_readers_never_fail(text: str) -> None:
    education = parse_education(text)
    assert education is None or education in EDUCATION_LEVELS
    years = parse_experience(text)
    assert years is None or 0 <= years <= 50
    assert parse_work_type(text, text, text, text) in {"full_time", "part_time", "gig", "internship"}


@pytest.mark.parametrize(
    ("field", "read"),
    [
        ("education_min", lambda row: parse_education(row["education_text"]) or ""),
        ("experience_min_years", lambda row: _text(parse_experience(row["experience_text"]))),
        (
            "work_type",
            lambda row: parse_work_type(
                row["title"], row["description"], row["pay_text"], row["experience_text"]
            ),
        ),
    ],
)
def test_requirements_on_the_labelled_sample_match_the_hand_labels(
    field: str, read: Callable[[dict[str, str]], str]
) -> None:
    rows = postings()
    wrong = []
    for label in labelled():
        posting = rows[int(label["row"])]
        got = read(posting)
        if got != label[field]:
            wrong.append((label["row"], posting["title"], label[field], got))
    assert 1 - len(wrong) / len(labelled()) >= 0.98, wrong


def _text(value: int | None) -> str:
    return "" if value is None else str(value)
