"""Bulk registration, bulk changes and households: atomic, scoped and audited."""

from __future__ import annotations

import datetime as dt

import pytest

from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from openpes.core.crypto import provider
from openpes.core.errors import DomainError, NotFound
from openpes.people import services
from openpes.people.models import Household, Person, Relation
from openpes.people.services import bulk_registration
from tests.factories import PersonInputFactory, make_id_number

from .conftest import nothing_written

TODAY = dt.date(2026, 3, 15)


@pytest.fixture
def county(make_staff, places):
    return make_staff(Role.COUNTY_OFFICER, places.county)


@pytest.fixture
def township_a(make_staff, places):
    return make_staff(Role.TOWNSHIP_OFFICER, places.township_a)


def rows(region: str, n: int, **fields):
    return [PersonInputFactory(region_code=region, **fields) for _ in range(n)]


# --- persons_bulk_create ----------------------------------------------------------------------------------


def test_bulk_create_registers_all_rows_with_one_audit_row_naming_the_actor(county, places):
    batch = rows(places.village_a1, 3) + rows(places.village_b1, 2)
    result = services.persons_bulk_create(actor=county, rows=batch, today=TODAY)
    assert result.created == 5
    assert result.errors == []
    entry = ChangeLog.objects.get(action="bulk_create", target_type="people.person")
    assert entry.actor == county
    assert entry.row_count == 5
    assert sorted(entry.changes["ids"]) == sorted(
        str(pk) for pk in Person.objects.values_list("pk", flat=True)
    )
    assert set(Person.objects.values_list("created_by", flat=True)) == {county.pk}


def test_bulk_created_rows_are_encrypted_and_searchable(county, places):
    batch = rows(places.village_a1, 2)
    services.persons_bulk_create(actor=county, rows=batch, today=TODAY)
    for data in batch:
        person = Person.objects.get(id_number_index=services.id_index(data.id_number))
        assert data.id_number not in person.id_number_encrypted
        assert person.id_number_masked == data.id_number[:6] + "*" * 8 + data.id_number[14:]


def test_one_bad_row_writes_nothing_and_names_the_row(county, places):
    batch = rows(places.village_a1, 3)
    batch[1].id_number = batch[1].id_number[:17] + ("0" if batch[1].id_number[17] != "0" else "1")
    with nothing_written(), pytest.raises(DomainError) as info:
        services.persons_bulk_create(actor=county, rows=batch, today=TODAY)
    assert [e.field for e in info.value.errors] == ["第2行.id_number"]
    assert "校验位" in info.value.errors[0].message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "<b>x</b>"),
        ("address", "<script>"),
        ("ethnicity", "<汉>"),
        ("phone", "123"),
        ("name", "张" * 31),
    ],
)
def test_bad_text_in_any_row_rejects_the_batch(county, places, field, value):
    batch = rows(places.village_a1, 2)
    setattr(batch[1], field, value)
    with nothing_written(), pytest.raises(DomainError) as info:
        services.persons_bulk_create(actor=county, rows=batch, today=TODAY)
    assert info.value.errors[0].field == f"第2行.{field}"


def test_rows_outside_the_jurisdiction_or_above_village_level_are_refused(township_a, places):
    batch = rows(places.village_a1, 1) + rows(places.village_b1, 1) + rows(places.township_a, 1)
    with nothing_written(), pytest.raises(DomainError) as info:
        services.persons_bulk_create(actor=township_a, rows=batch, today=TODAY)
    assert [e.field for e in info.value.errors] == ["第2行.region_code", "第3行.region_code"]


def test_duplicate_within_the_batch_and_against_the_registry_are_refused(county, places, make_person):
    existing = make_person(county, places.village_a1)
    number = make_id_number()
    batch = rows(places.village_a1, 1, id_number=number) + rows(
        places.village_a1, 1, id_number=number.lower()
    )
    batch += rows(
        places.village_a1,
        1,
        id_number=provider().decrypt(existing.id_number_encrypted, context=services.ID_CONTEXT),
    )
    with nothing_written(), pytest.raises(DomainError) as info:
        services.persons_bulk_create(actor=county, rows=batch, today=TODAY)
    assert [e.field for e in info.value.errors] == ["第2行.id_number", "第3行.id_number"]


def test_without_all_or_nothing_good_rows_are_written_and_bad_ones_reported(county, places):
    batch = rows(places.village_a1, 3)
    batch[2].name = "<x>"
    result = services.persons_bulk_create(actor=county, rows=batch, today=TODAY, all_or_nothing=False)
    assert result.created == 2
    assert [e.field for e in result.errors] == ["第3行.name"]
    assert Person.objects.count() == 2


@pytest.mark.parametrize("path", ["persons", "households"])
def test_a_number_registered_by_someone_else_during_the_import_writes_nothing(
    county, places, make_person, monkeypatch, path
):
    # Between the check for registered numbers and the write, another clerk registers one of them: the
    # unique index refuses it, and the import says so instead of failing with a database error.
    batch = rows(places.village_a1, 2)
    batch[0].relation_to_head = "01"
    make_person(county, places.village_a1, id_number=batch[1].id_number)
    monkeypatch.setattr(bulk_registration.bulk, "existing_values", lambda *args: set())
    with nothing_written(), pytest.raises(DomainError) as info:
        if path == "persons":
            services.persons_bulk_create(actor=county, rows=batch, today=TODAY)
        else:
            item = services.HouseholdInput(region_code=places.village_a1, address="", members=batch)
            services.households_bulk_create(actor=county, households=[item], today=TODAY)
    assert info.value.errors[0].message == bulk_registration.CHANGED_DURING_IMPORT


def test_an_integrity_error_other_than_a_registered_number_is_not_reported_as_one():
    from django.db import IntegrityError

    bulk_registration.raise_if_registered_meanwhile(
        IntegrityError("FOREIGN KEY constraint failed")
    )  # no DomainError
    with pytest.raises(DomainError):
        bulk_registration.raise_if_registered_meanwhile(
            IntegrityError("UNIQUE constraint failed: people_person.id_number_index")
        )


def test_bulk_rows_cannot_join_a_household_of_another_village(county, places):
    household = services.household_create(actor=county, region_code=places.village_a1)
    batch = rows(places.village_a2, 2)
    batch[1].household = household
    with nothing_written(), pytest.raises(DomainError) as info:
        services.persons_bulk_create(actor=county, rows=batch, today=TODAY)
    assert [(e.field, e.message) for e in info.value.errors] == [("第2行.household", services.SAME_VILLAGE)]


def test_bulk_create_refuses_minors(county, places):
    batch = rows(places.village_a1, 1, id_number=make_id_number(born=dt.date(2015, 1, 1)))
    with nothing_written(), pytest.raises(DomainError, match="未满16周岁"):
        services.persons_bulk_create(actor=county, rows=batch, today=TODAY)


# --- persons_bulk_update ----------------------------------------------------------------------------------


def test_bulk_update_sets_values_and_leaves_one_audit_row_with_the_ids(county, places, make_person):
    persons = [make_person(county, places.village_a1) for _ in range(3)]
    untouched = make_person(county, places.village_a1)
    ids = [p.pk for p in persons]
    count = services.persons_bulk_update(
        actor=county, person_ids=ids, changes={"education": "60", "address": "新址"}
    )
    assert count == 3
    assert set(Person.objects.filter(pk__in=ids).values_list("education", "address")) == {("60", "新址")}
    untouched.refresh_from_db()
    assert untouched.education == "20"
    entry = ChangeLog.objects.get(action="bulk_update")
    assert entry.actor == county
    assert entry.row_count == 3
    assert sorted(entry.changes["ids"]) == sorted(map(str, ids))
    assert entry.changes["set"] == {"education": "60", "address": "新址"}


def test_bulk_update_including_a_person_outside_the_jurisdiction_changes_nobody(
    county, township_a, places, make_person
):
    mine = make_person(county, places.village_a1)
    theirs = make_person(county, places.village_b1)
    with nothing_written(), pytest.raises(DomainError, match="未做任何修改"):
        services.persons_bulk_update(
            actor=township_a, person_ids=[mine.pk, theirs.pk], changes={"education": "60"}
        )
    assert set(Person.objects.values_list("education", flat=True)) == {"20"}


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "李四"},
        {"id_number": "x"},
        {"region_code": "430527100201"},
        {},
        {"address": "<b>"},
        {"education": "99"},
    ],
)
def test_bulk_update_refuses_other_fields_and_bad_values(county, places, make_person, changes):
    person = make_person(county, places.village_a1)
    with nothing_written(), pytest.raises(DomainError):
        services.persons_bulk_update(actor=county, person_ids=[person.pk], changes=changes)


# --- households -------------------------------------------------------------------------------------------


def test_household_create_audits_and_is_refused_outside_or_above_village(township_a, places, refused):
    household = services.household_create(actor=township_a, region_code=places.village_a1, address="一组3号")
    assert ChangeLog.objects.get(target_type="people.household").actor == township_a
    assert household.address == "一组3号"
    refused(
        lambda: services.household_create(actor=township_a, region_code=places.village_b1),
        field="region_code",
    )
    refused(
        lambda: services.household_create(actor=township_a, region_code=places.township_a),
        field="region_code",
    )
    refused(
        lambda: services.household_create(actor=township_a, region_code=places.village_a1, address="<b>"),
        field="address",
    )


def test_add_member_as_head_sets_the_household_head(county, places, make_person):
    household = services.household_create(actor=county, region_code=places.village_a1)
    head = make_person(county, places.village_a1)
    services.household_add_member(actor=county, household=household, person=head, relation=Relation.HEAD)
    household.refresh_from_db()
    head.refresh_from_db()
    assert household.head == head
    assert head.household == household
    assert ChangeLog.objects.filter(action="update", target_id=str(head.pk)).get().actor == county


def test_a_second_head_is_refused(county, places, make_person, refused):
    household = services.household_create(actor=county, region_code=places.village_a1)
    services.household_add_member(
        actor=county,
        household=household,
        person=make_person(county, places.village_a1),
        relation=Relation.HEAD,
    )
    other = make_person(county, places.village_a1)
    refused(
        lambda: services.household_add_member(
            actor=county, household=household, person=other, relation=Relation.HEAD
        ),
        field="relation_to_head",
    )
    refused(
        lambda: services.household_add_member(actor=county, household=household, person=other, relation="77"),
        field="relation_to_head",
    )


def test_add_member_outside_the_jurisdiction_is_not_found(county, township_a, places, make_person):
    household = services.household_create(actor=county, region_code=places.village_a1)
    stranger = make_person(county, places.village_b1)
    with nothing_written(), pytest.raises(NotFound):
        services.household_add_member(
            actor=township_a, household=household, person=stranger, relation=Relation.CHILD
        )


def test_household_update_changes_head_and_marks_the_relation(county, places, make_person):
    household = services.household_create(actor=county, region_code=places.village_a1, address="旧址")
    member = make_person(county, places.village_a1)
    services.household_add_member(actor=county, household=household, person=member, relation=Relation.SPOUSE)
    services.household_update(
        actor=county, household=household, region_code=places.village_a1, address="新址", head=member
    )
    household.refresh_from_db()
    member.refresh_from_db()
    assert (household.address, household.head_id) == ("新址", member.pk)
    assert member.relation_to_head == Relation.HEAD
    entry = ChangeLog.objects.filter(target_type="people.household", action="update").get()
    assert entry.changes["address"] == ["旧址", "新址"]
    assert entry.actor == county


def test_household_update_refuses_a_head_from_another_household_and_bad_values(
    county, places, make_person, refused
):
    household = services.household_create(actor=county, region_code=places.village_a1)
    outsider = make_person(county, places.village_a1)
    refused(
        lambda: services.household_update(
            actor=county, household=household, region_code=places.village_a1, address="", head=outsider
        ),
        field="head",
    )
    refused(
        lambda: services.household_update(
            actor=county, household=household, region_code=places.township_a, address="<i>", head=None
        ),
        field="address",
    )


def test_household_update_outside_the_jurisdiction_is_not_found(county, township_a, places):
    household = services.household_create(actor=county, region_code=places.village_b1)
    with nothing_written(), pytest.raises(NotFound):
        services.household_update(
            actor=township_a, household=household, region_code=places.village_a1, address="", head=None
        )


def household_input(region: str, members: list[tuple[str, str]]) -> services.HouseholdInput:
    return services.HouseholdInput(
        region_code=region,
        address="一组1号",
        members=[
            PersonInputFactory(region_code=region, name=name, relation_to_head=rel) for name, rel in members
        ],
    )


def test_households_bulk_create_registers_households_members_and_heads(county, places):
    result = services.households_bulk_create(
        actor=county,
        households=[
            household_input(places.village_a1, [("王强", Relation.HEAD), ("李芳", Relation.SPOUSE)]),
            household_input(places.village_b1, [("赵敏", Relation.HEAD)]),
        ],
        today=TODAY,
    )
    assert result.created == 3
    heads = dict(Household.objects.values_list("region_code", "head__name"))
    assert heads == {places.village_a1: "王强", places.village_b1: "赵敏"}
    assert Person.objects.get(name="李芳").household.head.name == "王强"
    assert ChangeLog.objects.filter(action="bulk_create", actor=county).count() == 2  # persons, households


def test_households_bulk_create_with_one_bad_member_writes_no_household_and_no_person(county, places):
    good = household_input(places.village_a1, [("王强", Relation.HEAD)])
    bad = household_input(places.village_a1, [("李芳", Relation.HEAD), ("<b>", Relation.CHILD)])
    with nothing_written(), pytest.raises(DomainError) as info:
        services.households_bulk_create(actor=county, households=[good, bad], today=TODAY)
    assert info.value.errors[0].field == "第2户第2人.name"


@pytest.mark.parametrize("problem", ["two-heads", "outside", "township"])
def test_households_bulk_create_refuses_bad_households(township_a, places, problem):
    if problem == "two-heads":
        item = household_input(places.village_a1, [("王强", Relation.HEAD), ("王刚", Relation.HEAD)])
    elif problem == "outside":
        item = household_input(places.village_b1, [("王强", Relation.HEAD)])
    else:
        item = household_input(places.township_a, [("王强", Relation.HEAD)])
    with nothing_written(), pytest.raises(DomainError) as info:
        services.households_bulk_create(actor=township_a, households=[item], today=TODAY)
    assert info.value.errors[0].field.startswith("第1户.")


def test_households_bulk_create_refuses_html_in_the_household_address(county, places):
    item = household_input(places.village_a1, [("王强", Relation.HEAD)])
    item.address = "<script>"
    with nothing_written(), pytest.raises(DomainError):
        services.households_bulk_create(actor=county, households=[item], today=TODAY)


# --- identifiers an import has already parsed ---------------------------------------------------------------


def test_parsed_identifiers_are_used_as_given_and_the_age_rule_still_applies(county, places):
    from openpes.core.identifiers import parse_id_number, parse_phone

    adult, child = make_id_number(born=dt.date(1990, 1, 1), seq=21), make_id_number(born=dt.date(2015, 1, 1))
    parsed = services.ParsedIdentifiers(
        parse_id_number(adult, today=TODAY), parse_phone("13907391234"), id_index="given-index"
    )
    data = PersonInputFactory(
        region_code=places.village_a1, id_number=adult, phone="13907391234", parsed=parsed
    )
    persons, errors = services.persons_prepare(county, [("第1行", data)], TODAY)
    assert errors == []
    assert persons[0]["id_number_index"] == "given-index"  # not hashed again
    assert persons[0]["phone_index"] == services.phone_index("13907391234")
    assert provider().decrypt(persons[0]["id_number_encrypted"], context=services.ID_CONTEXT) == adult

    young = services.ParsedIdentifiers(parse_id_number(child, today=TODAY))
    data = PersonInputFactory(region_code=places.village_a1, id_number=child, parsed=young)
    persons, errors = services.persons_prepare(county, [("第2行", data)], TODAY)
    assert persons == [] and errors[0].field == "第2行.id_number" and "未满16周岁" in errors[0].message


def test_parsed_identifiers_of_another_value_are_ignored_and_the_given_value_is_checked(county, places):
    from openpes.core.identifiers import parse_id_number

    other = services.ParsedIdentifiers(parse_id_number(make_id_number(seq=22), today=TODAY), id_index="x")
    data = PersonInputFactory(region_code=places.village_a1, id_number="430527199001011234", parsed=other)
    persons, errors = services.persons_prepare(county, [("第3行", data)], TODAY)
    assert persons == []
    assert errors[0].field == "第3行.id_number" and "校验位" in errors[0].message
