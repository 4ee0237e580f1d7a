"""Pay as employers write it ("8千-1.2万/月", "15-25K·13薪", "年薪10-15万", "200元/天", "面议") → integer yuan per month.

Conventions, so that figures compare across postings and sites (issue 9):

- Units: K/k and 千 = 1,000; W/w and 万 = 10,000; a unit written once applies to both ends ("0.8-1万" =
  8,000–10,000), unless the bare figure read with that unit would be more than ten times the other end: then
  it is already in yuan ("8000-1.2万" = 8,000–12,000). Each end keeps
  its own unit when both have one ("8千-1.2万"). "1万5" and "一万五" are 15,000.
- Period, as written: 年薪 or "/年" ÷ 12; 日薪 or "/天" × 21.75 (statutory paid days a month); 时薪 or "/小时"
  × 174 (21.75 × 8); 周薪 or "/周" × 4.35 (52.2 weeks ÷ 12). Nothing written means a month — except a figure of
  100,000 a month or more with no period, which sites that drop "/年" (猎聘, newer 51job) mean per year.
- "·13薪" leaves the monthly figures as written and sets `months` to 13.
- "面议" sets `negotiable` with no figures (figures written beside it are kept).
- "以上"/"起"/"+" keep only a minimum, "以下"/"以内"/"最高" only a maximum, "左右" both ends at the figure.
- Piece rates ("5元/单", "元/次", "元/件", 计件) keep `period = "piece"` and no monthly figures: a piece rate
  says nothing about a month's pay; the rate stays readable in `reasons`.
- Base pay plus commission ("底薪3000+提成", "4000-6000+提成"): the written base is the floor, so only the
  minimum is kept; the reasons say that commission comes on top.
- Rounding: each end to the whole yuan, halves up (150元/天 × 21.75 = 3,262.5 → 3,263), in decimal arithmetic.
- A range written high-to-low ("1万-8千") is swapped, and the reasons say so, rather than dropped: the figures
  are the employer's own, only their order is wrong.
- A figure with no unit and no 元 below 100 on a monthly or yearly scale ("15-25") is not guessed at: it is left
  unparsed with the reason.

`reasons` are short Chinese notes that a clerk can read next to the figures ("年薪÷12", "日薪×21.75").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Literal

from openpes.vacancies.normalise.numerals import NUMERAL_CHARS, Amount, read_amount, to_half_width

Period = Literal["month", "year", "day", "hour", "week", "piece"]

# (multiply by, divide by, the note shown to staff); dividing last keeps "年薪12万" at exactly 10,000.
PERIOD_FACTOR: dict[Period, tuple[Decimal, Decimal, str]] = {
    "month": (Decimal(1), Decimal(1), ""),
    "year": (Decimal(1), Decimal(12), "年薪÷12"),
    "day": (Decimal("21.75"), Decimal(1), "日薪×21.75"),
    "hour": (Decimal(174), Decimal(1), "时薪×174（21.75天×8小时）"),
    "week": (Decimal("4.35"), Decimal(1), "周薪×4.35"),
}
# Above this a monthly figure is implausible; with no period written the employer meant a year (see docstring).
YEARLY_WHEN_UNSTATED_FROM = Decimal(100_000)
# Above this a written figure is a typo or not pay at all (and would overflow decimal rounding): not read.
LARGEST_PLAUSIBLE = Decimal(100_000_000)
# Below this a figure with no unit cannot be told apart from 千 or 万 on a monthly or yearly scale.
SMALLEST_BARE_MONTHLY = Decimal(100)

# Words after "/" or "每" that name the period (longest first, so that "小时" wins over "时").
PERIOD_WORDS: tuple[tuple[str, Period], ...] = (
    ("年薪", "year"),
    ("月薪", "month"),
    ("日薪", "day"),
    ("时薪", "hour"),
    ("周薪", "week"),
    ("小时", "hour"),
    ("钟头", "hour"),
    ("课时", "piece"),
    ("千字", "piece"),
    ("星期", "week"),
    ("month", "month"),
    ("year", "year"),
    ("day", "day"),
    ("hour", "hour"),
    ("mo", "month"),
    ("月", "month"),
    ("年", "year"),
    ("天", "day"),
    ("日", "day"),
    ("时", "hour"),
    ("h", "hour"),
    ("周", "week"),
    ("次", "piece"),
    ("单", "piece"),
    ("件", "piece"),
    ("个", "piece"),
    ("份", "piece"),
    ("趟", "piece"),
    ("箱", "piece"),
    ("台", "piece"),
    ("平方米", "piece"),
    ("平米", "piece"),
    ("平方", "piece"),
    ("平", "piece"),
    ("米", "piece"),
    ("吨", "piece"),
    ("条", "piece"),
    ("张", "piece"),
    ("套", "piece"),
    ("页", "piece"),
    ("篇", "piece"),
    ("节", "piece"),
    ("车", "piece"),
    ("票", "piece"),
    ("包", "piece"),
    ("斤", "piece"),
    ("公斤", "piece"),
    ("批", "piece"),
)
_PERIOD_ALTERNATION = "|".join(re.escape(word) for word, _ in sorted(PERIOD_WORDS, key=lambda w: -len(w[0])))
PERIOD_BY_WORD = dict(PERIOD_WORDS)

# Words written before a figure that name its period ("年薪10-15万", "日薪200", "月入过万").
PERIOD_PREFIXES: tuple[tuple[str, Period], ...] = (
    ("年薪", "year"),
    ("年收入", "year"),
    ("年包", "year"),
    ("年总包", "year"),
    ("每年", "year"),
    ("月薪", "month"),
    ("月入", "month"),
    ("月均", "month"),
    ("月收入", "month"),
    ("月工资", "month"),
    ("每月", "month"),
    ("日薪", "day"),
    ("日工资", "day"),
    ("日结", "day"),
    ("每天", "day"),
    ("每日", "day"),
    ("一天", "day"),
    ("时薪", "hour"),
    ("每小时", "hour"),
    ("一小时", "hour"),
    ("周薪", "week"),
    ("每周", "week"),
    ("计件", "piece"),
    ("每单", "piece"),
    ("每件", "piece"),
    ("每次", "piece"),
    ("一单", "piece"),
    ("一件", "piece"),
)
# The leading ".*" makes the search take the word nearest the figure ("计件工资，月均5000" is monthly).
PERIOD_BEFORE = re.compile(
    "(?s).*(?P<word>" + "|".join(re.escape(word) for word, _ in PERIOD_PREFIXES) + r")[^0-9]{0,6}$"
)
PERIOD_BY_PREFIX = dict(PERIOD_PREFIXES)
# Said anywhere in the text when nothing sits beside the figure ("200元 日结", "计件工资 5元").
PERIOD_ANYWHERE: tuple[tuple[re.Pattern[str], Period], ...] = (
    (re.compile("计件|按件|按单|每单|每件"), "piece"),
    (re.compile("年薪|年包"), "year"),
    (re.compile("时薪|小时工|钟点工"), "hour"),
    (re.compile("日薪|日结"), "day"),
    (re.compile("周薪"), "week"),
)

NEGOTIABLE = re.compile("面议|面谈|议定|可议|商议|协商|详谈|待定")
MONTHS = re.compile(r"[·•*x×,，/+\s]?(?P<months>\d{2}|十[二三四五六七八九]|二十)\s*薪")
CHINESE_MONTHS = {
    "十二": 12,
    "十三": 13,
    "十四": 14,
    "十五": 15,
    "十六": 16,
    "十七": 17,
    "十八": 18,
    "十九": 19,
    "二十": 20,
}
COMMISSION = re.compile("提成|绩效|奖金|分红|佣金|补贴|加班费|计件")
THOUSANDS_SEPARATOR = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
NOISE = re.compile(r"\s+|¥|￥|rmb|cny|人民币|税前|税后")

# "月入过万", "轻松破万": more than ten thousand, with no digit written.
OVER_TEN_THOUSAND = re.compile("(?<![0-9一二两三四五六七八九十百千])[过破上]万")
# "试用期3000，转正4000-5000": the pay after probation is the job's pay.
AFTER_PROBATION = re.compile("转正(?:后)?")

FIGURE = re.compile(rf"[{NUMERAL_CHARS}]+")
HAS_DIGIT = re.compile(r"[0-9一二两三四五六七八九十百]")
HAS_ARABIC = re.compile(r"[0-9]")
YUAN = "(?:元|块钱|块)"
YUAN_AT = re.compile(YUAN)
# What may stand between the two ends of a range: "3000-5000", "3000元至5000元", "6千/月-8千/月".
RANGE_JOIN = re.compile(rf"{YUAN}?(?:/(?:月|年|天|日|周|小时|时))?(?:-|至|到|或)")
# A number directly followed by one of these counts days, hours, people or months, not money.
NOT_MONEY_AFTER = re.compile(
    r"(?:薪|险|天|日(?!薪)|小时|个|月(?!薪)|年(?!薪|终)|周(?!薪)|人|岁|%|号|点|倍|休|次|单|件|金|名|位|分钟|届)"
)

BOUND_AFTER = re.compile(
    rf"^{YUAN}?(?:/(?:月|年|天|日|周|小时|时))?"
    rf"(?P<bound>及以上|以上|起步|起|\+|及以下|以下|以内|之内|封顶|左右|上下|多(?!劳|种|项|样))"
)
BOUND_BEFORE = re.compile(
    r"(?s).*(?P<bound>最低|最少|至少|不低于|保底|底薪|无责底薪|基本工资|最高|不超过|上限|至多|约|大约)[^0-9]{0,4}$"
)
FLOOR_WORDS = frozenset({"及以上", "以上", "起步", "起", "+", "多", "最低", "最少", "至少", "不低于", "保底"})
BASE_PAY_WORDS = frozenset({"底薪", "无责底薪", "基本工资"})
CEILING_WORDS = frozenset({"及以下", "以下", "以内", "之内", "封顶", "最高", "不超过", "上限", "至多"})
APPROXIMATE_WORDS = frozenset({"左右", "上下", "约", "大约"})
PERIOD_AFTER = re.compile(
    rf"^{YUAN}?(?:及以上|以上|起步|起|\+|及以下|以下|以内|之内|左右|上下)?{YUAN}?"
    rf"(?:/|每|一|per)?(?P<word>{_PERIOD_ALTERNATION})(?!终|底)"  # 年终奖, 年底双薪: not a period
)


@dataclass(frozen=True, slots=True)
class Pay:
    """Pay read from a posting: integer yuan per month, with how it was read.

    `period` is the period the employer wrote in (a yearly figure is stored per month, with period "year").
    `unparsed` is set when the text says something about pay that could not be read; an empty text is not
    unparsed, only absent.
    """

    minimum: int | None = None
    maximum: int | None = None
    period: Period | None = None
    months: int | None = None
    negotiable: bool = False
    reasons: tuple[str, ...] = ()
    unparsed: bool = False


@dataclass(frozen=True, slots=True)
class _Figure:
    start: int
    end: int
    low: Amount
    high: Amount | None
    written_with_yuan: bool


@lru_cache(maxsize=4096)
def parse_pay(text: str) -> Pay:
    """Read a pay text; see the module docstring for the conventions. Never raises.

    Cached: a file repeats the same few dozen pay texts, and a `Pay` is immutable.
    """
    cleaned = _clean(text)
    if not cleaned:
        return Pay(reasons=("未写薪资",))
    reasons: list[str] = []
    months, cleaned = _take_months(cleaned, reasons)
    negotiable = bool(NEGOTIABLE.search(cleaned))
    if negotiable:
        reasons.append("面议")
    figure = _first_figure(cleaned)
    after_probation = AFTER_PROBATION.search(cleaned)
    if figure is not None and after_probation is not None and after_probation.start() > figure.start:
        regular = _first_figure(cleaned, after_probation.end())
        if regular is not None:
            figure = regular
            reasons.append("按转正后的薪资")
    if figure is None:
        period = _period_anywhere(cleaned)
        if period == "piece":
            reasons.append("计件，未写单价")
            return Pay(period="piece", months=months, negotiable=negotiable, reasons=tuple(reasons))
        if negotiable:
            return Pay(months=months, negotiable=True, reasons=tuple(reasons))
        reasons.append(f"未能识别薪资：{text.strip()}")
        return Pay(months=months, reasons=tuple(reasons), unparsed=True)
    return _read_figure(cleaned, figure, months=months, negotiable=negotiable, reasons=reasons, original=text)


def _clean(text: str) -> str:
    folded = to_half_width(text)
    folded = THOUSANDS_SEPARATOR.sub("", folded)
    folded = OVER_TEN_THOUSAND.sub("1万以上", folded)
    return NOISE.sub("", folded)


def _take_months(text: str, reasons: list[str]) -> tuple[int | None, str]:
    match = MONTHS.search(text)
    if match is None:
        return None, text
    written = match.group("months")
    months = int(written) if written.isdigit() else CHINESE_MONTHS.get(written)
    if months is None or not 12 <= months <= 24:
        return None, text
    reasons.append(f"{months}薪：月薪按所写，另记{months}个月")
    return months, text[: match.start()] + text[match.end() :]


def _first_figure(text: str, start: int = 0) -> _Figure | None:
    """The first money figure or range from `start`, skipping numbers that count days, hours or people."""
    candidates = [m for m in FIGURE.finditer(text, start) if _is_money(text, m)]
    for index, match in enumerate(candidates):
        low = read_amount(match.group().strip("."))
        if low is None:
            continue
        high: Amount | None = None
        end = match.end()
        if index + 1 < len(candidates):
            following = candidates[index + 1]
            if RANGE_JOIN.fullmatch(text[match.end() : following.start()]):
                high = read_amount(following.group().strip("."))
                if high is not None:
                    end = following.end()
        after = text[end:]
        written_with_yuan = bool(YUAN_AT.match(after)) or bool(YUAN_AT.match(text, match.end()))
        return _Figure(start=match.start(), end=end, low=low, high=high, written_with_yuan=written_with_yuan)
    return None


def _is_money(text: str, match: re.Match[str]) -> bool:
    token = match.group()
    if not HAS_DIGIT.search(token):
        return False
    after = text[match.end() :]
    # "15k" and "3w" are money whatever follows ("15k年终奖2个月" once its space is gone).
    if NOT_MONEY_AFTER.match(after) and not token.endswith(("k", "w")):
        return False
    if not HAS_ARABIC.search(token):
        # Chinese numerals stand for money only with a place value or 元 ("三千", "两万", "五十元"); a lone
        # "五" or "一" is part of words like 五险一金 or 做六休一.
        return any(char in token for char in "十百千万") or bool(YUAN_AT.match(after))
    return True


@dataclass(frozen=True, slots=True)
class _Context:
    """What is written around a figure: a bound word ("以上", "最高"), a base pay, commission on top."""

    before: str
    after: str
    bound: str | None
    base_pay: bool
    commission: bool


def _read_figure(
    text: str, figure: _Figure, *, months: int | None, negotiable: bool, reasons: list[str], original: str
) -> Pay:
    low, high = _values(figure)
    if max(low, high if high is not None else low) > LARGEST_PLAUSIBLE:
        reasons.append(f"数额过大，不合常理：{original.strip()}")
        return Pay(months=months, negotiable=negotiable, reasons=tuple(reasons), unparsed=True)
    context = _context(text, figure)
    period = _figure_period(text, context, low, reasons)
    if period == "piece":
        reasons.append(f"计件：每{_piece_word(context)}{_describe(low, high)}元，不折算月薪")
        return Pay(period="piece", months=months, negotiable=negotiable, reasons=tuple(reasons))
    if _bare_and_small(figure, low, high, period):
        reasons.append(f"金额没有单位，无法判断是元、千还是万：{original.strip()}")
        return Pay(months=months, negotiable=negotiable, reasons=tuple(reasons), unparsed=True)
    minimum, maximum = _bounded(low, high, context, reasons)
    multiplier, divisor, note = PERIOD_FACTOR[period]
    if note:
        reasons.append(note)
    return Pay(
        minimum=_monthly(minimum, multiplier, divisor),
        maximum=_monthly(maximum, multiplier, divisor),
        period=period,
        months=months,
        negotiable=negotiable,
        reasons=tuple(reasons),
    )


def _values(figure: _Figure) -> tuple[Decimal, Decimal | None]:
    low, high = figure.low, figure.high
    if high is None:
        return low.value, None
    if low.scale is None and high.scale is not None and low.value * high.scale <= high.value * 10:
        # "0.8-1万": the unit written once at the end applies to both ends. "8000-1.2万" read so would make
        # the low end 80,000,000, far above the other: there the bare figure is already in yuan.
        return low.value * high.scale, high.value
    return low.value, high.value


def _context(text: str, figure: _Figure) -> _Context:
    before, after = text[: figure.start], text[figure.end :]
    bound_after = BOUND_AFTER.match(after)
    bound_before = BOUND_BEFORE.search(before)
    bound = (
        bound_after.group("bound") if bound_after else (bound_before.group("bound") if bound_before else None)
    )
    return _Context(
        before=before,
        after=after,
        bound=bound,
        base_pay=bound_before is not None and bound_before.group("bound") in BASE_PAY_WORDS,
        commission=bool(COMMISSION.search(after)) or bool(COMMISSION.search(before)),
    )


def _figure_period(text: str, context: _Context, low: Decimal, reasons: list[str]) -> Period:
    period, how = _period(context.before, context.after, text)
    if (
        period == "piece"
        and how == "anywhere"
        and (context.base_pay or context.bound in FLOOR_WORDS or context.commission)
    ):
        # "底薪3000+按单提成", "保底4000+计件": the figure is the monthly base, the piece work comes on top.
        period, how = "month", "default"
    if how != "default":
        return period
    if low >= YEARLY_WHEN_UNSTATED_FROM:
        reasons.append("未写周期且数额过大，按年薪计")
        return "year"
    reasons.append("未写周期，按月计")
    return "month"


def _bare_and_small(figure: _Figure, low: Decimal, high: Decimal | None, period: Period) -> bool:
    """A figure with no unit and no 元, too small to be yuan a month or a year ("15-25")."""
    return (
        figure.low.scale is None
        and (figure.high is None or figure.high.scale is None)
        and not figure.written_with_yuan
        and period in ("month", "year")
        and max(low, high if high is not None else low) < SMALLEST_BARE_MONTHLY
    )


def _bounded(
    low: Decimal, high: Decimal | None, context: _Context, reasons: list[str]
) -> tuple[Decimal | None, Decimal | None]:
    """The ends that the text sets: a floor only, a ceiling only, or both (swapped if written backwards)."""
    minimum: Decimal | None = low
    maximum: Decimal | None = high if high is not None else low
    if high is not None and high < low:
        minimum, maximum = high, low
        reasons.append("上下限写反，已对调")
    bound = context.bound
    commission_on_top = context.commission and (
        bound == "+" or (bound is None and _commission_follows(context.after))
    )
    if context.base_pay and not context.commission:
        reasons.append("底薪为最低，不设上限")
        return minimum, None
    if context.base_pay:
        reasons.append("底薪为最低，另有提成或奖金，不设上限")
        return minimum, None
    if commission_on_top:
        reasons.append("所写为底薪，另有提成或奖金，不设上限")
        return minimum, None
    if bound in FLOOR_WORDS:
        reasons.append(f"“{bound}”：只有下限")
        return minimum, None
    if bound in CEILING_WORDS:
        reasons.append(f"“{bound}”：只有上限")
        return None, maximum
    if bound in APPROXIMATE_WORDS:
        reasons.append(f"“{bound}”：按所写数额计")
    return minimum, maximum


def _commission_follows(after: str) -> bool:
    return bool(re.match(rf"^{YUAN}?(?:/月)?[+＋加及和]", after))


def _period(before: str, after: str, text: str) -> tuple[Period, str]:
    """The period beside the figure, else one said elsewhere in the text, else a month ("default")."""
    suffix = PERIOD_AFTER.match(after)
    if suffix:
        return PERIOD_BY_WORD[suffix.group("word")], "after"
    prefix = PERIOD_BEFORE.search(before)
    if prefix:
        return PERIOD_BY_PREFIX[prefix.group("word")], "before"
    anywhere = _period_anywhere(text)
    if anywhere is not None:
        return anywhere, "anywhere"
    return "month", "default"


def _period_anywhere(text: str) -> Period | None:
    for pattern, period in PERIOD_ANYWHERE:
        if pattern.search(text):
            return period
    return None


def _piece_word(context: _Context) -> str:
    suffix = PERIOD_AFTER.match(context.after)
    if suffix:
        return suffix.group("word")
    prefix = PERIOD_BEFORE.search(context.before)
    return prefix.group("word")[-1] if prefix else "件"


def _describe(low: Decimal, high: Decimal | None) -> str:
    def plain(value: Decimal) -> str:
        return format(value.normalize(), "f")

    return plain(low) if high is None else f"{plain(low)}-{plain(high)}"


def _monthly(value: Decimal | None, multiplier: Decimal, divisor: Decimal) -> int | None:
    if value is None:
        return None
    return int((value * multiplier / divisor).quantize(Decimal(1), rounding=ROUND_HALF_UP))
