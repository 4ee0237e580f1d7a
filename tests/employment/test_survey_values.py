"""One cell at a time: dates and months, incomes, wishes, ID numbers that a spreadsheet made numbers, text."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpes.employment.survey.values import (
    CellProblem,
    cell_text,
    clean_name,
    clean_text,
    id_number_text,
    parse_income,
    parse_month,
    parse_wish,
)
from openpes.employment.survey.vocabulary import EDUCATION, ETHNICITY, LABOUR_STATUS, RELATION, vocabulary_key
from openpes.people.models import Ethnicity

SEPTEMBER = dt.date(2026, 9, 1)

# Whatever a cell can hold once python-calamine or the csv module has read it.
CELLS = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.-/年月日号份 :~至到千万元kw，,"),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.none(),
)


@pytest.mark.parametrize(
    "written",
    ["2026-09-01", "2026/9/1", "2026.9.1", "2026.9", "2026-9", "2026/09", "2026年9月", "2026年09月份", "2026年9月1日",
     "202609", "20260901", " 2026-09-01 00:00:00 ", "２０２６年９月", "46266", 46266.0, 202609.0, 2026.9,
     SEPTEMBER, dt.datetime(2026, 9, 1, 8, 30)],
)  # fmt: skip
def test_months_and_dates_as_offices_write_them(written: object) -> None:
    assert parse_month(written) == SEPTEMBER


def test_a_full_date_keeps_its_day() -> None:
    assert parse_month("2026-09-15") == dt.date(2026, 9, 15)
    assert parse_month(46266.75) == SEPTEMBER  # a serial with a time of day


@pytest.mark.parametrize("blank", ["", "  ", "/", "-", "无", None])
def test_an_empty_date_cell_is_none(blank: object) -> None:
    assert parse_month(blank) is None


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("2026-13", "月份不存在"),
        ("2026-02-30", "不存在"),
        ("1890-01", "年份不合理"),
        ("去年", "无法识别"),
        ("2026", "无法识别"),
        (2026.0, "无法识别"),
        (2026.1, "1月还是10月"),
        (True, "无法识别"),
        (-3.5, "无法识别"),
    ],
)
def test_dates_that_cannot_be_read_say_why(written: object, says: str) -> None:
    with pytest.raises(CellProblem, match=says):
        parse_month(written)


@given(CELLS)
def test_parse_month_never_fails_otherwise(value: object) -> None:
    try:
        result = parse_month(value)
    except CellProblem as problem:
        assert str(problem)
    else:
        assert result is None or isinstance(result, dt.date)


@pytest.mark.parametrize(
    ("written", "yuan"),
    [
        ("3000", 3000),
        ("3000元", 3000),
        ("３０００元", 3000),
        ("3,000", 3000),
        ("3千", 3000),
        ("3k", 3000),
        ("0.45万", 4500),
        ("1.2w", 12000),
        ("3000-4000", 3500),
        ("3000～4000元", 3500),
        ("3-4千", 3500),
        ("3000至4001", 3500),
        ("约3000元/月", 3000),
        ("3000左右", 3000),
        ("月薪3000以上", 3000),
        (4500.0, 4500),
        (3999.99, 3999),
        ("无", 0),
        ("0", 0),
    ],
)
def test_incomes_as_offices_write_them(written: object, yuan: int) -> None:
    assert parse_income(written) == yuan


@pytest.mark.parametrize("blank", ["", " ", "/", "-", None])
def test_an_empty_income_is_none(blank: object) -> None:
    assert parse_income(blank) is None


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("4000-3000", "前大后小"),
        ("年收入五万", "无法识别"),
        ("2000000", "不合理"),
        (-5.0, "无法识别"),
        (True, "无法识别"),
    ],
)
def test_incomes_that_cannot_be_read_say_why(written: object, says: str) -> None:
    with pytest.raises(CellProblem, match=says):
        parse_income(written)


@given(CELLS)
def test_parse_income_never_fails_otherwise(value: object) -> None:
    try:
        result = parse_income(value)
    except CellProblem as problem:
        assert str(problem)
    else:
        assert result is None or (isinstance(result, int) and 0 <= result <= 1_000_000)


@pytest.mark.parametrize(
    ("written", "wish"),
    [
        ("有", (True, "")),
        ("是", (True, "")),
        ("想", (True, "")),
        ("√", (True, "")),
        ("无", (False, "")),
        ("否", (False, "")),
        ("不想", (False, "")),
        ("暂无", (False, "")),
        ("", (None, "")),
        (None, (None, "")),
        (True, (True, "")),
        ("想去县城进厂", (True, "想去县城进厂")),
        ("电工", (True, "电工")),
        ("不想外出，想在本地", (None, "不想外出，想在本地")),
    ],
)
def test_wishes_are_a_yes_a_no_or_the_wish_itself(written: object, wish: tuple[bool | None, str]) -> None:
    assert parse_wish(written) == wish


@given(CELLS)
def test_parse_wish_never_fails_otherwise(value: object) -> None:
    try:
        wants, text = parse_wish(value)
    except CellProblem as problem:
        assert "不能超过" in str(problem)
    else:
        assert wants in (True, False, None) and isinstance(text, str)


@pytest.mark.parametrize(
    "stored", [4.30527199e17, 430527199005170016.0, 430527199005170016, "4.30527E+17", "4.30527199005171e+17"]
)
def test_an_id_number_stored_as_a_number_is_refused_never_completed(stored: object) -> None:
    with pytest.raises(CellProblem, match="存成了数字"):
        id_number_text(stored)


def test_id_number_text_keeps_what_can_be_trusted() -> None:
    assert id_number_text(430527800517001.0) == "430527800517001"  # 15 digits fit in a number cell
    assert id_number_text(" 430527 19900517 0024 ") == "430527199005170024"
    assert id_number_text("'430527199005170024") == "430527199005170024"
    assert id_number_text("４３０５２７１９９００５１７００２ｘ") == "43052719900517002x"
    assert id_number_text("\u202d430527199005170024\u202c") == "430527199005170024"  # pasted from Windows


@given(CELLS)
def test_id_number_text_never_fails_otherwise(value: object) -> None:
    try:
        assert isinstance(id_number_text(value), str)
    except CellProblem as problem:
        assert str(problem)


def test_text_is_trimmed_and_full_width_letters_and_digits_made_ascii_but_chinese_punctuation_kept() -> None:
    assert clean_text("  某某村３组\u3000１２号（东）  ") == "某某村3组 12号（东）"
    assert clean_text("ＡＢＣ电子厂") == "ABC电子厂"
    assert clean_text("/") == "" and clean_text("无") == "" and clean_text("无", blank_markers=False) == "无"
    assert clean_text("'=1+2") == "=1+2"  # the apostrophe our own workbooks add
    assert clean_name("张  三") == "张三" and clean_name("Anna Li") == "Anna Li"


def test_cell_text_shows_numbers_as_a_spreadsheet_does() -> None:
    assert cell_text(3000.0) == "3000"
    assert cell_text(4.30527199005171e17) == "4.30527E+17"  # as Excel shows it, not as digits to trust
    assert cell_text(dt.datetime(2026, 9, 1)) == "2026-09-01"
    assert cell_text(None) == ""


@pytest.mark.parametrize(
    ("vocabulary", "written", "code"),
    [
        (LABOUR_STATUS, "灵活就业", ("employed", "flexible")),
        (LABOUR_STATUS, "务农", ("employed", "farming")),
        (LABOUR_STATUS, "未就业", ("unemployed", None)),
        (LABOUR_STATUS, "在校生", ("student", None)),
        (LABOUR_STATUS, "参军", ("enlisted", None)),
        (LABOUR_STATUS, "料理家务", ("not_seeking", None)),
        (LABOUR_STATUS, "失业人员", ("unemployed", None)),
        (LABOUR_STATUS, "已就业（灵活就业）", ("employed", "flexible")),
        (LABOUR_STATUS, "县外务工", ("employed", None)),
        (EDUCATION, "初中毕业", "20"),
        (EDUCATION, "职高", "40"),
        (EDUCATION, "专科", "50"),
        (EDUCATION, "硕士", "70"),
        (EDUCATION, "文盲", "10"),
        (RELATION, "长子", "20"),
        (RELATION, "本人", "01"),
        (RELATION, "妻", "10"),
        (RELATION, "孙女", "30"),
        (RELATION, "岳母", "50"),
    ],
)
def test_vocabularies_map_what_offices_write_to_our_codes(
    vocabulary: object, written: str, code: object
) -> None:
    assert vocabulary.lookup(written) == code  # type: ignore[attr-defined]


def test_every_ethnic_group_is_recognised_with_or_without_zu_and_by_its_code() -> None:
    for member in Ethnicity:
        assert ETHNICITY.lookup(str(member.label)) == member
        assert ETHNICITY.lookup(member.value) == member
        if str(member.label).endswith("族"):
            assert ETHNICITY.lookup(str(member.label)[:-1]) == member
    assert ETHNICITY.lookup("汉") == Ethnicity.HAN
    assert ETHNICITY.lookup("火星族") is None


def test_every_word_shown_as_accepted_is_accepted() -> None:
    for vocabulary in (LABOUR_STATUS, EDUCATION, RELATION, ETHNICITY):
        for word in vocabulary.shown:
            assert vocabulary.lookup(word) is not None, word
    assert vocabulary_key(" 已 就 业 ") == "已就业"
