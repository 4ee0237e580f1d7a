"""Unified social credit codes (GB 32100-2015): every well-formed code with its check digit passes, including
the authorities A, N and Y that python-stdnum's validate() refuses; any one changed character fails; input
is normalised the way clerks and employers type it; each refusal says in Chinese what is wrong."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpes.core.errors import DomainError
from openpes.core.identifiers import USCC_ALPHABET, USCC_AUTHORITIES, parse_uscc

CJK = re.compile(r"[\u4e00-\u9fff]")
# Independent of the code under test: GB 32100-2015 §5, weights 3^i mod 31 and the 31-character alphabet.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def standard_check_digit(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def message(raw: str) -> str:
    with pytest.raises(DomainError) as info:
        parse_uscc(raw)
    (error,) = info.value.errors
    assert error.field == "uscc"
    assert CJK.search(error.message)
    return error.message


authority_and_category = st.sampled_from(
    [a + c for a, (_, categories) in USCC_AUTHORITIES.items() for c in categories]
)
divisions = st.text(alphabet="0123456789", min_size=6, max_size=6)
organisation_codes = st.text(alphabet=ALPHABET, min_size=9, max_size=9)


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    first17 = draw(authority_and_category) + draw(divisions) + draw(organisation_codes)
    return first17 + standard_check_digit(first17)


def test_the_alphabet_is_the_standards():
    assert USCC_ALPHABET == ALPHABET
    assert not set("IOZSV") & set(ALPHABET)


@given(valid_codes())
def test_every_code_with_its_check_digit_passes(code: str):
    parsed = parse_uscc(code)
    assert parsed.value == code
    assert parsed.division_code == code[2:8]
    assert parsed.authority and parsed.category


@given(valid_codes(), st.integers(0, 17), st.sampled_from(ALPHABET))
def test_any_one_changed_character_fails(code: str, position: int, replacement: str):
    changed = code[:position] + replacement + code[position + 1 :]
    if changed == code:
        return
    message(changed)


@given(valid_codes())
def test_full_width_spaces_dashes_and_lower_case_are_forgiven(code: str):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert parse_uscc(full_width).value == code
    assert parse_uscc(f" {code[:8]} {code[8:]} ".lower()).value == code
    assert parse_uscc(f"{code[:2]}-{code[2:8]}-{code[8:]}").value == code


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",  # a company (market regulation, enterprise)
        "A1110000600037341L"[:17] + standard_check_digit("A1110000600037341L"[:17]),
        "N2430527MF00000000"[:17] + standard_check_digit("N2430527MF00000000"[:17]),
        "Y1430527MF00000000"[:17] + standard_check_digit("Y1430527MF00000000"[:17]),
    ],
)
def test_authorities_a_n_and_y_are_accepted(code: str):
    assert parse_uscc(code).value == code


def test_each_refusal_says_what_is_wrong():
    assert message("") == "请填写统一社会信用代码"
    assert "18位（现为16位）" in message("9111000060003734")
    assert "第12位是“O”（可能是数字0）" in message("91110000600O37341L")
    assert "I、O、Z、S、V" in message("9S110000600037341L")
    assert "第3位“#”" in message("91#10000600037341L")
    assert "第1位" in message("B1110000600037341L")
    assert "第2位" in message("9511000060003734 1L".replace(" ", ""))
    assert "第3–8位" in message("9111A000600037341L")
    assert "校验位" in message("91110000600037341X")
