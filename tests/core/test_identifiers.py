"""Resident ID numbers and phone numbers (SECURITY.md #17): valid numbers pass, one-character changes fail,
input is normalised the way clerks type it, and masks hide what GB/T 35273 asks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from openpes.core.errors import DomainError
from openpes.core.identifiers import (
    PROVINCE_CODES,
    check_digit,
    full_id_number,
    mask_id_number,
    mask_phone,
    parse_id_number,
    parse_phone,
)

TODAY = dt.date(2026, 3, 15)
CJK = re.compile(r"[\u4e00-\u9fff]")
CHECK_ALPHABET = "0123456789X"
VALID = "43052719900517018X"  # a made-up person whose check digit happens to be X


def iso7064_mod11_2(first17: str) -> str:
    """An independent reference: weights 2^(17-i) mod 11, check = (12 - sum) mod 11, 10 written X."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def make(division: str, born: dt.date, sequence: int) -> str:
    first17 = f"{division}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def refused(raw: str, **kwargs) -> str:
    with pytest.raises(DomainError) as info:
        parse_id_number(raw, today=TODAY, **kwargs)
    message = info.value.errors[0].message
    assert CJK.search(message), f"message for {raw!r} is not Chinese: {message}"
    assert info.value.errors[0].field == "id_number"
    return message


divisions = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.integers(0, 9999).map(lambda n: f"{n:04d}"),
)
birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(0, 999)
valid_numbers = st.builds(make, divisions, birth_dates, sequences)


def test_fixture_number_is_valid() -> None:
    assert check_digit(VALID[:17]) == "X"
    assert parse_id_number(VALID, today=TODAY).value == VALID


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the example of GB 11643-1999
        "440524188001010014",  # a widely published sample (born 1880: the check digit alone is tested here)
        "110101199003070134",
    ],
)
def test_check_digit_matches_published_numbers(number: str) -> None:
    assert check_digit(number[:17]) == number[17]
    assert iso7064_mod11_2(number[:17]) == number[17]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_agrees_with_an_independent_iso7064_implementation(first17: str) -> None:
    assert check_digit(first17) == iso7064_mod11_2(first17)


@settings(max_examples=300, deadline=None)
@given(divisions, birth_dates, sequences)
@example("430599", dt.date(1900, 1, 1), 0)  # a county code in no table
@example("659999", TODAY, 999)  # born today
def test_any_division_under_a_known_province_and_any_birth_date_is_accepted(
    division: str, born: dt.date, sequence: int
) -> None:
    number = make(division, born, sequence)
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.value == number
    assert parsed.birth_date == born
    assert parsed.division_code == division
    assert parsed.sex == ("M" if sequence % 2 else "F")
    assert not parsed.converted_from_15


def test_new_division_missing_from_stdnum_table_is_accepted() -> None:
    # python-stdnum's own validate() refuses this; our validator must not (new counties appear every year).
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    number = make("469099", dt.date(1985, 6, 1), 12)
    with pytest.raises((ValidationError, KeyError)):  # stdnum 2.2 even fails with KeyError on unknown codes
        ric.validate(number)
    assert parse_id_number(number, today=TODAY).value == number


def test_unknown_province_code_is_refused_in_chinese() -> None:
    message = refused(make("990101", dt.date(1980, 1, 1), 1))
    assert "99" in message


@settings(max_examples=150, deadline=None)
@given(valid_numbers, st.integers(0, 17), st.sampled_from(CHECK_ALPHABET))
def test_every_one_character_substitution_is_refused(number: str, position: int, char: str) -> None:
    if number[position] == char:
        return
    changed = number[:position] + char + number[position + 1 :]
    if position < 17 and char != "X":
        # ISO 7064 MOD 11-2: every weight 2^k mod 11 is non-zero and a digit changes by 1..9 < 11, so the
        # weighted sum always moves mod 11 and the check digit always changes: no substitution slips through.
        assert check_digit(changed[:17]) != number[17]
    refused(changed)


def test_no_single_digit_substitution_keeps_the_check_digit_exhaustively() -> None:
    # The claim above, checked over every position and digit of one number, without hypothesis.
    first17 = VALID[:17]
    for position in range(17):
        for digit in "0123456789":
            if digit != first17[position]:
                mutated = first17[:position] + digit + first17[position + 1 :]
                assert check_digit(mutated) != check_digit(first17), (position, digit)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("43052719900517018x", VALID),
        ("４３０５２７１９９００５１７０１８Ｘ", VALID),
        ("４３０５２７１９９００５１７０１８ｘ", VALID),
        ("430527 19900517 018X", VALID),
        (" 430527\t1990 0517\u3000018X ", VALID),
    ],
)
def test_lowercase_fullwidth_and_spaces_are_normalised(typed: str, expected: str) -> None:
    assert parse_id_number(typed, today=TODAY).value == expected


@settings(max_examples=100, deadline=None)
@given(divisions, st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)), sequences)
def test_old_fifteen_digit_numbers_are_converted_to_a_valid_eighteen_digit_number(
    division: str, born: dt.date, sequence: int
) -> None:
    old = f"{division}{born:%y%m%d}{sequence:03d}"
    parsed = parse_id_number(old, today=TODAY)
    assert parsed.converted_from_15
    assert parsed.value == make(division, born, sequence)
    assert parse_id_number(parsed.value, today=TODAY).value == parsed.value
    assert parsed.birth_date == born


def test_fifteen_digit_number_with_a_letter_is_refused() -> None:
    refused("43052790051712X")


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        (make("430527", dt.date(1990, 1, 1), 1)[:6] + "19900230" + "0011", "19900230"),
        (make("430527", dt.date(1990, 1, 1), 1)[:6] + "19901301" + "0011", "19901301"),
        (make("430527", dt.date(1990, 1, 1), 1)[:6] + "19900100" + "0011", "19900100"),
    ],
)
def test_impossible_birth_dates_are_refused(number: str, fragment: str) -> None:
    first17 = number[:17]
    message = refused(first17 + check_digit(first17))
    assert fragment in message
    assert "不存在" in message


def test_future_birth_date_is_refused() -> None:
    message = refused(make("430527", TODAY + dt.timedelta(days=1), 1))
    assert "不合理" in message


def test_birth_before_1900_is_refused() -> None:
    assert "不合理" in refused(make("430527", dt.date(1899, 12, 31), 1))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=30).filter(lambda s: len(s) not in (15, 18)))
def test_numbers_of_the_wrong_length_are_refused(digits: str) -> None:
    message = refused(digits)
    assert "18位" in message
    assert f"{len(digits)}位" in message


def test_empty_number_is_refused() -> None:
    assert "请填写" in refused("   ")


@pytest.mark.parametrize(
    "number", ["43052719900517A23X", "A3052719900517123X", "430527199005171231Y", "4305271990051712?X"]
)
def test_letters_and_symbols_are_refused(number: str) -> None:
    refused(number)


def test_wrong_check_digit_message_asks_to_check_the_number() -> None:
    wrong = VALID[:17] + "1"
    assert "校验位" in refused(wrong)


@settings(max_examples=100, deadline=None)
@given(valid_numbers)
def test_mask_shows_division_and_last_four_and_never_the_birth_date(number: str) -> None:
    masked = mask_id_number(number)
    assert masked == number[:6] + "*" * 8 + number[14:]
    assert len(masked) == 18
    assert number[6:14] not in masked
    assert parse_id_number(number, today=TODAY).masked == masked


def test_mask_of_a_malformed_value_hides_everything() -> None:
    assert mask_id_number("12345") == "*****"


# --- phones ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value", "mobile"),
    [
        ("13812345678", "13812345678", True),
        ("199 1234 5678", "19912345678", True),
        ("+86 138-1234-5678", "13812345678", True),
        ("+8613812345678", "13812345678", True),
        ("008613812345678", "13812345678", True),
        ("１３８１２３４５６７８", "13812345678", True),
        ("0739-7654321", "0739-7654321", False),
        ("07397654321", "0739-7654321", False),
        ("+86 739 7654321", "0739-7654321", False),
        ("010-12345678", "010-12345678", False),
        ("(010)12345678", "010-12345678", False),
        ("0755-12345678", "0755-12345678", False),
    ],
)
def test_chinese_mobiles_and_landlines_are_accepted_and_normalised(
    typed: str, value: str, mobile: bool
) -> None:
    phone = parse_phone(typed)
    assert phone.value == value
    assert phone.mobile is mobile


@pytest.mark.parametrize(
    "typed",
    [
        "12345678901",  # no such mobile prefix
        "1381234567",  # ten digits
        "138123456789",  # twelve digits
        "7654321",  # a landline without its area code
        "0739-765432",  # too short for the area
        "+1 650 253 0000",  # not a Chinese number
        "400-810-8888",  # a service number, not a person's phone
        "95588",
        "abc",
        "138-1234-567a",
    ],
)
def test_numbers_that_are_not_chinese_mobiles_or_landlines_are_refused_in_chinese(typed: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_phone(typed)
    assert info.value.errors[0].field == "phone"
    assert CJK.search(info.value.errors[0].message)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0739-7654321", "0739-****321"),
        ("010-12345678", "010-*****678"),
    ],
)
def test_phone_masks_hide_the_middle(value: str, masked: str) -> None:
    assert mask_phone(value) == masked
    assert parse_phone(value).masked == masked


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["138", "139", "150", "186", "189", "199"]), st.integers(0, 10**8 - 1))
def test_mobile_mask_never_shows_the_middle_four_digits(prefix: str, rest: int) -> None:
    number = f"{prefix}{rest:08d}"
    masked = mask_phone(parse_phone(number).value)
    assert masked[3:7] == "****"
    assert masked[:3] == number[:3] and masked[7:] == number[7:]
    assert number not in masked


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
@settings(max_examples=500)
def test_mobile_fast_path_agrees_with_libphonenumber(number):
    import phonenumbers

    parsed = phonenumbers.parse(number, "CN")
    allocated = (
        phonenumbers.is_valid_number(parsed)
        and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
    )
    try:
        accepted = parse_phone(number).mobile
    except DomainError:
        accepted = False
    assert accepted == allocated


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("43052719900517018X", "43052719900517018X"),
        (" 4305 2719900517018x ", "43052719900517018X"),
        ("430527900517018", "430527" + "19900517018" + check_digit("43052719900517018")),  # old, 15 digits
        ("430527********018X", None),  # a masked number is not a whole one
        ("018X", None),
        ("王芳", None),
        ("43052790051701", None),  # 14 digits
    ],
)
def test_full_id_number_recognises_whole_numbers_typed_into_a_search(typed, number):
    assert full_id_number(typed) == number


def test_person_filters_describe_never_hold_a_whole_number():
    from openpes.people.selectors import PersonFilters

    text = PersonFilters(q="430527900517018", region="430527100001", sex="F").describe()
    assert "900517" not in text and "430527********" in text
    assert "地区 430527100001" in text and "性别 女" in text
    assert PersonFilters().describe() == "条件：全部"
    assert "关键词 王芳" in PersonFilters(q=" 王芳 ").describe()
