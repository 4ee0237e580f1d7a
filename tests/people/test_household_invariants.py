"""SECURITY.md 23: every household member lives in the household's village, under every write path; moving
a household takes its members along; joining another household is confirmed; leaving gives a household of
one's own; an empty household is closed with a reason and kept; and what is shown of a household (its head,
its member count) goes through the jurisdiction filter."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from openpes.core.errors import DomainError, NotFound
from openpes.people import selectors, services
from openpes.people.models import Household, Person, Relation
from tests.factories import PersonInputFactory

from .conftest import nothing_written


@pytest.fixture
def county(make_staff, places):
    return make_staff(Role.COUNTY_OFFICER, places.county)


@pytest.fixture
def township_a(make_staff, places):
    return make_staff(Role.TOWNSHIP_OFFICER, places.township_a)


@pytest.fixture
def township_b(make_staff, places):
    return make_staff(Role.TOWNSHIP_OFFICER, places.township_b)


@pytest.fixture
def family(county, places, make_person):
    """A household of three in village A1, headed by 王芳."""
    household = services.household_create(actor=county, region_code=places.village_a1, address="A1村1组")
    members = [make_person(county, places.village_a1, name=n) for n in ("王芳", "李强", "张伟")]
    for person, relation in zip(members, (Relation.HEAD, Relation.SPOUSE, Relation.CHILD), strict=True):
        services.household_add_member(actor=county, household=household, person=person, relation=relation)
    household.refresh_from_db()
    return household, members


def move(actor, household, region_code):
    return services.household_update(
        actor=actor,
        household=household,
        region_code=region_code,
        address=household.address,
        head=household.head,
    )


def test_moving_a_household_moves_every_member_each_audited(county, places, family):
    household, members = family
    move(county, household, places.village_b1)
    assert set(Person.objects.filter(household=household).values_list("region_code", flat=True)) == {
        places.village_b1
    }
    for person in members:
        entry = ChangeLog.objects.filter(target_type="people.person", target_id=str(person.pk)).latest("id")
        assert entry.changes == {"region_code": [places.village_a1, places.village_b1]}
        assert entry.actor == county and f"随户 {household.pk}" in entry.summary


def test_after_a_move_the_old_township_sees_nothing_and_the_new_one_sees_it_whole(
    county, township_a, township_b, places, family
):
    household, members = family
    move(county, household, places.village_b1)
    assert selectors.household_get(actor=township_a, pk=household.pk) is None
    assert not selectors.person_list(actor=township_a).filter(pk__in=[p.pk for p in members]).exists()
    seen = selectors.household_get(actor=township_b, pk=household.pk)
    assert (seen.member_count, seen.head_name) == (3, "王芳")


def test_a_township_officer_cannot_move_a_household_out_of_their_township(township_a, places, family):
    household, _members = family
    with nothing_written(), pytest.raises(DomainError) as info:
        move(township_a, household, places.village_b1)
    assert info.value.errors[0].field == "region_code"
    assert set(Person.objects.filter(household=household).values_list("region_code", flat=True)) == {
        places.village_a1
    }


def test_a_move_is_refused_while_a_member_is_registered_outside_the_jurisdiction(township_a, places, family):
    # Rows from before the rule (or written around the services) may break it; a move must not then take
    # a person of another township along, and nothing shown may count or name them.
    household, members = family
    Person.objects.filter(pk=members[0].pk).update(region_code=places.village_b1)
    with nothing_written(), pytest.raises(DomainError) as info:
        move(township_a, household, places.village_a2)
    assert info.value.errors[0].message == services.households.MEMBERS_OUTSIDE
    seen = selectors.household_list(actor=township_a).get(pk=household.pk)
    assert (seen.member_count, seen.head_name, seen.visible_head_id) == (2, "", None)


def test_the_release_migration_brings_stray_members_to_their_households_village(county, places, family):
    _household, members = family
    Person.objects.filter(pk=members[1].pk).update(region_code=places.village_b1)
    migration = importlib.import_module("openpes.people.migrations.0005_household_closing")
    migration.members_follow_their_household(apps, None)
    members[1].refresh_from_db()
    assert members[1].region_code == places.village_a1
    entry = ChangeLog.objects.filter(target_type="people.person", target_id=str(members[1].pk)).latest("id")
    assert entry.changes == {"region_code": [places.village_b1, places.village_a1]}


# --- joining, leaving, closing -----------------------------------------------------------------------------


def test_joining_another_household_needs_a_confirmation_that_names_the_old_one(county, places, family):
    household, members = family
    other = services.household_create(actor=county, region_code=places.village_a2)
    with nothing_written(), pytest.raises(DomainError) as info:
        services.household_add_member(
            actor=county, household=other, person=members[0], relation=Relation.HEAD
        )
    [problem] = info.value.errors
    assert problem.field == "confirm_move"
    assert f"户 {household.pk}" in problem.message and "户主 王芳" in problem.message
    services.household_add_member(
        actor=county, household=other, person=members[0], relation=Relation.HEAD, confirm_move=True
    )
    members[0].refresh_from_db()
    household.refresh_from_db()
    assert (members[0].household_id, members[0].region_code) == (other.pk, places.village_a2)
    assert household.head_id is None  # the old household now asks for a new head


def test_a_person_without_a_household_joins_without_confirmation(county, places, make_person):
    household = services.household_create(actor=county, region_code=places.village_a1)
    loner = make_person(county, places.village_a2)
    services.household_add_member(actor=county, household=household, person=loner, relation=Relation.CHILD)
    loner.refresh_from_db()
    assert (loner.household_id, loner.region_code) == (household.pk, places.village_a1)


def test_a_removed_member_heads_a_household_of_their_own_with_the_reason_logged(county, places, family):
    household, members = family
    own = services.household_remove_member(
        actor=county, household=household, person=members[2], reason="结婚分户"
    )
    members[2].refresh_from_db()
    assert (members[2].household_id, members[2].relation_to_head) == (own.pk, Relation.HEAD)
    assert (own.head_id, own.region_code, own.address) == (members[2].pk, places.village_a1, "A1村1组")
    assert Person.objects.filter(household=household).count() == 2
    entry = ChangeLog.objects.filter(target_type="people.person", target_id=str(members[2].pk)).latest("id")
    assert entry.changes["reason"] == "结婚分户" and entry.actor == county


def test_removing_the_head_leaves_the_household_asking_for_one(county, places, family):
    household, members = family
    services.household_remove_member(actor=county, household=household, person=members[0], reason="迁出")
    household.refresh_from_db()
    assert household.head_id is None


@pytest.mark.parametrize("reason", ["", " ", "x"])
def test_removal_needs_a_reason(county, family, reason):
    household, members = family
    with nothing_written(), pytest.raises(DomainError) as info:
        services.household_remove_member(actor=county, household=household, person=members[1], reason=reason)
    assert info.value.errors[0].field == "reason"


def test_removing_someone_who_is_not_a_member_is_refused(county, places, family, make_person):
    household, _ = family
    stranger = make_person(county, places.village_a1)
    with nothing_written(), pytest.raises(DomainError):
        services.household_remove_member(actor=county, household=household, person=stranger, reason="迁出")


def test_only_an_empty_household_is_closed_and_it_is_kept(county, places, family):
    household, members = family
    with nothing_written(), pytest.raises(DomainError) as info:
        services.household_close(actor=county, household=household, reason="全户迁出")
    assert "3 名成员" in info.value.errors[0].message
    for person in members:
        services.household_remove_member(actor=county, household=household, person=person, reason="分户")
    services.household_close(actor=county, household=household, reason="全户分户")
    household.refresh_from_db()
    assert household.is_closed and household.closed_reason == "全户分户"
    assert not selectors.household_list(actor=county).filter(pk=household.pk).exists()
    assert selectors.household_list(actor=county, closed=True).filter(pk=household.pk).exists()


def test_nobody_joins_or_changes_a_closed_household(county, places, make_person):
    household = services.household_create(actor=county, region_code=places.village_a1)
    services.household_close(actor=county, household=household, reason="建错了")
    person = make_person(county, places.village_a1)
    with nothing_written(), pytest.raises(DomainError):
        services.household_add_member(actor=county, household=household, person=person, relation="20")
    with nothing_written(), pytest.raises(DomainError):
        move(county, household, places.village_a2)
    with nothing_written(), pytest.raises(DomainError) as info:
        services.person_update(
            actor=county, person=person, data=services.PersonInput(household=household), fields=["household"]
        )
    assert info.value.errors[0].field == "household"
    with nothing_written(), pytest.raises(DomainError):
        services.persons_bulk_create(
            actor=county, rows=[PersonInputFactory(region_code=places.village_a1, household=household)]
        )


def test_closing_outside_the_jurisdiction_is_not_found(township_b, county, places):
    household = services.household_create(actor=county, region_code=places.village_a1)
    with nothing_written(), pytest.raises(NotFound):
        services.household_close(actor=township_b, household=household, reason="迁出")
    assert Household.objects.get(pk=household.pk).closed_at is None


def test_a_join_read_before_a_move_is_checked_again_when_written(county, places, family, make_person):
    # The caller read the household before a move committed: the write re-reads it, locked, and refuses.
    household, _ = family
    stale = Household.objects.get(pk=household.pk)
    move(county, household, places.village_a2)
    loner = make_person(county, places.village_a1)
    with nothing_written(), pytest.raises(DomainError) as info:
        services.person_update(
            actor=county,
            person=loner,
            data=services.PersonInput(household=stale, region_code=places.village_a1),
            fields=["household", "region_code"],
        )
    assert info.value.errors[0].field == "household"
    loner.refresh_from_db()
    assert loner.household_id is None


def test_a_new_head_leaves_the_old_one_without_the_head_relation(county, places, family):
    household, members = family
    services.household_update(
        actor=county, household=household, region_code=household.region_code, address="", head=members[1]
    )
    relations = dict(Person.objects.filter(household=household).values_list("pk", "relation_to_head"))
    assert relations[members[1].pk] == Relation.HEAD
    assert relations[members[0].pk] == ""  # no longer a second 户主
