"""The pay parser: the issue's conventions, shapes from other sites, real postings, and properties."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpes.vacancies.normalise.pay import Pay, parse_pay
from tests.vacancies.postings import labelled, postings

PERIODS = {"month", "year", "day", "hour", "week", "piece"}


def figures(pay: Pay) -> tuple[int | None, int | None, str | None, int | None, bool]:
    return pay.minimum, pay.maximum, pay.period, pay.months, pay.negotiable


# (text, minimum, maximum, period, months, negotiable); every figure worked out by hand.
CONVENTIONS = [
    # The issue's own examples.
    ("8千-1.2万/月", 8_000, 12_000, "month", None, False),
    ("15-25K·13薪", 15_000, 25_000, "month", 13, False),
    ("4500-6000元", 4_500, 6_000, "month", None, False),
    ("200元/天", 4_350, 4_350, "day", None, False),  # 200 × 21.75
    ("25元/小时", 4_350, 4_350, "hour", None, False),  # 25 × 174
    ("年薪10-15万", 8_333, 12_500, "year", None, False),  # 100,000 ÷ 12 = 8,333.3
    ("面议", None, None, None, None, True),
    ("薪资面议", None, None, None, None, True),
    ("底薪3000+提成", 3_000, None, "month", None, False),
    ("0.8-1万", 8_000, 10_000, "month", None, False),
    ("1.5-2万/年", 1_250, 1_667, "year", None, False),  # 20,000 ÷ 12 = 1,666.7
    ("3千及以下", None, 3_000, "month", None, False),
    ("1千以下", None, 1_000, "month", None, False),
    ("1万以上", 10_000, None, "month", None, False),
    ("2500元以上", 2_500, None, "month", None, False),
    ("100万以上/年", 83_333, None, "year", None, False),
    ("5元/单", None, None, "piece", None, False),
    ("30元/次", None, None, "piece", None, False),
    ("0.5元/件", None, None, "piece", None, False),
    ("1000元/周", 4_350, 4_350, "week", None, False),  # 1,000 × 4.35
    ("150元/天", 3_263, 3_263, "day", None, False),  # 3,262.5 rounds half up
    # Full-width digits, and every dash and word that joins a range.
    ("４５００－６０００元", 4_500, 6_000, "month", None, False),
    ("3000～5000元", 3_000, 5_000, "month", None, False),
    ("3000~5000元", 3_000, 5_000, "month", None, False),
    ("3000—5000元", 3_000, 5_000, "month", None, False),
    ("3000–5000元", 3_000, 5_000, "month", None, False),
    ("3000至5000元", 3_000, 5_000, "month", None, False),
    ("3000到5000元", 3_000, 5_000, "month", None, False),
    ("１５－２５Ｋ·１３薪", 15_000, 25_000, "month", 13, False),
    # A unit per end, a unit once, and a bare figure already larger than the unit's.
    ("7.5千-1.3万", 7_500, 13_000, "month", None, False),
    ("8000-1.2万", 8_000, 12_000, "month", None, False),
    ("1万-8千", 8_000, 10_000, "month", None, False),
]

# Shapes of other sites (Boss直聘, 智联, 58同城, 猎聘, 拉勾, gig platforms) that the 51job file lacks.
OTHER_SITES = [
    ("20-40k·14薪", 20_000, 40_000, "month", 14, False),
    ("10k-20k", 10_000, 20_000, "month", None, False),
    ("10K-20K·15薪", 10_000, 20_000, "month", 15, False),
    ("8000-12000元/月", 8_000, 12_000, "month", None, False),
    ("8,000-12,000元/月", 8_000, 12_000, "month", None, False),
    ("3000-5000元", 3_000, 5_000, "month", None, False),
    ("150-200元/天", 3_263, 4_350, "day", None, False),
    ("日结200元", 4_350, 4_350, "day", None, False),
    ("日薪200", 4_350, 4_350, "day", None, False),
    ("200元/天 日结", 4_350, 4_350, "day", None, False),
    ("20-25元/时", 3_480, 4_350, "hour", None, False),
    ("时薪25元", 4_350, 4_350, "hour", None, False),
    ("计件", None, None, "piece", None, False),
    ("计件工资 3元/件", None, None, "piece", None, False),
    ("50元/千字", None, None, "piece", None, False),
    ("计件工资，月均5000-8000", 5_000, 8_000, "month", None, False),
    ("40-60万", 33_333, 50_000, "year", None, False),  # 猎聘 drops "/年"; 400,000 a month is not meant
    ("6.5-12.5万", 65_000, 125_000, "month", None, False),
    ("20万年薪", 16_667, 16_667, "year", None, False),
    ("月薪8000", 8_000, 8_000, "month", None, False),
    ("8000元/月", 8_000, 8_000, "month", None, False),
    ("￥8000", 8_000, 8_000, "month", None, False),
    ("5000左右", 5_000, 5_000, "month", None, False),
    ("8000起", 8_000, None, "month", None, False),
    ("最高1.5万", None, 15_000, "month", None, False),
    ("一万五", 15_000, 15_000, "month", None, False),
    ("三千到五千", 3_000, 5_000, "month", None, False),
    ("4000-6000元/月+提成", 4_000, None, "month", None, False),
    ("无责底薪4000", 4_000, None, "month", None, False),
    ("五险一金 4000-5000", 4_000, 5_000, "month", None, False),
    ("2000-3000元/月 包吃住 做六休一", 2_000, 3_000, "month", None, False),
    ("工资面议", None, None, None, None, True),
    ("面议（8000-10000元）", 8_000, 10_000, "month", None, True),
    ("8-9千元 14薪", 8_000, 9_000, "month", 14, False),
    ("4000-8000元 多劳多得", 4_000, 8_000, "month", None, False),
    ("5000元/月起", 5_000, None, "month", None, False),
    ("6000+/月", 6_000, None, "month", None, False),
    ("月入过万", 10_000, None, "month", None, False),
    ("试用期3000，转正4000-5000", 4_000, 5_000, "month", None, False),
    ("年薪30W+", 25_000, None, "year", None, False),
    ("12W-20W/年", 10_000, 16_667, "year", None, False),
    ("500-1000元/周", 2_175, 4_350, "week", None, False),
    ("税前15-20K", 15_000, 20_000, "month", None, False),
    ("6千/月-8千/月", 6_000, 8_000, "month", None, False),
    ("3000元/月~5000元/月", 3_000, 5_000, "month", None, False),
    ("约8000元", 8_000, 8_000, "month", None, False),
    ("8千~1万2", 8_000, 12_000, "month", None, False),
    ("20万-30万元/年", 16_667, 25_000, "year", None, False),
    ("15k-25k 年终奖2-4个月", 15_000, 25_000, "month", None, False),
    ("150元/天起", 3_263, None, "day", None, False),
    ("底薪3000+按单提成", 3_000, None, "month", None, False),
    ("保底4000+计件", 4_000, None, "month", None, False),
    ("单价0.5元/件", None, None, "piece", None, False),
    ("按单结算 5元一单", None, None, "piece", None, False),
    ("每单8元", None, None, "piece", None, False),
]


@pytest.mark.parametrize(
    ("text", "minimum", "maximum", "period", "months", "negotiable"), CONVENTIONS + OTHER_SITES
)
def test_pay_text_is_read_by_the_conventions(
    text: str,
    minimum: int | None,
    maximum: int | None,
    period: str | None,
    months: int | None,
    negotiable: bool,
) -> None:
    pay = parse_pay(text)
    assert figures(pay) == (minimum, maximum, period, months, negotiable), pay.reasons
    assert not pay.unparsed


def test_conversions_are_named_in_the_reasons() -> None:
    assert "年薪÷12" in parse_pay("年薪10-15万").reasons
    assert "日薪×21.75" in parse_pay("200元/天").reasons
    assert any(reason.startswith("时薪×174") for reason in parse_pay("25元/小时").reasons)
    assert "周薪×4.35" in parse_pay("1000元/周").reasons


def test_commission_is_flagged_and_the_base_is_the_floor() -> None:
    pay = parse_pay("底薪3000+提成")
    assert any("提成" in reason for reason in pay.reasons)


@pytest.mark.parametrize("text", ["5元/单", "每单5元", "5元一单"])
def test_a_piece_rate_keeps_its_rate_in_the_reasons_not_as_a_monthly_figure(text: str) -> None:
    pay = parse_pay(text)
    assert any("每单5元" in reason for reason in pay.reasons), pay.reasons


def test_a_range_written_backwards_is_swapped_and_said_so() -> None:
    assert "上下限写反，已对调" in parse_pay("1万-8千").reasons


@pytest.mark.parametrize("text", ["15-25", "年薪 20-30", "待遇从优", "看能力", "99999999999元"])
def test_what_cannot_be_read_is_flagged_not_guessed(text: str) -> None:
    pay = parse_pay(text)
    assert pay.unparsed
    assert pay.minimum is None and pay.maximum is None
    assert pay.reasons


def test_an_empty_pay_text_is_absent_not_unparsed() -> None:
    assert parse_pay("  ") == Pay(reasons=("未写薪资",))


# Real postings ----------------------------------------------------------------------------------------------


def test_labelled_sample_is_large_and_covers_every_pay_shape_of_the_postings() -> None:
    rows = postings()
    sample = labelled()
    assert len(sample) >= 300
    assert len({row["row"] for row in sample}) == len(sample)
    for labelled_row in sample:
        posting = rows[int(labelled_row["row"])]
        assert (labelled_row["title"], labelled_row["pay_text"]) == (posting["title"], posting["pay_text"])
    shapes_in_file = {_shape(row["pay_text"]) for row in rows}
    assert shapes_in_file == {_shape(row["pay_text"]) for row in sample}


def test_pay_on_the_labelled_sample_matches_the_hand_labels() -> None:
    wrong = []
    for row in labelled():
        pay = parse_pay(row["pay_text"])
        expected = (
            _int(row["pay_min"]),
            _int(row["pay_max"]),
            row["pay_period"] or None,
            _int(row["pay_months"]),
            row["pay_negotiable"] == "1",
        )
        if figures(pay) != expected:
            wrong.append((row["row"], row["pay_text"], expected, figures(pay)))
    share_right = 1 - len(wrong) / len(labelled())
    assert share_right >= 0.99, wrong


def test_pay_texts_of_all_real_postings_parse(capsys: pytest.CaptureFixture[str]) -> None:
    texts = [row["pay_text"] for row in postings() if row["pay_text"].strip()]
    results = [(text, parse_pay(text)) for text in texts]
    failing_shapes = Counter(_shape(text) for text, pay in results if pay.unparsed)
    share = 1 - sum(failing_shapes.values()) / len(texts)
    with capsys.disabled():
        print(f"\npay texts parsed: {len(texts) - sum(failing_shapes.values())}/{len(texts)} ({share:.2%})")
    assert share >= 0.99, failing_shapes.most_common()
    for text, pay in results:
        for figure in (pay.minimum, pay.maximum):
            # A month's pay outside these bounds in an office's file means a misread unit, not a real wage.
            assert figure is None or 500 <= figure <= 200_000, (text, pay)


def _shape(text: str) -> str:
    return re.sub(r"\d+(?:\.\d+)?", "N", text)


def _int(text: str) -> int | None:
    return int(text) if text else None


# Properties -------------------------------------------------------------------------------------------------

PAY_ALPHABET = (
    "0123456789.-~至到万千kKwW元块/月年天日小时周次单件以上下及面议薪·+底提成一二两三五十百 ，,（）：１２－～"
)
tenths = st.integers(min_value=1, max_value=999)


def _decimal_text(tenth_count: int) -> str:
    return format(Decimal(tenth_count) / 10, "f")


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@settings(max_examples=500)
@given(st.text(alphabet=PAY_ALPHABET, max_size=40) | st.text(max_size=40))
def test_any_text_gives_a_consistent_reading(text: str) -> None:
    pay = parse_pay(text)
    if pay.minimum is not None and pay.maximum is not None:
        assert pay.minimum <= pay.maximum
    assert pay.period is None or pay.period in PERIODS
    if pay.period == "piece" or pay.unparsed:
        assert pay.minimum is None and pay.maximum is None
    assert pay.months is None or 12 <= pay.months <= 24


@given(tenths, tenths, st.sampled_from(["K", "k", "千"]))
def test_a_thousand_unit_written_once_is_a_thousand_at_both_ends(low: int, high: int, unit: str) -> None:
    low, high = sorted([low, high])
    pay = parse_pay(f"{_decimal_text(low)}-{_decimal_text(high)}{unit}/月")
    assert (pay.minimum, pay.maximum) == (low * 100, high * 100)


@given(tenths, tenths, st.sampled_from(["K", "千", "万"]))
def test_units_at_both_ends_give_an_ordered_range_whichever_end_comes_first(
    low: int, high: int, unit: str
) -> None:
    scale = 10_000 if unit == "万" else 1_000
    pay = parse_pay(f"{_decimal_text(low)}{unit}-{_decimal_text(high)}{unit}/月")
    assert (pay.minimum, pay.maximum) == tuple(sorted([low * scale // 10, high * scale // 10]))


@given(tenths, tenths)
def test_a_ten_thousand_unit_written_once_applies_to_both_ends(low: int, high: int) -> None:
    low, high = sorted([low, high])
    pay = parse_pay(f"{_decimal_text(low)}-{_decimal_text(high)}万/月")
    assert (pay.minimum, pay.maximum) == (low * 1_000, high * 1_000)


@given(st.integers(min_value=1, max_value=500), st.integers(min_value=0, max_value=500))
def test_yearly_pay_is_divided_by_twelve(low: int, spread: int) -> None:
    pay = parse_pay(f"年薪{low}-{low + spread}万")
    assert pay.period == "year"
    assert pay.minimum == _round(Decimal(low * 10_000) / 12)
    assert pay.maximum == _round(Decimal((low + spread) * 10_000) / 12)


@given(
    st.integers(min_value=1, max_value=5_000),
    st.sampled_from([("天", "21.75"), ("小时", "174"), ("周", "4.35")]),
)
def test_day_hour_and_week_rates_are_scaled_to_a_month(rate: int, period_and_factor: tuple[str, str]) -> None:
    period, factor = period_and_factor
    pay = parse_pay(f"{rate}元/{period}")
    assert pay.minimum == pay.maximum == _round(rate * Decimal(factor))


@given(st.integers(min_value=100, max_value=99_999), st.integers(min_value=0, max_value=99_999))
def test_full_width_text_reads_as_half_width(low: int, spread: int) -> None:
    text = f"{low}-{low + spread}元/月"
    full_width = text.translate({code: code + 0xFEE0 for code in range(0x21, 0x7F)})
    assert (
        figures(parse_pay(full_width))
        == figures(parse_pay(text))
        == (low, low + spread, "month", None, False)
    )


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=12, max_value=24))
def test_months_of_pay_leave_the_monthly_figures_as_written(thousands: int, months: int) -> None:
    pay = parse_pay(f"{thousands}K·{months}薪")
    assert (pay.minimum, pay.months) == (thousands * 1_000, months)


def test_the_parsers_import_no_django() -> None:
    code = (
        "import sys\n"
        "import openpes.vacancies.normalise.pay, openpes.vacancies.normalise.requirements\n"
        "assert not [name for name in sys.modules if name.split('.')[0] == 'django'], 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - our own fixed code
