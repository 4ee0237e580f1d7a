"""Registration services: what they write, what they refuse, and what follows (groups, tiers, households)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction

from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from openpes.core.errors import DomainError, NotFound
from openpes.employment import selectors
from openpes.employment import services as employment
from openpes.employment.models import (
    EmploymentProfile,
    EventKind,
    KeyGroupMembership,
    Registration,
    RegistrationKind,
    RuleParameters,
    StatusEvent,
    ZeroEmploymentHousehold,
)
from openpes.people import services as people
from openpes.people.models import Person
from tests.conftest import Places
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_day() -> Any:
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def officer(make_staff: Callable[..., Staff], places: Places) -> Staff:
    return make_staff(Role.TOWNSHIP_OFFICER, places.township_a)


@pytest.fixture
def adult(officer: Staff, make_person: Callable[..., Person], places: Places) -> Person:
    return make_person(
        officer, places.village_a1, id_number=make_id_number(born=dt.date(1992, 3, 4), sex="F"), name="王芳"
    )


def unemployed(actor: Staff, person: Person, **kwargs: Any) -> Registration:
    return employment.unemployment_register(
        actor=actor,
        person=person,
        basis=kwargs.pop("basis", "residence"),
        reason=kwargs.pop("reason", "dismissed"),
        **kwargs,
    )


def test_unemployment_registration_issues_a_certificate_and_schedules_contact(
    officer: Staff, adult: Person
) -> None:
    registration = unemployed(officer, adult, unemployed_since=dt.date(2026, 10, 1))
    assert registration.certificate_no == "4305272026000001"
    assert (registration.tier, registration.tier_reason) == ("C", "一般失业人员")
    assert registration.next_contact_due == TODAY + dt.timedelta(days=90)
    assert registration.officer == officer
    profile = EmploymentProfile.objects.get(person=adult)
    assert (profile.labour_status, profile.unemployed_since) == ("unemployed", dt.date(2026, 10, 1))
    assert StatusEvent.objects.get(person=adult).kind == EventKind.UNEMPLOYMENT_REGISTERED
    log = ChangeLog.objects.get(target_type="employment.registration")
    assert log.summary == "失业登记 王芳（4305272026000001）" and log.actor == officer


def test_a_second_open_unemployment_registration_is_refused(officer: Staff, adult: Person) -> None:
    unemployed(officer, adult)
    with pytest.raises(DomainError, match="已有未注销的失业登记（就业创业证 4305272026000001）"):
        unemployed(officer, adult)
    assert Registration.objects.count() == 1


def test_the_database_holds_one_open_registration_per_kind_under_a_race(
    officer: Staff, adult: Person
) -> None:
    first = unemployed(officer, adult)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            person=adult,
            kind=RegistrationKind.UNEMPLOYMENT,
            basis="residence",
            region_code=adult.region_code,
            registered_on=TODAY,
            certificate_no=first.certificate_no,
        )


def test_another_townships_officer_cannot_register_the_person(
    adult: Person, make_staff: Callable[..., Staff], places: Places
) -> None:
    stranger = make_staff(Role.TOWNSHIP_OFFICER, places.township_b)
    with pytest.raises(NotFound):
        unemployed(stranger, adult)
    assert not EmploymentProfile.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"basis": "moon"}, "basis", "登记地取值无效，可选：常住地、户籍地、参保地、就业地"),
        ({"reason": "bored"}, "reason", "失业原因取值无效"),
        ({"on": dt.date(2026, 12, 1)}, "on", "日期不能晚于今天"),
        (
            {"unemployed_since": dt.date(2026, 11, 21), "on": TODAY},
            "unemployed_since",
            "失业时间不能晚于登记日期",
        ),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    officer: Staff, adult: Person, kwargs: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(DomainError) as caught:
        unemployed(officer, adult, **kwargs)
    assert caught.value.errors[0].field == field and message in caught.value.errors[0].message
    assert (
        not Registration.objects.exists()
        and not ChangeLog.objects.filter(target_type__startswith="employment").exists()
    )


def test_a_person_past_retirement_age_is_refused_with_the_age(
    officer: Staff, make_person: Callable[..., Person], places: Places
) -> None:
    # Born 1966-02 (a man): 60 years 4 months under the 2024 decision (cohort month 14) → retired in 2026-06.
    old = make_person(
        officer, places.village_a1, id_number=make_id_number(born=dt.date(1966, 2, 1), sex="M", seq=1)
    )
    with pytest.raises(DomainError, match=r"已达到法定退休年龄（60周岁4个月）"):
        unemployed(officer, old)


def test_finding_a_job_closes_the_unemployment_registration_and_keeps_the_certificate(
    officer: Staff, adult: Person
) -> None:
    first = unemployed(officer, adult)
    job = employment.employment_register(
        actor=officer, person=adult, basis="workplace", form="unit", employer_name="绥宁县竹木加工厂"
    )
    first.refresh_from_db()
    assert (first.closed_on, first.close_kind) == (TODAY, EventKind.FOUND_JOB)
    assert job.certificate_no == first.certificate_no
    assert EmploymentProfile.objects.get(person=adult).labour_status == "employed"
    kinds = list(selectors.timeline(actor=officer, person=adult).values_list("kind", flat=True))
    assert kinds == [EventKind.EMPLOYMENT_REGISTERED, EventKind.UNEMPLOYMENT_REGISTERED]


def test_unit_employment_needs_the_employer_and_declarations_are_for_flexible_work(
    officer: Staff, adult: Person
) -> None:
    with pytest.raises(DomainError, match="单位就业请填写就业单位"):
        employment.employment_register(actor=officer, person=adult, basis="residence", form="unit")
    with pytest.raises(DomainError, match="承诺制登记只适用于灵活就业和自主创业"):
        employment.employment_register(
            actor=officer,
            person=adult,
            basis="residence",
            form="unit",
            employer_name="甲厂",
            by_declaration=True,
        )
    assert not Registration.objects.exists()


def test_an_overturned_declaration_ends_the_registration_and_forgets_the_status(
    officer: Staff, adult: Person
) -> None:
    registration = employment.employment_register(
        actor=officer, person=adult, basis="residence", form="flexible", by_declaration=True
    )
    employment.declaration_overturn(
        actor=officer, registration=registration, finding="走访核实未从事网约车工作"
    )
    registration.refresh_from_db()
    assert registration.close_kind == EventKind.DECLARATION_OVERTURNED
    assert EmploymentProfile.objects.get(person=adult).labour_status == ""
    with pytest.raises(DomainError, match="该登记已于2026-11-20结束"):
        employment.registration_cancel(actor=officer, registration=registration, reason="重复登记")


def test_status_change_ends_the_search_for_work(officer: Staff, adult: Person) -> None:
    registration = unemployed(officer, adult)
    employment.status_change(actor=officer, person=adult, kind="entered_school", note="考入湖南师范大学")
    registration.refresh_from_db()
    assert registration.close_kind == "entered_school" and registration.close_note == "考入湖南师范大学"
    assert EmploymentProfile.objects.get(person=adult).labour_status == "student"
    with pytest.raises(DomainError, match="变更事项取值无效"):
        employment.status_change(actor=officer, person=adult, kind="found_job")


def test_a_death_ends_every_registration_and_refuses_later_ones(officer: Staff, adult: Person) -> None:
    employment.employment_register(actor=officer, person=adult, basis="residence", form="farming")
    employment.status_change(actor=officer, person=adult, kind="died")
    assert not Registration.objects.filter(closed_on__isnull=True).exists()
    with pytest.raises(DomainError, match="已登记死亡"):
        unemployed(officer, adult)


def test_cancelling_needs_a_reason(officer: Staff, adult: Person) -> None:
    registration = unemployed(officer, adult)
    with pytest.raises(DomainError, match="请填写注销原因"):
        employment.registration_cancel(actor=officer, registration=registration, reason=" ")
    employment.registration_cancel(actor=officer, registration=registration, reason="误登记，此人在外省就业")
    registration.refresh_from_db()
    assert registration.close_kind == EventKind.CANCELLED
    assert EmploymentProfile.objects.get(person=adult).labour_status == ""


def test_a_contact_moves_the_next_due_date_by_the_tier(officer: Staff, adult: Person) -> None:
    employment.facts_update(actor=officer, person=adult, changes={"disabled": True})
    registration = unemployed(officer, adult)
    assert registration.tier == "A" and registration.next_contact_due == TODAY + dt.timedelta(days=15)
    employment.contact_record(
        actor=officer, registration=registration, channel="phone", note="推荐了两个岗位"
    )
    registration.refresh_from_db()
    assert (registration.last_contact_on, registration.next_contact_due) == (
        TODAY,
        TODAY + dt.timedelta(days=15),
    )
    with pytest.raises(DomainError, match="联系方式取值无效"):
        employment.contact_record(actor=officer, registration=registration, channel="pigeon")


def test_an_office_sets_its_own_contact_intervals(officer: Staff, adult: Person) -> None:
    RuleParameters.objects.create(
        region_prefix="430527", data={"contact_interval_days": {"A": 7, "B": 14, "C": 30}}
    )
    registration = unemployed(officer, adult)
    assert registration.next_contact_due == TODAY + dt.timedelta(days=30)


def test_key_groups_follow_the_facts_with_evidence_and_history(officer: Staff, adult: Person) -> None:
    unemployed(officer, adult)
    employment.facts_update(actor=officer, person=adult, changes={"low_income": True})
    membership = KeyGroupMembership.objects.get(person=adult, ended_on__isnull=True)
    assert (membership.group, membership.rule) == ("hard_to_employ", "hard_to_employ.low_income")
    assert Registration.objects.get(person=adult).tier == "A"
    employment.employment_register(actor=officer, person=adult, basis="residence", form="flexible")
    membership.refresh_from_db()
    assert membership.ended_on == TODAY  # kept as history, no longer current
    assert not KeyGroupMembership.objects.filter(person=adult, ended_on__isnull=True).exists()


def test_facts_update_refuses_what_the_form_cannot_hold(officer: Staff, adult: Person) -> None:
    with pytest.raises(DomainError, match="女性不能选"):
        employment.facts_update(actor=officer, person=adult, changes={"retirement_category": "male"})
    with pytest.raises(DomainError, match="日期不能晚于今天"):
        employment.facts_update(actor=officer, person=adult, changes={"graduated_on": dt.date(2027, 6, 30)})
    with pytest.raises(DomainError, match="该字段不能在这里修改"):
        employment.facts_update(actor=officer, person=adult, changes={"labour_status": "employed"})


def _household_of_two(
    officer: Staff, make_person: Callable[..., Person], places: Places
) -> tuple[Person, Person]:
    head = make_person(
        officer, places.village_a1, id_number=make_id_number(born=dt.date(1985, 1, 1), seq=2), name="李强"
    )
    spouse = make_person(
        officer,
        places.village_a1,
        id_number=make_id_number(born=dt.date(1978, 1, 1), sex="F", seq=3),
        name="刘洋",
    )
    household = people.household_create(actor=officer, region_code=places.village_a1)
    people.household_add_member(actor=officer, household=household, person=head, relation="01")
    people.household_add_member(actor=officer, household=household, person=spouse, relation="10")
    head.refresh_from_db()
    spouse.refresh_from_db()
    return head, spouse


def test_a_household_becomes_zero_employment_when_both_workers_are_unemployed_and_clears_on_a_job(
    officer: Staff, make_person: Callable[..., Person], places: Places
) -> None:
    head, spouse = _household_of_two(officer, make_person, places)
    unemployed(officer, head)
    assert not ZeroEmploymentHousehold.objects.exists()  # the spouse's status is not known yet
    unemployed(officer, spouse)
    case = ZeroEmploymentHousehold.objects.get()
    assert case.cleared_on is None and "均处于失业状态" in case.evidence
    # Its members are hard to employ while it lasts (tier A).
    assert (
        KeyGroupMembership.objects.filter(rule="hard_to_employ.zero_household", ended_on__isnull=True).count()
        == 2
    )
    assert set(Registration.objects.values_list("tier", flat=True)) == {"A"}
    employment.employment_register(actor=officer, person=spouse, basis="residence", form="public_welfare")
    case.refresh_from_db()
    assert case.cleared_on == TODAY and "刘洋已就业" in case.cleared_evidence
    assert Registration.objects.get(person=head, closed_on__isnull=True).tier == "C"


def test_the_daily_refresh_finds_long_term_unemployment(officer: Staff, adult: Person) -> None:
    unemployed(officer, adult, unemployed_since=dt.date(2026, 1, 5))
    assert not KeyGroupMembership.objects.exists()
    with time_machine.travel(dt.datetime(2027, 1, 6, 9, 0), tick=False):
        counts = employment.refresh_all(prefix="430527", on=dt.date(2027, 1, 6))
    assert counts.persons == 1
    assert KeyGroupMembership.objects.get().rule == "hard_to_employ.long_term"
    assert Registration.objects.get().tier == "A"


def test_selectors_see_only_the_jurisdiction(
    officer: Staff, adult: Person, make_staff: Callable[..., Staff], places: Places
) -> None:
    unemployed(officer, adult)
    stranger = make_staff(Role.TOWNSHIP_OFFICER, places.township_b)
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    assert selectors.registration_list(actor=stranger).count() == 0
    assert selectors.registration_list(actor=county).count() == 1
    assert selectors.employment_summary(actor=stranger)["registered_unemployed"] == 0
    assert selectors.employment_summary(actor=county)["registered_unemployed"] == 1
    assert selectors.registration_get(actor=stranger, pk=Registration.objects.get().pk) is None


def test_a_member_leaving_or_joining_a_household_updates_its_zero_employment_case_at_once(
    officer: Staff, make_person: Callable[..., Person], places: Places
) -> None:
    head, spouse = _household_of_two(officer, make_person, places)
    unemployed(officer, head)
    employment.employment_register(actor=officer, person=spouse, basis="residence", form="flexible")
    assert not ZeroEmploymentHousehold.objects.exists()
    household = head.household
    assert household is not None
    # The only one in work leaves: the household is found at once, not at the next daily refresh.
    people.household_remove_member(actor=officer, household=household, person=spouse, reason="分户另居")
    case = ZeroEmploymentHousehold.objects.get()
    assert case.household == household and case.cleared_on is None
    assert KeyGroupMembership.objects.filter(
        person=head, rule="hard_to_employ.zero_household", ended_on__isnull=True
    ).exists()
    # ... and cleared at once when someone in work joins it.
    spouse.refresh_from_db()
    people.household_add_member(
        actor=officer, household=household, person=spouse, relation="10", confirm_move=True
    )
    case.refresh_from_db()
    assert case.cleared_on == TODAY
    assert not KeyGroupMembership.objects.filter(
        person=head, rule="hard_to_employ.zero_household", ended_on__isnull=True
    ).exists()
