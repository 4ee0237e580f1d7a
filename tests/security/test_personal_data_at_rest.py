"""SECURITY.md #16: ID numbers and phones are stored encrypted and found through a keyed hash."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from openpes.accounts.roles import Role
from openpes.people import selectors, services
from openpes.people.selectors import PersonFilters
from tests.factories import PersonInputFactory, make_id_number

PHONE = "13912345678"


@pytest.fixture
def registered(make_staff, places):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    number = make_id_number()
    person = services.person_create(
        actor=county, data=PersonInputFactory(region_code=places.village_a1, id_number=number, phone=PHONE)
    )
    return county, person, number


def raw_row(table: str, pk: int) -> dict[str, object]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} WHERE id = %s", [pk])  # noqa: S608
        columns = [c[0] for c in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def test_raw_person_row_holds_neither_the_id_number_nor_the_phone(registered):
    _, person, number = registered
    row = raw_row("people_person", person.pk)
    text = " ".join(str(v) for v in row.values())
    assert number not in text
    assert number[6:14] + number[14:] not in text  # not even birth date and sequence together
    assert PHONE not in text
    assert PHONE[3:] not in text
    assert str(row["id_number_encrypted"]).startswith(("a", "s"))
    assert "id_number_masked" not in row and "birth_date" not in row  # derived on display; month only
    assert str(row["birth_month"]).startswith(f"{number[6:10]}-{number[10:12]}-01")
    assert row["phone_masked"] == "139****5678"
    assert person.id_number_masked == number[:6] + "********" + number[14:]


def test_index_is_a_keyed_hash_not_a_plain_digest(registered):
    _, person, number = registered
    row = raw_row("people_person", person.pk)
    for digest in (hashlib.sha256, hashlib.md5, hashlib.sha1):
        assert row["id_number_index"] != digest(number.encode()).hexdigest()
        assert row["phone_index"] != digest(PHONE.encode()).hexdigest()
    assert row["id_number_index"] == services.id_index(number)
    assert row["phone_index"] == services.phone_index(PHONE)


def test_audit_rows_of_the_registration_hold_no_plain_value(registered):
    _, person, number = registered
    with connection.cursor() as cursor:
        cursor.execute("SELECT changes, summary FROM audit_changelog WHERE target_id = %s", [str(person.pk)])
        text = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert text
    assert number not in text
    assert PHONE not in text


def test_round_trip_through_the_column(registered):
    county, person, number = registered
    person.refresh_from_db()
    assert (
        services.person_reveal(actor=county, person=person, field_name="id_number", reason="核对") == number
    )
    assert services.person_reveal(actor=county, person=person, field_name="phone", reason="核对") == PHONE


def test_person_is_found_by_full_id_number(registered):
    county, person, number = registered
    found = selectors.person_list(actor=county, filters=PersonFilters(q=number))
    assert list(found.values_list("pk", flat=True)) == [person.pk]


def test_an_unregistered_full_number_finds_nobody(registered):
    county, _, number = registered
    other = make_id_number()
    assert other != number
    assert not selectors.person_list(actor=county, filters=PersonFilters(q=other)).exists()


def test_ciphertext_copied_to_the_phone_column_does_not_decrypt(registered):
    county, person, _ = registered
    person.phone_encrypted = person.id_number_encrypted
    from openpes.core.crypto import DecryptionError

    with pytest.raises(DecryptionError):
        services.person_reveal(actor=county, person=person, field_name="phone", reason="核对")
