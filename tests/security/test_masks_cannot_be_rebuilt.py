"""SECURITY.md 21: a masked ID number cannot be rebuilt from what is shown or stored beside it.

`430527********123X` hides exactly the birth date and the first two sequence digits. So:
  * nothing a staff member sees without a logged reveal (pages, the Excel export, API answers) shows the
    birth date, or even its year and month, beside the mask: the age in years instead;
  * nothing stored in plain text (every column of every table but the ciphertexts) holds the birth day or
    the ID number's tail, so that a database stolen without its keys leaves at least 1,000 candidate numbers
    for one person, counted here by enumerating them."""

from __future__ import annotations

import calendar
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.db import connection
from python_calamine import CalamineWorkbook

from openpes.accounts.roles import Role
from openpes.core.errors import DomainError
from openpes.core.identifiers import check_digit
from openpes.people import services
from tests.factories import PersonInputFactory

BORN = dt.date(1979, 11, 23)
MIN_CANDIDATES = 1000


def number_ending_in_x() -> str:
    """A number whose tail ends in X, a character no timestamp or counter in the database can hold."""
    for seq in range(1, 1000):
        first17 = f"430527{BORN:%Y%m%d}{seq:03d}"
        if int(first17[-1]) % 2 and check_digit(first17) == "X":  # a man: odd 17th digit
            return first17 + "X"
    raise AssertionError("no sequence gives X")


NUMBER = number_ending_in_x()


def birth_date_forms(day: dt.date) -> list[str]:
    """The ways a page, a workbook or JSON could write a birth date or its month."""
    return [
        f"{day:%Y%m%d}",
        f"{day:%Y-%m-%d}",
        f"{day:%Y/%m/%d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y-%m}",
        f"{day.year}年{day.month}月",
        f"{day.year}.{day.month}",
    ]


@pytest.fixture
def person(make_staff: Any, places: Any) -> Any:
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    registered = services.person_create(
        actor=county,
        data=PersonInputFactory(region_code=places.village_a1, id_number=NUMBER, phone="13912345678"),
    )
    household = services.household_create(actor=county, region_code=places.village_a1)
    services.household_add_member(actor=county, household=household, person=registered, relation="01")
    return registered


def seen_without_reveal(person: Any, login_as: Any, places: Any) -> dict[str, str]:
    """Everything a read-only 专员 of the township gets about the person without revealing anything."""
    client = login_as(Role.SPECIALIST, places.township_a)
    pages = {
        "list": client.get("/persons/").content.decode(),
        "search by tail": client.post("/persons/", {"q": NUMBER[-4:]}).content.decode(),
        "detail": client.get(f"/persons/{person.pk}/").content.decode(),
        "household": client.get(f"/households/{person.household_id}/").content.decode(),
        "api person": client.get(f"/api/v1/persons/{person.pk}").content.decode(),
        "api list": client.get("/api/v1/persons").content.decode(),
        "api household": client.get(f"/api/v1/households/{person.household_id}").content.decode(),
    }
    book = CalamineWorkbook.from_filelike(io.BytesIO(client.get("/persons/export.xlsx").content))
    pages["export"] = json.dumps(book.get_sheet_by_index(0).to_python(), default=str, ensure_ascii=False)
    return pages


def test_nothing_shown_without_a_reveal_gives_the_birth_date_beside_the_mask(person, login_as, places):
    shown = seen_without_reveal(person, login_as, places)
    mask = NUMBER[:6] + "*" * 8 + NUMBER[14:]
    assert mask in shown["detail"] and mask in shown["api person"] and mask in shown["export"]
    for where, text in shown.items():
        for form in birth_date_forms(BORN):
            assert form not in text, (where, form)
        assert NUMBER not in text, where
    api = json.loads(shown["api person"])
    assert "birth_date" not in api and "birth_month" not in api
    assert api["age"] == person.age
    assert f"{person.age}岁" in shown["detail"]


def plain_text_of_the_database() -> str:
    """Every column of every table, except the ciphertexts (random to anyone without the keys)."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cursor, table)
                if not c.name.endswith("_encrypted")
            ]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.extend(" ".join(str(v) for v in row) for row in cursor.fetchall())
    return "\n".join(parts)


def candidates(division: str, birth_month: dt.date, sex: str, tail: str = "") -> list[str]:
    """Every valid ID number consistent with what the attacker knows: the division (assumed known: it is
    usually the county the person lives in), the birth year and month, the sex, and the tail if known."""
    found = []
    days = calendar.monthrange(birth_month.year, birth_month.month)[1]
    for day in range(1, days + 1):
        for sequence in range(1000):
            if sequence % 2 != (1 if sex == "M" else 0):
                continue
            first17 = f"{division}{birth_month:%Y%m}{day:02d}{sequence:03d}"
            number = first17 + check_digit(first17)
            if number.endswith(tail):
                found.append(number)
    return found


def test_a_database_stolen_without_keys_leaves_at_least_1000_candidates(person, login_as, places):
    seen_without_reveal(person, login_as, places)  # reads and an export write access-log rows too
    services.person_update(
        actor=person.created_by, person=person, data=services.PersonInput(address="新址"), fields=["address"]
    )
    text = plain_text_of_the_database()
    assert NUMBER[-4:] not in text  # the tail (it ends in X, which no timestamp or hex digest holds) nowhere
    for form in birth_date_forms(BORN)[:4]:  # the year and month are kept, the day is not
        assert form not in text, form
    row = type(person).objects.values("birth_month", "sex").get(pk=person.pk)
    possible = candidates(NUMBER[:6], row["birth_month"], row["sex"])
    assert NUMBER in possible
    assert len(possible) >= MIN_CANDIDATES, len(possible)
    # The test has teeth: had the tail been stored in plain text, a handful would be left.
    assert len(candidates(NUMBER[:6], row["birth_month"], row["sex"], tail=NUMBER[-4:])) < 10


def test_the_tail_search_still_finds_the_person(person, login_as, places):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    masked = NUMBER[:6] + "*" * 8 + NUMBER[14:]
    for query in (NUMBER[-4:], NUMBER[-4:].lower(), masked):
        page = client.post("/persons/", {"q": query}).content.decode()
        assert person.name in page and masked in page, query
    wrong_division = "430528" + masked[6:]
    assert masked not in client.post("/persons/", {"q": wrong_division}).content.decode()


def test_a_search_by_the_whole_number_is_logged_like_a_reveal(person, login_as, places):
    # The mask and the age leave a few dozen guesses; each guess tried in the search box is on record.
    from openpes.audit.models import AccessLog

    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    before = AccessLog.objects.count()
    client.post("/persons/", {"q": NUMBER})
    client.post("/households/", {"q": NUMBER.lower()})
    client.post("/persons/", {"q": "430527" + NUMBER[6:17] + "0"})  # a wrong guess
    client.post("/persons/", {"q": person.name})  # not a number: not logged
    client.post("/api/v1/persons/search", {"q": NUMBER}, content_type="application/json")
    rows = list(AccessLog.objects.order_by("id")[before:])
    assert [(r.field, r.actor_id) for r in rows] == [("lookup", client.staff.pk)] * 4
    assert [r.reason for r in rows] == [
        f"按完整身份证号码 {NUMBER[:6]}{'*' * 12} 查找，找到 1 条",
        f"按完整身份证号码 {NUMBER[:6]}{'*' * 12} 查找，找到 1 条",
        f"按完整身份证号码 {NUMBER[:6]}{'*' * 12} 查找，找到 0 条",
        f"按完整身份证号码 {NUMBER[:6]}{'*' * 12} 查找，找到 1 条",
    ]
    assert all(NUMBER[-4:] not in r.reason for r in rows)


def test_guesses_confirmed_by_a_registration_or_a_phone_search_are_logged(
    person, login_as, places, make_staff
):
    # A refused duplicate says "this number is registered": as good as a search, so logged as one; so is a
    # search by a whole phone number, which confirms a guess at the masked phone.
    from openpes.audit.models import AccessLog

    clerk = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    before = AccessLog.objects.count()
    with pytest.raises(DomainError):
        services.person_create(
            actor=clerk, data=PersonInputFactory(region_code=places.village_a1, id_number=NUMBER)
        )
    result = services.persons_bulk_create(
        actor=clerk,
        rows=[PersonInputFactory(region_code=places.village_a1, id_number=NUMBER)],
        all_or_nothing=False,
    )
    assert result.created == 0
    client = login_as(Role.SPECIALIST, places.township_a)
    client.post("/persons/", {"q": "13912345678"})
    rows = list(AccessLog.objects.order_by("id")[before:])
    assert [r.field for r in rows] == ["lookup"] * 3
    assert "430527************" in rows[0].reason and NUMBER[-4:] not in rows[0].reason
    assert "1 个身份证号码已有登记" in rows[1].reason
    assert rows[2].reason == "按完整联系电话 139****5678 查找，找到 1 条"
