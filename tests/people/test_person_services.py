"""people.services: registering, changing and revealing a person. Every refusal is in Chinese and writes
nothing (no person, no household, no audit row)."""

from __future__ import annotations

import datetime as dt

import pytest

from openpes.accounts.roles import Role
from openpes.audit.models import AccessLog, ChangeLog
from openpes.core.crypto import provider
from openpes.core.errors import DomainError, NotFound
from openpes.core.identifiers import mask_id_number
from openpes.people import services
from openpes.people.models import Person
from openpes.regions.models import Region
from tests.factories import PersonInputFactory, make_id_number

from .conftest import nothing_written

TODAY = dt.date(2026, 3, 15)


@pytest.fixture
def county(make_staff, places):
    return make_staff(Role.COUNTY_OFFICER, places.county)


@pytest.fixture
def broker_a1(make_staff, places):
    return make_staff(Role.VILLAGE_BROKER, places.village_a1)


def create(actor, **fields):
    return services.person_create(actor=actor, data=PersonInputFactory(**fields), today=TODAY)


def reveal(actor, person, field_name="id_number", reason="核对身份"):
    return services.person_reveal(actor=actor, person=person, field_name=field_name, reason=reason)


# --- create -----------------------------------------------------------------------------------------------


def test_create_stores_derived_identity_and_masked_copies(county, places):
    number = make_id_number(born=dt.date(1985, 7, 9), sex="F")
    person = create(county, region_code=places.village_a1, id_number=number, phone="+86 138-0013-8000")
    person.refresh_from_db()
    assert person.birth_month == dt.date(1985, 7, 1)  # the day only inside the ciphertext
    assert person.sex == "F"
    assert person.id_number_masked == mask_id_number(number)
    assert person.phone_masked == "138****8000"
    assert person.created_by == county
    assert reveal(county, person) == number
    assert reveal(county, person, "phone") == "13800138000"


def test_create_writes_one_change_log_row_with_masked_values_only(county, places):
    number = make_id_number()
    person = create(county, region_code=places.village_a1, id_number=number, phone="13800138000")
    row = ChangeLog.objects.get(target_type="people.person", target_id=str(person.pk))
    assert row.action == "create"
    assert row.actor == county
    assert row.region_code == places.village_a1
    assert row.changes["id_number"] == number[:6] + "*" * 12  # no tail beside the stored birth month
    text = str(row.changes) + row.summary
    assert number not in text
    assert "13800138000" not in text


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n.lower(),
        lambda n: "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in n),
        lambda n: f"{n[:6]} {n[6:14]}\u3000{n[14:]}",
    ],
    ids=["lowercase-x", "full-width", "spaces"],
)
def test_typed_variants_of_a_number_are_normalised_before_storing(county, places, typed):
    number = "43052719900517018X"
    person = create(county, region_code=places.village_a1, id_number=typed(number))
    assert reveal(county, person) == number
    assert person.id_number_index == services.id_index(number)


def test_old_fifteen_digit_number_is_stored_converted(county, places):
    person = create(county, region_code=places.village_a1, id_number="430527780601123")
    stored = reveal(county, person)
    assert len(stored) == 18
    assert stored.startswith("43052719780601123")
    assert person.birth_month == dt.date(1978, 6, 1)


def test_old_and_new_form_of_the_same_number_are_one_person(county, places, refused):
    create(county, region_code=places.village_a1, id_number="430527780601123")
    converted = Person.objects.get().id_number_index
    new_form = provider().decrypt(Person.objects.get().id_number_encrypted, context=services.ID_CONTEXT)
    assert services.id_index(new_form) == converted
    refused(lambda: create(county, region_code=places.village_a1, id_number=new_form), field="id_number")


def test_wrong_check_digit_is_refused(county, places, refused):
    number = make_id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    refused(
        lambda: create(county, region_code=places.village_a1, id_number=wrong),
        field="id_number",
        contains="校验位",
    )


def test_impossible_birth_date_is_refused(county, places, refused):
    first17 = "43052719900230" + "123"
    from openpes.core.identifiers import check_digit

    number = first17 + check_digit(first17)
    refused(
        lambda: create(county, region_code=places.village_a1, id_number=number),
        field="id_number",
        contains="19900230",
    )


def test_person_under_sixteen_is_refused(county, places, refused):
    born = TODAY.replace(year=TODAY.year - 16) + dt.timedelta(days=1)
    number = make_id_number(born=born)
    refused(
        lambda: create(county, region_code=places.village_a1, id_number=number),
        field="id_number",
        contains="未满16周岁",
    )


def test_person_turning_sixteen_today_is_registered(county, places):
    number = make_id_number(born=TODAY.replace(year=TODAY.year - 16), seq=1)
    assert create(county, region_code=places.village_a1, id_number=number).pk


def test_duplicate_in_jurisdiction_names_the_existing_record(county, places, refused):
    number = make_id_number()
    first = create(county, region_code=places.village_a1, id_number=number, name="王芳")
    error = refused(
        lambda: create(county, region_code=places.village_a2, id_number=number), field="id_number"
    )
    message = error.errors[0].message
    assert f"编号 {first.pk}" in message
    assert "王芳" in message


def test_duplicate_outside_jurisdiction_is_refused_without_saying_who_or_where(
    county, broker_a1, places, refused, make_staff
):
    number = make_id_number()
    other = create(county, region_code=places.village_b1, id_number=number, name="赵敏")
    error = refused(
        lambda: create(broker_a1, region_code=places.village_a1, id_number=number), field="id_number"
    )
    message = error.errors[0].message
    township_b = Region.objects.get(code=places.township_b).name
    village_b1 = Region.objects.get(code=places.village_b1).name
    for secret in ("赵敏", str(other.pk), places.village_b1, township_b, village_b1):
        assert secret not in message
    assert "其他辖区" in message


def test_region_outside_jurisdiction_is_refused(broker_a1, places, refused):
    refused(
        lambda: create(broker_a1, region_code=places.village_a2),
        field="region_code",
        contains="不在您的辖区内",
    )


def test_unknown_region_is_refused(county, refused):
    refused(lambda: create(county, region_code="430527999999"), field="region_code")


def test_region_above_village_level_is_refused(county, places, refused):
    refused(lambda: create(county, region_code=places.township_a), field="region_code", contains="村（社区）")


def test_retired_village_is_refused(county, places, refused):
    Region.objects.filter(code=places.village_a2).update(retired=True)
    refused(lambda: create(county, region_code=places.village_a2), field="region_code", contains="撤销")


@pytest.mark.parametrize("phone", ["12345678901", "1381234567", "+1 650 253 0000", "7654321", "电话"])
def test_phone_that_is_not_chinese_mobile_or_landline_is_refused(county, places, refused, phone):
    refused(lambda: create(county, region_code=places.village_a1, phone=phone), field="phone")


def test_landline_with_area_code_is_accepted(county, places):
    person = create(county, region_code=places.village_a1, phone="0739-7654321")
    assert person.phone_masked == "0739-****321"


def test_blank_phone_is_allowed_and_stores_nothing(county, places):
    person = create(county, region_code=places.village_a1, phone="  ")
    assert (person.phone_encrypted, person.phone_index, person.phone_masked) == ("", "", "")


def test_name_over_thirty_characters_is_refused(county, places, refused):
    refused(
        lambda: create(county, region_code=places.village_a1, name="张" * 31), field="name", contains="30"
    )


def test_name_of_thirty_characters_is_accepted(county, places):
    assert create(county, region_code=places.village_a1, name="张" * 30).name == "张" * 30


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "<b>王芳</b>"),
        ("name", "王芳<script>"),
        ("address", "长铺镇<script>alert(1)</script>"),
        ("address", "<img src=x onerror=alert(1)>"),
        ("ethnicity", "<i>汉族</i>"),
    ],
)
def test_html_in_any_text_field_is_refused(county, places, refused, field, value):
    refused(lambda: create(county, region_code=places.village_a1, **{field: value}), field=field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("education", "99"),
        ("political_status", "xx"),
        ("relation_to_head", "77"),
        ("ethnicity", "57"),
        ("ethnicity", "汉族"),  # the name, not its code
    ],
)
def test_unknown_choice_values_are_refused(county, places, refused, field, value):
    refused(lambda: create(county, region_code=places.village_a1, **{field: value}), field=field)


def test_every_problem_of_a_form_is_reported_together(county, places):
    with nothing_written(), pytest.raises(DomainError) as info:
        create(county, region_code=places.township_a, name="<x>", id_number="123", phone="1", address="<")
    assert {e.field for e in info.value.errors} == {"name", "id_number", "phone", "region_code", "address"}


def test_household_outside_jurisdiction_is_refused(county, broker_a1, places, refused):
    household = services.household_create(actor=county, region_code=places.village_b1)
    refused(lambda: create(broker_a1, region_code=places.village_a1, household=household), field="household")


# --- update -----------------------------------------------------------------------------------------------


def test_update_changes_only_named_fields_and_audits_the_difference(county, places):
    person = create(county, region_code=places.village_a1, name="王芳", education="20", address="一组")
    data = services.PersonInput(name="王芳芳", education="60", address="ignored")
    services.person_update(actor=county, person=person, data=data, fields=["name", "education"], today=TODAY)
    person.refresh_from_db()
    assert (person.name, person.education, person.address) == ("王芳芳", "60", "一组")
    row = ChangeLog.objects.filter(action="update", target_id=str(person.pk)).get()
    assert row.actor == county
    assert row.changes == {"name": ["王芳", "王芳芳"], "education": ["20", "60"]}


def test_update_without_a_change_writes_no_audit_row(county, places):
    person = create(county, region_code=places.village_a1, name="王芳")
    with nothing_written():
        services.person_update(
            actor=county, person=person, data=services.PersonInput(name="王芳"), fields=["name"]
        )


def test_update_of_id_number_re_encrypts_and_logs_masked_values(county, places):
    person = create(county, region_code=places.village_a1)
    new = make_id_number(born=dt.date(1970, 1, 2), sex="F")
    services.person_update(
        actor=county, person=person, data=services.PersonInput(id_number=new), fields=["id_number"]
    )
    person.refresh_from_db()
    assert reveal(county, person) == new
    assert person.birth_month == dt.date(1970, 1, 1)
    assert person.sex == "F"
    assert person.id_number_masked == mask_id_number(new)  # not the old number's cached mask
    row = ChangeLog.objects.get(action="update", target_id=str(person.pk))
    assert row.changes["id_number"][1] == new[:6] + "*" * 12
    assert new not in str(row.changes) and new[-4:] not in str(row.changes)


def test_update_to_another_persons_number_is_refused(county, places, refused):
    taken = make_id_number()
    create(county, region_code=places.village_a1, id_number=taken)
    person = create(county, region_code=places.village_a1)
    refused(
        lambda: services.person_update(
            actor=county, person=person, data=services.PersonInput(id_number=taken), fields=["id_number"]
        ),
        field="id_number",
        contains="已登记",
    )


def test_update_keeping_ones_own_number_is_not_a_duplicate(county, places):
    number = make_id_number()
    person = create(county, region_code=places.village_a1, id_number=number)
    services.person_update(
        actor=county, person=person, data=services.PersonInput(id_number=number.lower()), fields=["id_number"]
    )


def test_clearing_the_phone_removes_ciphertext_index_and_mask(county, places):
    person = create(county, region_code=places.village_a1, phone="13800138000")
    services.person_update(actor=county, person=person, data=services.PersonInput(phone=""), fields=["phone"])
    person.refresh_from_db()
    assert (person.phone_encrypted, person.phone_index, person.phone_masked) == ("", "", "")


def test_update_with_bad_values_writes_nothing(county, places, refused):
    person = create(county, region_code=places.village_a1, name="王芳")
    refused(
        lambda: services.person_update(
            actor=county,
            person=person,
            data=services.PersonInput(name="<b>x</b>", phone="123"),
            fields=["name", "phone"],
        ),
        field="name",
    )
    person.refresh_from_db()
    assert person.name == "王芳"


def test_update_of_unknown_field_is_refused(county, places, refused):
    person = create(county, region_code=places.village_a1)
    refused(
        lambda: services.person_update(
            actor=county, person=person, data=services.PersonInput(), fields=["created_by"]
        ),
        field="created_by",
    )


def test_update_of_person_outside_jurisdiction_is_not_found(county, broker_a1, places):
    person = create(county, region_code=places.village_a2)
    with nothing_written(), pytest.raises(NotFound):
        services.person_update(
            actor=broker_a1, person=person, data=services.PersonInput(name="李四"), fields=["name"]
        )


def test_moving_a_person_out_of_the_jurisdiction_is_refused(broker_a1, places, refused):
    person = create(broker_a1, region_code=places.village_a1)
    refused(
        lambda: services.person_update(
            actor=broker_a1,
            person=person,
            data=services.PersonInput(region_code=places.village_b1),
            fields=["region_code"],
        ),
        field="region_code",
    )


# --- reveal -----------------------------------------------------------------------------------------------


def test_reveal_needs_a_reason(county, places, refused):
    person = create(county, region_code=places.village_a1)
    refused(lambda: reveal(county, person, reason="  "), field="reason")
    refused(lambda: reveal(county, person, reason="查"), field="reason", contains="至少2个字")
    refused(lambda: reveal(county, person, reason="<b>核对</b>"), field="reason")


def test_reveal_of_other_fields_is_refused(county, places, refused):
    person = create(county, region_code=places.village_a1)
    refused(lambda: reveal(county, person, field_name="name"), field="field")


def test_reveal_of_an_unregistered_phone_is_refused_and_not_logged(county, places, refused):
    person = create(county, region_code=places.village_a1, phone="")
    refused(lambda: reveal(county, person, field_name="phone"), field="phone", contains="未登记")


def test_reveal_outside_jurisdiction_is_not_found_and_not_logged(county, broker_a1, places):
    person = create(county, region_code=places.village_b1)
    with nothing_written(), pytest.raises(NotFound):
        reveal(broker_a1, person)


def test_disabled_staff_can_neither_reveal_nor_change_nor_register(county, places, make_staff):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    person = create(county, region_code=places.village_a1)
    officer.is_active = False  # e.g. a request that started before the account was disabled
    with nothing_written():
        with pytest.raises(NotFound):
            reveal(officer, person)
        with pytest.raises(NotFound):
            services.person_update(
                actor=officer, person=person, data=services.PersonInput(name="李四"), fields=["name"]
            )
        with pytest.raises(DomainError):
            create(officer, region_code=places.village_a1)
    assert not AccessLog.objects.exists()
