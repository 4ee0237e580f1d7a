"""Free-text cleaning and jurisdiction prefixes: the two helpers every service leans on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpes.core.errors import DomainError, FieldError
from openpes.core.jurisdiction import code_range, covers, prefix_of
from openpes.core.text import clean_person_name, clean_text


def test_clean_text_trims_and_normalises() -> None:
    assert clean_text("  长铺镇1组  ", field="address", label="住址", max_length=20) == "长铺镇1组"


@pytest.mark.parametrize("value", ["<b>张</b>", "a>b", "<script>alert(1)</script>", "x<"])
def test_markup_characters_are_refused_in_chinese(value: str) -> None:
    with pytest.raises(DomainError, match="网页代码") as info:
        clean_text(value, field="address", label="住址", max_length=200)
    assert info.value.errors == [FieldError("address", info.value.errors[0].message)]


def test_control_characters_are_refused() -> None:
    with pytest.raises(DomainError, match="控制字符"):
        clean_text("长铺\x00镇", field="address", label="住址", max_length=200)


def test_length_limit_counts_characters_and_names_both_numbers() -> None:
    assert clean_text("汉" * 5, field="f", label="住址", max_length=5) == "汉" * 5
    with pytest.raises(DomainError, match="不能超过5个字（现为6个）"):
        clean_text("汉" * 6, field="f", label="住址", max_length=5)


def test_required_text_must_not_be_blank() -> None:
    with pytest.raises(DomainError, match="请填写住址"):
        clean_text("   ", field="f", label="住址", max_length=5, required=True)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("张伟", "张伟"),
        ("买买提·艾力", "买买提·艾力"),
        ("买买提•艾力", "买买提·艾力"),
        ("Anna Li", "Anna Li"),
        ("㐀丽", "㐀丽"),
    ],
)
def test_person_names_of_every_kind_in_use_are_accepted(typed: str, stored: str) -> None:
    assert clean_person_name(typed) == stored


@pytest.mark.parametrize("typed", ["张伟1", "·张伟", "张伟!", "@@", "", "张" * 31])
def test_names_with_digits_symbols_or_over_thirty_characters_are_refused(typed: str) -> None:
    with pytest.raises(DomainError) as info:
        clean_person_name(typed)
    assert info.value.errors[0].field == "name"


def test_prefix_of_reads_the_level_from_significant_digits() -> None:
    assert prefix_of("430000000000") == "43"
    assert prefix_of("430500000000") == "4305"
    assert prefix_of("430527000000") == "430527"
    assert prefix_of("430527100000") == "430527100"
    assert prefix_of("430527100201") == "430527100201"


def test_covers_needs_a_full_code_under_the_prefix() -> None:
    assert covers("430527", "430527100201")
    assert not covers("430527", "430528100201")
    assert not covers("430527100", "430527101201")
    assert not covers("430527", "430527")
    assert not covers("430527", None)
    assert not covers("430527", "")


def test_empty_prefix_of_a_disabled_account_covers_nothing() -> None:
    assert not covers("", "430527100201")


@given(st.sampled_from([2, 4, 6, 9, 12]), st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_code_range_contains_exactly_the_codes_starting_with_the_prefix(length: int, code: str) -> None:
    prefix = code[:length]
    low, high = code_range(prefix)
    assert low <= code <= high
    other = code[: length - 1] + str((int(code[length - 1]) + 1) % 10) + code[length:]
    assert not (low <= other <= high)
