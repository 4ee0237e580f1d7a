"""Reading one cell as offices fill it in: text, ID numbers that a spreadsheet turned into numbers, months
and dates in their many spellings, incomes, wishes. Each parser returns the value or raises `CellProblem`
with a message for the clerk; none raises anything else, whatever the cell holds (hypothesis checks it)."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from openpes.core import tabular
from openpes.core.tabular import cell_text
from openpes.employment.survey.vocabulary import (
    BLANK_MARKERS,
    WISH_NEGATIONS,
    WISH_NO,
    WISH_YES,
    vocabulary_key,
)


class CellProblem(ValueError):
    """A cell that cannot be read; the message is for the clerk and names what to write instead."""


# ---------------------------------------------------------------------------------------------- text

_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def clean_text(value: object, *, blank_markers: bool = True) -> str:
    """`core.tabular.clean_text`: "" for the markers of an empty cell (/, -, 无) unless told otherwise."""
    return tabular.clean_text(value, BLANK_MARKERS if blank_markers else ())


def clean_name(value: object) -> str:
    """A name as written, without the spaces that align two-character names with three-character ones
    (张  三)."""
    return _CJK_GAP.sub("", clean_text(value))


# ----------------------------------------------------------------------------------------- ID numbers

# Excel keeps 15 significant digits: an 18-digit number typed into a number cell has already lost its last
# digits (and the X of a check digit cannot be a number at all). What is left cannot be told from a real
# number, so such a cell is refused, never completed.
ID_AS_NUMBER = (
    "公民身份号码被表格存成了数字（{shown}），末尾几位已丢失，无法还原；"
    "请把该列设为“文本”格式后重新填写完整的18位号码"
)
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")


def id_number_text(value: object) -> str:
    """The ID number's text, refusing a number cell that cannot hold all of its digits."""
    if type(value) is str and value.isascii() and value.isalnum():
        return value  # the usual cell: nothing to clean
    if isinstance(value, bool):
        raise CellProblem("公民身份号码应为18位号码")
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise CellProblem("公民身份号码应为18位号码")
        if number.is_integer() and number < 1e15:
            return str(int(number))  # an old 15-digit number is exact in a number cell
        raise CellProblem(ID_AS_NUMBER.format(shown=cell_text(number)))
    # A leading apostrophe is how people force a cell to text; some programs keep it in what they save.
    text = "".join(clean_text(value).split()).lstrip("'‘’`")
    if _SCIENTIFIC.match(unicodedata.normalize("NFKC", text)):
        raise CellProblem(ID_AS_NUMBER.format(shown=text))
    return text


# ------------------------------------------------------------------------------------- months and dates

EARLIEST_YEAR = 1950
LATEST_YEAR = 2100
# Excel's day 0 is 1899-12-30 in the 1900 date system once past its phantom 1900-02-29.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (
    (dt.date(EARLIEST_YEAR, 1, 1) - _EXCEL_EPOCH).days,
    (dt.date(LATEST_YEAR, 12, 31) - _EXCEL_EPOCH).days,
)
_TIME_OF_DAY = re.compile(r"[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_YEAR_MONTH_DAY = re.compile(
    r"^(?P<y>\d{4})(?:[-/.年])(?P<m>\d{1,2})(?:(?:[-/.月])(?P<d>\d{1,2})[日号]?|月份?)?$"
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?$")
DATE_FORMATS = "如2026-09-01、2026/9/1、2026.9、2026年9月或202609"


def _month_date(year: int, month: int, day: int | None, shown: str) -> dt.date:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise CellProblem(f"日期“{shown}”的年份不合理")
    if not 1 <= month <= 12:
        raise CellProblem(f"日期“{shown}”的月份不存在")
    try:
        return dt.date(year, month, day or 1)
    except ValueError as exc:
        raise CellProblem(f"日期“{shown}”不存在") from exc


def _from_serial(serial: float, shown: str) -> dt.date:
    low, high = _SERIAL_RANGE
    if not low <= serial <= high:
        raise CellProblem(f"日期“{shown}”无法识别，{DATE_FORMATS}")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def _from_number(number: float) -> dt.date:
    """A number in a date column: an Excel serial day (46266), yyyymm (202609), yyyymmdd, or yyyy.m typed
    into a number cell (2026.9)."""
    shown = cell_text(number)
    if not math.isfinite(number):
        raise CellProblem(f"日期“{shown}”无法识别，{DATE_FORMATS}")
    if number.is_integer():
        whole = int(number)
        if 190001 <= whole <= 210012:
            return _month_date(whole // 100, whole % 100, None, shown)
        if 19000101 <= whole <= 21001231:
            return _month_date(whole // 10000, whole // 100 % 100, whole % 100, shown)
        return _from_serial(number, shown)
    year = math.floor(number)
    if EARLIEST_YEAR <= year <= LATEST_YEAR and abs(number - round(number, 2)) < 1e-9:
        digits = f"{number:.2f}".split(".")[1].rstrip("0")
        if digits == "1":
            # 2026.10 typed into a number cell is stored as 2026.1: January and October look the same.
            raise CellProblem(
                f"日期“{shown}”无法确定是1月还是10月（表格把2026.10存成了2026.1），请写成如2026-10的形式"
            )
        return _month_date(int(year), int(digits), None, shown)
    if number > 0:
        return _from_serial(number, shown)  # a date with a time of day
    raise CellProblem(f"日期“{shown}”无法识别，{DATE_FORMATS}")


def parse_month(value: object) -> dt.date | None:
    """The date a cell gives; the first of the month when it gives only a month. None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellProblem(f"日期无法识别，{DATE_FORMATS}")
    if isinstance(value, int | float):
        return _from_number(float(value))
    if not isinstance(value, str):
        raise CellProblem(f"日期“{cell_text(value)}”无法识别，{DATE_FORMATS}")
    text = clean_text(value)
    if not text:
        return None
    plain = _TIME_OF_DAY.sub("", unicodedata.normalize("NFKC", text).strip())
    plain = "".join(plain.split())
    match = _YEAR_MONTH_DAY.match(plain) or _COMPACT.match(plain)
    if match:
        day = match["d"]
        return _month_date(int(match["y"]), int(match["m"]), int(day) if day else None, text)
    if plain.isdigit() and len(plain) == 5:  # a serial day, as a CSV saved from Excel writes it
        return _from_serial(int(plain), text)
    raise CellProblem(f"日期“{text}”无法识别，{DATE_FORMATS}")


# -------------------------------------------------------------------------------------------- income

MAX_MONTHLY_INCOME = 1_000_000
INCOME_FORMATS = "请填写每月收入的元数，如3000、3000元、3千或3000-4000"
_UNITS = {"": 1, "元": 1, "块": 1, "百": 100, "千": 1000, "k": 1000, "万": 10000, "w": 10000}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(千|k|万|w|百|元|块)?")
_RANGE = re.compile(
    r"^(\d+(?:\.\d+)?)(千|k|万|w|百|元|块)?(?:-|~|至|到|—|－)(\d+(?:\.\d+)?)(千|k|万|w|百|元|块)?$"
)
# Words around the amount that do not change it: 约3000元/月, 3000左右, 月薪3000, 3000多.
_INCOME_NOISE = re.compile(
    r"人民币|rmb|每月|/月|月薪|月均|月收入|工资|大约|约|左右|上下|以上|以下|多|余|元/月|,|，"
)
NO_INCOME = frozenset(("无", "没有", "无收入", "0"))


def parse_income(value: object) -> int | None:
    """Monthly income in whole yuan; a range (3000-4000) gives its midpoint, rounded down. None when empty."""
    if isinstance(value, bool):
        raise CellProblem(f"月收入无法识别，{INCOME_FORMATS}")
    if isinstance(value, int | float):
        return _checked_income(float(value), cell_text(value))
    text = cell_text(value).strip()
    if not text or vocabulary_key(text) in BLANK_MARKERS - NO_INCOME:
        return None
    plain = _INCOME_NOISE.sub("", vocabulary_key(text))
    if plain in NO_INCOME:
        return 0
    single = _AMOUNT.fullmatch(plain)
    if single:
        return _checked_income(float(single[1]) * _UNITS[single[2] or ""], text)
    spread = _RANGE.match(plain)
    if spread:
        low_unit, high_unit = spread[2] or "", spread[4] or ""
        # 3-4千: a unit written once, after the second number, is the unit of both.
        low = float(spread[1]) * _UNITS[low_unit or high_unit]
        high = float(spread[3]) * _UNITS[high_unit]
        if low > high:
            raise CellProblem(f"月收入“{text}”的区间前大后小，{INCOME_FORMATS}")
        return _checked_income((low + high) / 2, text)
    raise CellProblem(f"月收入“{text}”无法识别，{INCOME_FORMATS}")


def _checked_income(amount: float, shown: str) -> int:
    if not math.isfinite(amount) or amount < 0:
        raise CellProblem(f"月收入“{shown}”无法识别，{INCOME_FORMATS}")
    if amount > MAX_MONTHLY_INCOME:
        raise CellProblem(f"月收入“{shown}”元不合理，请填写每月收入（元），不是年收入")
    return int(amount)


# --------------------------------------------------------------------------------------------- wishes

MAX_WISH_LENGTH = 100


def parse_wish(value: object) -> tuple[bool | None, str]:
    """(wish, text): 有/无 and their variants give True/False with no text; any other text is kept, and read
    as a yes unless it carries a negation (不想外出 may still want work nearby: left for staff to judge)."""
    if isinstance(value, bool):
        return value, ""
    text = clean_text(value, blank_markers=False)
    if not text:
        return None, ""
    key = vocabulary_key(text)
    if key in WISH_YES:
        return True, ""
    if key in WISH_NO:
        return False, ""
    if len(text) > MAX_WISH_LENGTH:
        raise CellProblem(f"不能超过{MAX_WISH_LENGTH}个字（现为{len(text)}个）")
    if any(negation in key for negation in WISH_NEGATIONS):
        return None, text
    return True, text
