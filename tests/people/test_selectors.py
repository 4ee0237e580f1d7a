"""people.selectors: every read is scoped to the actor's jurisdiction (SECURITY.md #1) and search finds
people by name, full ID number (through the keyed hash), masked number or its last four characters."""

from __future__ import annotations

import pytest

from openpes.accounts.roles import Role
from openpes.core.crypto import provider
from openpes.people import selectors, services
from openpes.people.models import Relation
from openpes.people.selectors import PersonFilters
from tests.factories import make_id_number


@pytest.fixture
def registry(make_staff, make_person, places):
    """One person (and household) in each of A1, A2 and B1."""
    county = make_staff(Role.COUNTY_OFFICER, places.county)

    class Registry:
        pass

    r = Registry()
    r.county = county
    for key, village, name in (
        ("a1", places.village_a1, "王芳"),
        ("a2", places.village_a2, "李强"),
        ("b1", places.village_b1, "赵敏"),
    ):
        person = make_person(county, village, name=name, id_number=make_id_number())
        household = services.household_create(actor=county, region_code=village, address=f"{name}家")
        services.household_add_member(
            actor=county, household=household, person=person, relation=Relation.HEAD
        )
        setattr(r, key, person)
        setattr(r, f"household_{key}", household)
    return r


def pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("role", "level", "visible"),
    [
        (Role.COUNTY_OFFICER, "county", {"a1", "a2", "b1"}),
        (Role.TOWNSHIP_OFFICER, "township_a", {"a1", "a2"}),
        (Role.TOWNSHIP_OFFICER, "township_b", {"b1"}),
        (Role.VILLAGE_BROKER, "village_a1", {"a1"}),
        (Role.VILLAGE_BROKER, "village_a2", {"a2"}),
        (Role.VILLAGE_BROKER, "village_b1", {"b1"}),
    ],
)
def test_each_level_sees_exactly_its_own_subtree(registry, make_staff, places, role, level, visible):
    actor = make_staff(role, getattr(places, level))
    expected = {getattr(registry, key).pk for key in visible}
    assert pks(selectors.person_list(actor=actor)) == expected
    households = {getattr(registry, f"household_{key}").pk for key in visible}
    assert pks(selectors.household_list(actor=actor)) == households
    for key in ("a1", "a2", "b1"):
        person = getattr(registry, key)
        found = selectors.person_get(actor=actor, pk=person.pk)
        assert (found is not None) == (key in visible)
        household = getattr(registry, f"household_{key}")
        assert (selectors.household_get(actor=actor, pk=household.pk) is not None) == (key in visible)


def test_broker_cannot_see_person_in_neighbouring_village(registry, make_staff, places):
    broker = make_staff(Role.VILLAGE_BROKER, places.village_a1)
    assert selectors.person_get(actor=broker, pk=registry.a2.pk) is None
    assert not selectors.person_list(actor=broker, filters=PersonFilters(q="李强")).exists()


def test_township_officer_cannot_find_sibling_townships_person_even_by_full_id(registry, make_staff, places):
    officer = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    number = provider().decrypt(registry.b1.id_number_encrypted, context=services.ID_CONTEXT)
    assert not selectors.person_list(actor=officer, filters=PersonFilters(q=number)).exists()
    assert not selectors.person_list(actor=officer, filters=PersonFilters(region=places.village_b1)).exists()
    assert not selectors.household_list(actor=officer, region=places.village_b1).exists()
    assert not selectors.household_list(actor=officer, q="赵敏").exists()


def test_household_members_of_a_sibling_household_are_hidden(registry, make_staff, places):
    broker = make_staff(Role.VILLAGE_BROKER, places.village_a1)
    assert not selectors.household_members(actor=broker, household=registry.household_b1).exists()
    assert pks(selectors.household_members(actor=broker, household=registry.household_a1)) == {registry.a1.pk}


def test_disabled_staff_see_nothing(registry, make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    officer.is_active = False
    assert not selectors.person_list(actor=officer).exists()
    assert selectors.person_get(actor=officer, pk=registry.a1.pk) is None


def test_search_by_full_id_number_uses_the_keyed_hash(registry):
    number = provider().decrypt(registry.a1.id_number_encrypted, context=services.ID_CONTEXT)
    for typed in (number, number.lower(), f"{number[:6]} {number[6:]}"):
        assert pks(selectors.person_list(actor=registry.county, filters=PersonFilters(q=typed))) == {
            registry.a1.pk
        }


def test_search_by_masked_number_last_four_and_name(registry):
    county = registry.county
    masked = registry.b1.id_number_masked
    assert pks(selectors.person_list(actor=county, filters=PersonFilters(q=masked))) == {registry.b1.pk}
    assert registry.b1.pk in pks(selectors.person_list(actor=county, filters=PersonFilters(q=masked[-4:])))
    assert pks(selectors.person_list(actor=county, filters=PersonFilters(q="赵"))) == {registry.b1.pk}


def test_region_filter_narrows_to_a_village(registry, places):
    found = selectors.person_list(actor=registry.county, filters=PersonFilters(region=places.village_a2))
    assert pks(found) == {registry.a2.pk}
    township = selectors.person_list(actor=registry.county, filters=PersonFilters(region=places.township_a))
    assert pks(township) == {registry.a1.pk, registry.a2.pk}


def test_household_search_by_head_name_and_address(registry):
    assert pks(selectors.household_list(actor=registry.county, q="李强")) == {registry.household_a2.pk}
    assert pks(selectors.household_list(actor=registry.county, q="赵敏家")) == {registry.household_b1.pk}


def test_dashboard_counts_only_the_jurisdiction(registry, make_staff, places):
    officer = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    summary = selectors.dashboard_summary(actor=officer)
    assert summary["persons"] == 2
    assert summary["households"] == 2
    assert sum(count for _, _, count in summary["children"]) == 2
    county_summary = selectors.dashboard_summary(actor=registry.county)
    assert county_summary["persons"] == 3
    per_township = {code: count for code, _, count in county_summary["children"]}
    assert per_township[places.township_a] == 2
    assert per_township[places.township_b] == 1


@pytest.mark.parametrize(
    "typed", ["13900004444", "139 0000 4444", "+86 139-0000-4444", "１３９００００４４４４"]
)
def test_a_phone_number_finds_its_person_through_the_keyed_hash(registry, make_person, places, typed):
    person = make_person(registry.county, places.village_a1, name="孙丽", phone="13900004444")
    make_person(registry.county, places.village_a1, name="周杰", phone="13900004445")
    assert pks(selectors.person_list(actor=registry.county, filters=PersonFilters(q=typed))) == {person.pk}


def test_a_landline_and_a_masked_phone_find_their_person(registry, make_person, places):
    person = make_person(registry.county, places.village_a1, name="孙丽", phone="0739-7654321")
    for typed in ("0739-7654321", "07397654321", person.phone_masked):
        found = selectors.person_list(actor=registry.county, filters=PersonFilters(q=typed))
        assert pks(found) == {person.pk}, typed


def test_a_phone_of_another_township_finds_nobody(registry, make_person, make_staff, places):
    make_person(registry.county, places.village_b1, name="孙丽", phone="13900004444")
    officer = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    assert not selectors.person_list(actor=officer, filters=PersonFilters(q="13900004444")).exists()


def test_a_phone_search_is_described_masked_for_the_audit_log():
    assert PersonFilters(q="13900004444").describe() == "条件：关键词 139****4444"


@pytest.mark.parametrize("level", ["county", "township_a", "village_a2", "village_b1"])
@pytest.mark.parametrize(
    "given",
    [
        {},
        {"region": "village_a1"},
        {"region": "township_a", "sex": "1"},
        {"sex": "2"},
        {"household": "a1"},
        {"region": "village_a1", "sex": "1", "household": "a1"},
        {"region": "440000000000"},  # outside every jurisdiction here
        {"q": "王"},
        {"q": "   "},
    ],
)
def test_the_api_list_reads_what_person_list_holds(registry, make_staff, places, level, given):
    """PersonRows (a prepared query where it can be) gives the rows and counts of person_list, page by page."""
    actor = make_staff(Role.TOWNSHIP_OFFICER, getattr(places, level))
    region = given.get("region", "")
    filters = PersonFilters(
        q=given.get("q", ""),
        region=getattr(places, region, region),
        sex=given.get("sex", ""),
        household=getattr(registry, f"household_{given['household']}").pk if "household" in given else None,
    )
    rows = selectors.PersonRows(actor, filters)
    expected = selectors.person_rows(selectors.person_list(actor=actor, filters=filters))
    assert rows.page(0, 50) == expected
    assert rows.page(1, 1) == expected[1:2]
    assert rows.count() == len(expected)
    if rows.prepared is not None:
        rows.prepared.verify(rows.values, offset=1, limit=2)


def test_a_search_is_not_prepared_and_a_list_without_one_is(registry):
    assert selectors.PersonRows(registry.county, PersonFilters(q="王芳")).prepared is None
    assert selectors.PersonRows(registry.county, PersonFilters(sex="1")).prepared is not None
    assert len(selectors.PersonRows(registry.county, PersonFilters()).page(0, 50)) == 3
