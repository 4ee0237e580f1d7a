"""The demo county: valid synthetic people, staff at every level, built once."""

from __future__ import annotations

import datetime as dt

from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.core.crypto import provider
from openpes.core.identifiers import parse_id_number, parse_phone
from openpes.demo.generator import CountyGenerator
from openpes.demo.services import COUNTY, DEMO_PASSWORD, build_demo
from openpes.people import services as people
from openpes.people.models import Household, Person, Relation
from openpes.regions.models import Region, RegionLevel

TODAY = dt.date(2026, 3, 15)
VILLAGES = [("430527100201", "甲村"), ("430527100202", "乙村")]


def test_generator_is_deterministic_and_valid():
    def draw(seed: int) -> list:
        generator = CountyGenerator(county_code=COUNTY, villages=VILLAGES, seed=seed, today=TODAY)
        return list(generator.households(200))

    first, again, other = draw(1), draw(1), draw(2)
    assert first == again
    assert first != other
    members = [m for h in first for m in h.members]
    assert len(members) >= 200
    assert len({m.id_number for m in members}) == len(members)
    for household in first:
        assert sum(m.relation == Relation.HEAD for m in household.members) == 1
        for member in household.members:
            number = parse_id_number(member.id_number, today=TODAY)
            assert number.division_code == COUNTY[:6]
            assert 16 <= number.age_on(TODAY) <= 70
            if member.phone:
                assert parse_phone(member.phone).mobile


def test_build_demo_creates_valid_people_and_staff_at_every_level_once(db):
    report = build_demo(persons=300, today=TODAY)
    assert not report.already_built
    assert report.persons == Person.objects.count() >= 300
    assert report.households == Household.objects.count()

    county = Staff.objects.get(username="county")
    assert county.has_role(Role.COUNTY_OFFICER) and county.jurisdiction_id == COUNTY
    assert county.check_password(DEMO_PASSWORD)
    townships = set(
        Region.objects.filter(parent_code=COUNTY, level=RegionLevel.TOWNSHIP).values_list("code", flat=True)
    )
    villages = set(
        Region.objects.in_prefix("430527").filter(level=RegionLevel.VILLAGE).values_list("code", flat=True)
    )
    township_staff = Staff.objects.filter(groups__name=Role.TOWNSHIP_OFFICER)
    broker_staff = Staff.objects.filter(groups__name=Role.VILLAGE_BROKER)
    assert set(township_staff.values_list("jurisdiction_id", flat=True)) == townships
    assert set(broker_staff.values_list("jurisdiction_id", flat=True)) == villages
    # every broker belongs to the station of their own township
    for broker in broker_staff.select_related("institution", "jurisdiction"):
        assert broker.institution.region_code == broker.jurisdiction.parent_code
    for role in (Role.ADMINISTRATOR, Role.AUDITOR, Role.MANAGER, Role.COUNSELLOR, Role.SPECIALIST):
        assert Staff.objects.filter(groups__name=role, jurisdiction_id=COUNTY).exists(), role
    assert report.admin_totp_secret
    assert {login.level for login in report.logins} == {"县", "乡镇", "村"}

    for person in Person.objects.all():
        number = provider().decrypt(person.id_number_encrypted, context=people.ID_CONTEXT)
        parsed = parse_id_number(number, today=TODAY)
        assert 16 <= parsed.age_on(TODAY) <= 70
        assert (person.birth_month, person.sex) == (parsed.birth_date.replace(day=1), parsed.sex)
        assert person.region_code in villages
    heads = Household.objects.exclude(head=None).count()
    assert heads == Household.objects.count()

    counts = (Person.objects.count(), Household.objects.count(), Staff.objects.count())
    again = build_demo(persons=300, today=TODAY)
    assert again.already_built
    assert (Person.objects.count(), Household.objects.count(), Staff.objects.count()) == counts
    assert [login.username for login in again.logins] == [login.username for login in report.logins]


def test_generated_ages_are_exact_whatever_the_day():
    import datetime as dt

    from openpes.core.identifiers import parse_id_number
    from openpes.demo.generator import CountyGenerator

    for today in (dt.date(2026, 11, 23), dt.date(2028, 2, 29), dt.date(2027, 1, 1)):
        generator = CountyGenerator(
            county_code="430527000000", villages=[("430527100001", "长铺社区")], today=today
        )
        for age in (16, 40, 70):
            for _ in range(300):
                assert parse_id_number(generator.id_number(age, "F"), today=today).age_on(today) == age


def test_the_demo_gives_every_employment_page_something_to_show(db):
    from openpes.employment import selectors
    from openpes.employment.models import (
        EmploymentProfile,
        KeyGroupMembership,
        Registration,
        ZeroEmploymentHousehold,
    )

    build_demo(persons=600)
    county = Staff.objects.get(username="county")
    summary = selectors.employment_summary(actor=county)
    assert summary["registered_unemployed"] > 5
    assert summary["overdue_contacts"] > 0
    assert summary["newly_employed_this_month"] > 0
    assert ZeroEmploymentHousehold.objects.filter(cleared_on__isnull=True).exists()
    groups = set(KeyGroupMembership.objects.filter(ended_on__isnull=True).values_list("group", flat=True))
    assert {"hard_to_employ", "graduate"} <= groups
    assert EmploymentProfile.objects.count() == Person.objects.count()
    assert Registration.objects.filter(kind="employment").exists()


def test_the_printed_township_login_sees_every_employment_page_filled(db):
    from openpes.employment import selectors

    build_demo(persons=600)
    officer = Staff.objects.get(username="t430527100")
    summary = selectors.employment_summary(actor=officer)
    assert summary["registered_unemployed"] > 0 and summary["zero_households_open"] > 0
    assert summary["key_group_hard_to_employ"] > 0
    assert selectors.overdue_contacts(actor=officer, officer=officer).exists()
