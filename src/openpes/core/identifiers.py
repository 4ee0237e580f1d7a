"""Chinese resident ID numbers (GB 11643-1999), unified social credit codes (GB 32100-2015) and phone
numbers: normalise, validate, mask.

We use python-stdnum's `cn.ric.calc_check_digit` for the check digit but not its `validate()`, which
rejects numbers whose first six digits are missing from its bundled division table: new counties appear
every year and their people must be registrable. We check the province-level part only.

Old 15-digit numbers (issued before 1999, all to people born 19xx) are converted to 18 digits by the rule
of GB 11643-1999 (insert "19", append the check digit) rather than refused: they identify the same person,
and offices still meet them on old paper records.

Credit codes likewise use `cn.uscc.calc_check_digit` inside our own `parse_uscc`: stdnum's `validate()`
refuses the registration authorities A, N and Y (N: village collective economic organisations, real
employers in a county), and says nothing a clerk could act on.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from stdnum.cn import ric, uscc

from openpes.core.errors import DomainError

# Province-level codes in use (GB/T 2260), plus 81/82/83 of the residence permits for Hong Kong, Macao and
# Taiwan residents. A new county is a new six-digit code under one of these; a new province is not expected.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "  # noqa: SIM905 - reads like the standard
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
MIN_BIRTH_YEAR = 1900
ID_FIELD = "id_number"
PHONE_FIELD = "phone"


_WHITE_SPACE = re.compile(r"\s+")


def normalise_text(value: str) -> str:
    """Full-width digits and letters become ASCII (NFKC), all white space goes, letters become upper case."""
    value = value or ""
    if value.isascii() and value.isalnum():  # the usual case, already clean: NFKC would change nothing
        return value.upper()
    return _WHITE_SPACE.sub("", unicodedata.normalize("NFKC", value)).upper()


@dataclass(frozen=True)
class IdNumber:
    value: str
    converted_from_15: bool = False

    @functools.cached_property  # asked for by the age rule and by the stored columns alike
    def birth_date(self) -> dt.date:
        return dt.date(int(self.value[6:10]), int(self.value[10:12]), int(self.value[12:14]))

    @property
    def sex(self) -> str:
        """ "M" or "F": the 17th digit is odd for men, even for women."""
        return "M" if int(self.value[16]) % 2 else "F"

    @property
    def division_code(self) -> str:
        return self.value[:6]

    @property
    def masked(self) -> str:
        return mask_id_number(self.value)

    def age_on(self, day: dt.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_digit(first17: str) -> str:
    # stdnum's calc_check_digit expects the whole number and ignores its last character: give it a placeholder.
    return str(ric.calc_check_digit(first17 + "0"))


def full_id_number(text: str) -> str | None:
    """The 18-character form of what looks like a whole ID number typed into a search box (18 characters
    without a mask, or 15 digits of an old number, converted), else None. No check is made: a search for a
    wrong number simply finds nobody; what matters is that it is never shown or logged in full."""
    value = normalise_text(text)
    if len(value) == 15 and value.isdigit():
        first17 = value[:6] + "19" + value[6:]
        return first17 + check_digit(first17)
    if len(value) == 18 and "*" not in value:
        return value
    return None


def _birth_date(digits: str) -> dt.date | None:
    try:
        return dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def parse_id_number(raw: str, *, today: dt.date | None = None, field: str = ID_FIELD) -> IdNumber:
    """Return the normalised number or raise DomainError with a message for the clerk."""
    today = today or dt.date.today()
    value = normalise_text(raw)
    converted = False
    if not value:
        raise DomainError(field, "请填写身份证号码")
    if len(value) == 15:
        if not value.isdigit():
            raise DomainError(field, "15位旧身份证号码只能由数字组成")
        first17 = value[:6] + "19" + value[6:]
        value = first17 + check_digit(first17)
        converted = True
    if len(value) != 18:
        raise DomainError(field, f"身份证号码应为18位（现为{len(value)}位）")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise DomainError(field, "身份证号码前17位应为数字，最后一位为数字或X")
    if value[:2] not in PROVINCE_CODES:
        raise DomainError(field, f"身份证号码前两位 {value[:2]} 不是有效的省级行政区划代码")
    born = _birth_date(value[6:14])
    if born is None:
        raise DomainError(field, f"身份证号码中的出生日期 {value[6:14]} 不存在")
    if born.year < MIN_BIRTH_YEAR or born > today:
        raise DomainError(field, f"身份证号码中的出生日期 {born:%Y-%m-%d} 不合理")
    if check_digit(value[:17]) != value[17]:
        raise DomainError(field, "身份证号码校验位不正确，请核对后重新输入")
    return IdNumber(value, converted_from_15=converted)


def mask_id_number(value: str) -> str:
    """430527********123X: division kept for context, birth date and sequence hidden (GB/T 35273)."""
    if len(value) != 18:
        return "*" * len(value)
    return value[:6] + "*" * 8 + value[14:]


def mask_id_for_log(value: str) -> str:
    """430527************: what plain-text records kept for years (audit rows, filters in words) say of an
    ID number. The tail that `mask_id_number` shows would, beside the birth year and month the registry
    keeps in plain text, leave only a handful of candidate numbers in a stolen database."""
    return value[:6] + "*" * 12 if len(value) == 18 else "*" * len(value)


@dataclass(frozen=True)
class Phone:
    value: str  # mobile: 11 digits; landline: "0739-7654321" (area code with its 0, a dash, the number)
    mobile: bool

    @property
    def masked(self) -> str:
        return mask_phone(self.value)


def parse_phone(raw: str, *, field: str = PHONE_FIELD) -> Phone:
    value = normalise_text(raw).replace("-", "").replace("(", "").replace(")", "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    message = "请填写有效的手机号码（11位）或带区号的固定电话，例如 13812345678 或 0739-7654321"
    if not value.isdigit():
        raise DomainError(field, message)
    if len(value) == 11 and value.startswith("1"):
        if not _CN_MOBILE.fullmatch(value):
            raise DomainError(field, message)
        return Phone(value, mobile=True)
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException as exc:
        raise DomainError(field, message) from exc
    if not phonenumbers.is_valid_number(number):
        raise DomainError(field, message)
    kind = phonenumbers.number_type(number)
    national = str(number.national_number)
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        return Phone(national, mobile=True)
    if kind == phonenumbers.PhoneNumberType.FIXED_LINE:
        area_length = phonenumbers.length_of_geographical_area_code(number)
        return Phone(f"0{national[:area_length]}-{national[area_length:]}", mobile=False)
    raise DomainError(field, message)


# libphonenumber's own pattern of allocated Chinese mobile blocks (号段), matched directly: the same answer as
# `is_valid_number` + `number_type` (checked over 300,000 random numbers), at ~1 µs instead of ~80 µs a row.
def _cn_mobile_pattern() -> re.Pattern[str]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    pattern = metadata.mobile.national_number_pattern if metadata and metadata.mobile else None
    if not pattern:
        raise RuntimeError("libphonenumber has no metadata for Chinese mobile numbers")
    return re.compile(pattern)


_CN_MOBILE = _cn_mobile_pattern()


_PHONE_LIKE = re.compile(r"\+?[0-9()\-]{7,20}")


def full_phone(text: str) -> str | None:
    """The stored form of what looks like a whole phone number typed into a search box (a mobile, or a
    landline with its area code), else None; like `full_id_number`, it is never shown or logged in full."""
    value = normalise_text(text)
    if not _PHONE_LIKE.fullmatch(value):
        return None
    try:
        return parse_phone(value).value
    except DomainError:
        return None


def mask_phone(value: str) -> str:
    """138****5678 for mobiles, 0739-****321 for landlines: enough for the owner to recognise it."""
    area, dash, subscriber = value.rpartition("-")
    if dash:
        return f"{area}-{'*' * max(len(subscriber) - 3, 0)}{subscriber[-3:]}"
    if len(value) != 11:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]


# --- 统一社会信用代码 (GB 32100-2015) -----------------------------------------------------------------------

USCC_FIELD = "uscc"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the standard's 31 characters: no I, O, Z, S, V
USCC_UNUSED_LETTERS = "IOZSV"
# Registration authority (position 1) → its name and the entity categories (position 2) it issues, as GB
# 32100-2015 Table 1 and its later allocations list them. A, N and Y are real employers here (N: village
# collective economic organisations), which is why python-stdnum's validate(), refusing them, is not used.
USCC_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("市场监督管理", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业农村",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}


@dataclass(frozen=True)
class CreditCode:
    value: str

    @property
    def authority(self) -> str:
        return USCC_AUTHORITIES[self.value[0]][0]

    @property
    def category(self) -> str:
        return USCC_AUTHORITIES[self.value[0]][1][self.value[1]]

    @property
    def division_code(self) -> str:
        """The six-digit division of the registering office (登记管理机关行政区划码)."""
        return self.value[2:8]


def uscc_check_digit(first17: str) -> str:
    return str(uscc.calc_check_digit(first17))


def parse_uscc(raw: str, *, field: str = USCC_FIELD) -> CreditCode:
    """The normalised code (full-width characters, spaces, dashes and lower case forgiven), or DomainError
    saying what is wrong, in the order a clerk would check a licence."""
    value = normalise_text(raw).replace("-", "")
    if not value:
        raise DomainError(field, "请填写统一社会信用代码")
    if len(value) != 18:
        raise DomainError(field, f"统一社会信用代码应为18位（现为{len(value)}位）")
    for position, char in enumerate(value, start=1):
        if char in USCC_UNUSED_LETTERS:
            hint = "（可能是数字0）" if char == "O" else "（可能是数字1）" if char == "I" else ""
            raise DomainError(
                field, f"统一社会信用代码不使用字母 I、O、Z、S、V：第{position}位是“{char}”{hint}，请核对"
            )
        if char not in USCC_ALPHABET:
            raise DomainError(
                field, f"统一社会信用代码只能由数字和大写字母组成：第{position}位“{char}”不符合，请核对"
            )
    authority = USCC_AUTHORITIES.get(value[0])
    if authority is None:
        raise DomainError(field, f"统一社会信用代码第1位（登记管理部门）“{value[0]}”无效，应为1–9、A、N或Y")
    name, categories = authority
    if value[1] not in categories:
        allowed = "、".join(categories)
        raise DomainError(
            field,
            f"统一社会信用代码第2位（机构类别）“{value[1]}”与登记管理部门（{name}）不符，应为{allowed}之一",
        )
    if not value[2:8].isdigit():
        raise DomainError(field, "统一社会信用代码第3–8位（登记管理机关行政区划码）应为6位数字")
    if uscc_check_digit(value[:17]) != value[17]:
        raise DomainError(field, "统一社会信用代码校验位（第18位）不正确，请核对后重新输入")
    return CreditCode(value)


_ID_IN_TEXT = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def mask_identifiers_in_text(text: str) -> str:
    """Anything in free text shaped like a whole ID number (18 or 15 digits) or a mobile number, masked as
    plain-text records mask them: an ID number to its division only (docs/architecture.md, Personal data)."""
    text = _ID_IN_TEXT.sub(lambda m: m[0][:6] + "*" * (len(m[0]) - 6), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m[0]), text)
