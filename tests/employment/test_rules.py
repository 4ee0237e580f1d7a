"""The pure employment rules: ages under the 2024 retirement reform, registration, key groups, tiers and
zero-employment households."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpes.employment import rules
from openpes.employment.choices import LabourStatus
from openpes.employment.rules import (
    MemberFacts,
    Parameters,
    PersonFacts,
    key_groups,
    may_register_employed,
    may_register_unemployed,
    retirement_age,
    retirement_month,
    service_tier,
    zero_employment,
)

D = dt.date


# --- Retirement age: the first and last cohorts of each scheme, and either side of them ----------------


@pytest.mark.parametrize(
    ("birth", "category", "expected"),
    [
        # Men, original 60: one month per four months of birth from 1965-01, up to 63.
        (D(1964, 12, 31), "male", (60, 0)),
        (D(1965, 1, 1), "male", (60, 1)),
        (D(1965, 4, 30), "male", (60, 1)),
        (D(1965, 5, 1), "male", (60, 2)),
        (D(1976, 8, 1), "male", (62, 11)),
        (D(1976, 9, 1), "male", (63, 0)),
        (D(1990, 6, 15), "male", (63, 0)),
        # Women, original 50: one month per two months from 1975-01, up to 55.
        (D(1974, 12, 1), "female_50", (50, 0)),
        (D(1975, 1, 1), "female_50", (50, 1)),
        (D(1975, 2, 28), "female_50", (50, 1)),
        (D(1975, 3, 1), "female_50", (50, 2)),
        (D(1984, 10, 1), "female_50", (54, 11)),
        (D(1984, 11, 1), "female_50", (55, 0)),
        (D(2000, 1, 1), "female_50", (55, 0)),
        # Women, original 55: one month per four months from 1970-01, up to 58.
        (D(1969, 12, 1), "female_55", (55, 0)),
        (D(1970, 1, 1), "female_55", (55, 1)),
        (D(1970, 4, 1), "female_55", (55, 1)),
        (D(1970, 5, 1), "female_55", (55, 2)),
        (D(1981, 8, 1), "female_55", (57, 11)),
        (D(1981, 9, 1), "female_55", (58, 0)),
    ],
)
def test_retirement_age_follows_the_2024_decision(
    birth: dt.date, category: str, expected: tuple[int, int]
) -> None:
    assert retirement_age(birth, category) == expected


def test_retirement_age_refuses_an_unknown_category() -> None:
    with pytest.raises(ValueError, match="未知的退休年龄类别"):
        retirement_age(D(1980, 1, 1), "female_60")


@given(
    st.dates(min_value=D(1940, 1, 1), max_value=D(2010, 12, 31)),
    st.sampled_from(list(rules.RETIREMENT_SCHEMES)),
)
def test_retirement_age_never_falls_for_later_cohorts(birth: dt.date, category: str) -> None:
    later = rules._add_months(birth.replace(day=1), 1)
    years, months = retirement_age(birth, category)
    later_years, later_months = retirement_age(later, category)
    assert (years * 12 + months) <= (later_years * 12 + later_months) <= (years * 12 + months + 1)
    scheme = rules.RETIREMENT_SCHEMES[category]
    assert 0 <= years * 12 + months - scheme.original_years * 12 <= scheme.max_delay_months


def test_retirement_month_adds_the_age_to_the_birth_month() -> None:
    # Born 1965-03: 60 years 1 month → April 2025.
    assert retirement_month(D(1965, 3, 1), "male") == D(2025, 4, 1)


# --- Registration -----------------------------------------------------------------------------------------


def facts(**changes: object) -> PersonFacts:
    base: dict[str, object] = {"birth_month": D(1990, 5, 1), "sex": "F", "labour_status": rules.UNEMPLOYED}
    base.update(changes)
    return PersonFacts(**base)  # type: ignore[arg-type]


TODAY = D(2026, 11, 29)


def test_a_working_age_person_may_register_unemployed() -> None:
    assert may_register_unemployed(facts(), TODAY).allowed


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"birth_month": D(2011, 1, 1)}, "未满16周岁"),
        ({"birth_month": D(1966, 1, 1), "sex": "M"}, "已达到法定退休年龄（60周岁4个月）"),
        ({"labour_status": rules.STUDENT}, "在校学生"),
        ({"able_to_work": False}, "丧失劳动能力"),
        ({"deceased": True}, "已登记死亡"),
        (
            {"open_unemployment_certificate": "4305272026000001"},
            "已有未注销的失业登记（就业创业证 4305272026000001）",
        ),
    ],
)
def test_unemployment_registration_is_refused_with_the_reason(
    changes: dict[str, object], reason: str
) -> None:
    decision = may_register_unemployed(facts(**changes), TODAY)
    assert not decision.allowed
    assert reason in decision.message


def test_a_man_one_month_before_his_delayed_retirement_may_still_register() -> None:
    # Born 1966-08: 60 years 5 months (cohort 19 → delay 5) → retires 2027-01.
    person = facts(birth_month=D(1966, 8, 1), sex="M")
    assert may_register_unemployed(person, D(2026, 12, 31)).allowed
    assert not may_register_unemployed(person, D(2027, 1, 1)).allowed


def test_employment_registration_refuses_students_and_children() -> None:
    assert may_register_employed(facts(labour_status=rules.EMPLOYED, open_employment=True), TODAY).allowed
    assert not may_register_employed(facts(labour_status=rules.STUDENT), TODAY).allowed
    assert not may_register_employed(facts(birth_month=D(2012, 1, 1)), TODAY).allowed


def test_certificate_number_follows_the_format_given_as_data() -> None:
    assert rules.certificate_number("{county}{year}{serial:06d}", county="430527", year=2026, serial=42) == (
        "4305272026000042"
    )
    assert rules.certificate_number("JY{county}-{serial:08d}", county="430527", year=2026, serial=7) == (
        "JY430527-00000007"
    )


# --- Parameters -------------------------------------------------------------------------------------------


def test_parameters_overlay_the_defaults_and_refuse_unknown_keys() -> None:
    params = Parameters.from_data({"graduate_window_years": 3, "hard_to_employ": ["older"]})
    assert params.graduate_window_years == 3
    assert params.hard_to_employ == ("older",)
    assert params.long_term_unemployed_days == 365
    with pytest.raises(ValueError, match="未知的规则参数：colour"):
        Parameters.from_data({"colour": 1})


def test_parameter_problems_are_named_per_field() -> None:
    params = Parameters.from_data(
        {
            "older_female_age": 12,
            "hard_to_employ": ["older", "left_handed"],
            "contact_interval_days": {"A": 0, "B": 30},
            "certificate_format": "{region}{serial}",
        }
    )
    fields = {name for name, _ in rules.validate_parameters(params)}
    assert fields == {"older_female_age", "hard_to_employ", "contact_interval_days", "certificate_format"}
    assert rules.validate_parameters(Parameters()) == []


# --- Key groups -------------------------------------------------------------------------------------------


def groups(
    person: PersonFacts, on: dt.date = TODAY, params: Parameters | None = None
) -> dict[str, rules.KeyGroupFinding]:
    return {f.rule: f for f in key_groups(person, on, params)}


def test_a_woman_of_40_out_of_work_is_hard_to_employ_from_her_birthday_month() -> None:
    person = facts(birth_month=D(1986, 3, 1), unemployed_since=D(2026, 1, 10))
    found = groups(person)
    older = found["hard_to_employ.older"]
    assert older.since == D(2026, 3, 1)
    assert "1986年03月出生" in older.evidence and "年满40周岁" in older.evidence
    # A man of the same age is not: the line for men is 50.
    assert "hard_to_employ.older" not in groups(facts(birth_month=D(1986, 3, 1), sex="M"))


def test_long_term_unemployment_starts_a_year_after_the_job_was_lost() -> None:
    person = facts(unemployed_since=D(2025, 12, 1))
    assert "hard_to_employ.long_term" not in groups(person, D(2026, 11, 30))
    found = groups(person, D(2026, 12, 1))["hard_to_employ.long_term"]
    assert found.since == D(2026, 12, 1)


def test_hard_to_employ_ends_when_the_person_finds_work() -> None:
    person = facts(birth_month=D(1980, 1, 1), disabled=True, low_income=True)
    assert {"hard_to_employ.older", "hard_to_employ.disabled", "hard_to_employ.low_income"} <= set(
        groups(person)
    )
    assert not [
        f
        for f in key_groups(
            facts(birth_month=D(1980, 1, 1), disabled=True, labour_status=rules.EMPLOYED), TODAY
        )
        if f.group == rules.HARD_TO_EMPLOY
    ]


def test_an_office_may_leave_out_a_hard_to_employ_category() -> None:
    params = Parameters.from_data({"hard_to_employ": ["disabled"]})
    person = facts(birth_month=D(1980, 1, 1), disabled=True)
    assert set(groups(person, params=params)) == {"hard_to_employ.disabled"}


def test_graduates_stay_a_key_group_for_the_window_after_leaving_school() -> None:
    person = facts(birth_month=D(2003, 9, 1), graduated_on=D(2025, 6, 30))
    assert groups(person, D(2025, 1, 1))["graduate.window"].until == D(2027, 6, 30)
    assert "graduate.window" in groups(person, D(2027, 6, 29))
    assert "graduate.window" not in groups(person, D(2027, 6, 30))
    assert "graduate.window" not in groups(person, D(2024, 12, 31))
    longer = Parameters.from_data({"graduate_window_years": 3})
    assert "graduate.window" in groups(person, D(2027, 7, 1), longer)


def test_veterans_and_returned_migrants() -> None:
    veteran = facts(sex="M", veteran_discharged_on=D(2020, 9, 1))
    assert "veteran.discharged" in groups(veteran)
    assert "veteran.discharged" not in groups(
        veteran, params=Parameters.from_data({"veteran_window_years": 5})
    )
    migrant = facts(returned_home_on=D(2026, 2, 1))
    assert "returned_migrant.window" in groups(migrant)
    assert "returned_migrant.window" not in groups(migrant, D(2027, 2, 1))


def test_nobody_past_retirement_or_deceased_is_in_a_key_group() -> None:
    assert key_groups(facts(birth_month=D(1960, 1, 1), disabled=True), TODAY) == []
    assert key_groups(facts(deceased=True, disabled=True), TODAY) == []


@given(
    birth=st.dates(min_value=D(1950, 1, 1), max_value=D(2012, 12, 1)),
    on=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)),
    sex=st.sampled_from(["M", "F"]),
    status=st.sampled_from([s.value for s in LabourStatus]),
    disabled=st.booleans(),
    since=st.one_of(st.none(), st.dates(min_value=D(2015, 1, 1), max_value=D(2035, 12, 31))),
)
def test_every_finding_applies_on_the_day_asked(
    birth: dt.date, on: dt.date, sex: str, status: str, disabled: bool, since: dt.date | None
) -> None:
    person = PersonFacts(
        birth_month=birth.replace(day=1),
        sex=sex,
        labour_status=status,
        disabled=disabled,
        unemployed_since=since,
    )
    for finding in key_groups(person, on):
        assert finding.since <= on
        assert finding.until is None or on < finding.until
        assert finding.evidence
        if finding.group == rules.HARD_TO_EMPLOY:
            assert status == rules.UNEMPLOYED


# --- Tiers ------------------------------------------------------------------------------------------------


def test_tiers_follow_the_groups() -> None:
    hard = facts(disabled=True)
    assert service_tier(key_groups(hard, TODAY))[0] == "A"
    graduate = facts(birth_month=D(2003, 1, 1), graduated_on=D(2026, 6, 30))
    tier, reason = service_tier(key_groups(graduate, TODAY))
    assert (tier, reason) == ("B", "重点群体（高校毕业生）")
    assert service_tier(key_groups(facts(), TODAY)) == ("C", "一般失业人员")


def test_next_contact_follows_the_tier_interval() -> None:
    assert rules.next_contact_due(D(2026, 11, 1), "A") == D(2026, 11, 16)
    assert rules.next_contact_due(D(2026, 11, 1), "C") == D(2027, 1, 30)
    params = Parameters.from_data({"contact_interval_days": {"A": 7, "B": 14, "C": 30}})
    assert rules.next_contact_due(D(2026, 11, 1), "A", params) == D(2026, 11, 8)


# --- Zero-employment households ---------------------------------------------------------------------------


ADULT = D(1980, 1, 1)


def member(pid: int, status: str, birth: dt.date = ADULT, **changes: object) -> MemberFacts:
    return MemberFacts(
        person_id=pid, name=f"成员{pid}", birth_month=birth, sex="M", labour_status=status, **changes
    )  # type: ignore[arg-type]


def test_a_household_whose_willing_workers_are_all_unemployed_is_zero_employment() -> None:
    found = zero_employment(
        [
            member(1, rules.UNEMPLOYED),
            member(2, rules.UNEMPLOYED),
            member(3, rules.STUDENT, D(2006, 1, 1)),
            member(4, rules.RETIRED, D(1950, 1, 1)),
            member(5, rules.UNEMPLOYED, D(2015, 1, 1)),  # a child: not of working age
        ],
        TODAY,
    )
    assert found.is_zero_employment
    assert found.counted == (1, 2)
    assert "2人（成员1、成员2）" in found.evidence


def test_one_employed_member_clears_the_household() -> None:
    found = zero_employment([member(1, rules.UNEMPLOYED), member(2, rules.EMPLOYED)], TODAY)
    assert not found.is_zero_employment
    assert "成员2已就业" in found.evidence


def test_a_household_of_pensioners_and_students_is_not_zero_employment() -> None:
    found = zero_employment(
        [member(1, rules.RETIRED, D(1955, 1, 1)), member(2, rules.STUDENT, D(2007, 1, 1))], TODAY
    )
    assert not found.is_zero_employment and found.counted == ()


def test_an_unknown_status_leaves_the_household_undecided() -> None:
    found = zero_employment([member(1, rules.UNEMPLOYED), member(2, "")], TODAY)
    assert not found.is_zero_employment
    assert "未采集" in found.evidence


def test_members_unable_to_work_or_past_retirement_are_not_counted() -> None:
    found = zero_employment(
        [
            member(1, rules.UNEMPLOYED),
            member(2, rules.UNEMPLOYED, able_to_work=False),
            member(3, rules.UNEMPLOYED, D(1960, 1, 1)),
        ],
        TODAY,
    )
    assert found.is_zero_employment and found.counted == (1,)


def test_rule_codes_agree_with_the_stored_choices() -> None:
    stored = {s.value for s in LabourStatus}
    assert {
        rules.EMPLOYED,
        rules.UNEMPLOYED,
        rules.STUDENT,
        rules.RETIRED,
        rules.ENLISTED,
        rules.UNABLE,
        rules.NOT_SEEKING,
    } == stored
