"""/api/v1/persons: list, create, detail, patch, reveal — inside the jurisdiction only, masked always."""

from __future__ import annotations

import re

import pytest

from openpes.accounts.roles import Role
from openpes.audit.models import AccessLog, ChangeLog
from openpes.people.models import Person
from tests.api.conftest import assert_field_errors
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_MOBILE = re.compile(r"1\d{10}")
HIDDEN_COLUMNS = ("id_number_encrypted", "id_number_index", "phone_encrypted", "phone_index")


def assert_masked_only(payload: object) -> None:
    text = str(payload)
    assert not FULL_ID.search(text), text
    assert not FULL_MOBILE.search(text), text
    for column in HIDDEN_COLUMNS:
        assert column not in text


# --- list -------------------------------------------------------------------------------------------------


def test_list_shows_own_township_only_and_masked(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.get_json("/persons")
    assert response.status_code == 200
    page = response.json()
    ids = {p["id"] for p in page["items"]}
    assert ids == {registry.person_a.pk, registry.person_a2.pk}
    assert page["count"] == 2
    assert_masked_only(page)
    assert "*" in page["items"][0]["id_number_masked"]


def test_list_paginates_with_limit_and_offset(api_as, places, registry):
    client = api_as(Role.COUNTY_OFFICER, places.county)
    first = client.get_json("/persons", {"limit": 2, "offset": 0}).json()
    rest = client.get_json("/persons", {"limit": 2, "offset": 2}).json()
    assert first["count"] == rest["count"] == 3
    assert len(first["items"]) == 2 and len(rest["items"]) == 1
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in rest["items"]}


@pytest.mark.parametrize("limit", [1, 2, 3, 4])
def test_every_page_gives_the_full_count_the_last_one_included(api_as, places, registry, limit):
    # The last page counts itself instead of asking the database: the count must not change with the page.
    client = api_as(Role.COUNTY_OFFICER, places.county)
    total = Person.objects.count()
    for offset in range(total + 3):
        page = client.get_json("/persons", {"limit": limit, "offset": offset}).json()
        assert page["count"] == total, (limit, offset)
        assert len(page["items"]) == max(0, min(limit, total - offset)), (limit, offset)


def test_a_list_shows_each_person_as_their_detail_does(api_as, places, registry):
    # The list reads plain rows, the detail a model instance: both must give the same person the same way.
    client = api_as(Role.COUNTY_OFFICER, places.county)
    listed = client.get_json("/persons").json()["items"]
    searched = client.call("POST", "/persons/search", {}).json()["items"]
    assert len(listed) == Person.objects.count() and searched == listed
    assert {item["household"] for item in listed} >= {registry.household_a.pk, None}
    for item in listed:
        assert client.get_json(f"/persons/{item['id']}").json() == item


def test_list_filters_by_region_sex_and_name(api_as, places, registry):
    client = api_as(Role.COUNTY_OFFICER, places.county)
    by_region = client.get_json("/persons", {"region": places.village_a2}).json()
    assert [p["id"] for p in by_region["items"]] == [registry.person_a2.pk]
    by_name = client.get_json("/persons", {"q": "张伟"}).json()
    assert [p["id"] for p in by_name["items"]] == [registry.person_b.pk]
    sex = registry.person_a.sex
    by_sex = client.get_json("/persons", {"sex": sex}).json()
    assert by_sex["items"] and all(p["sex"] == sex for p in by_sex["items"])


def test_search_does_not_find_a_sibling_townships_person(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert client.get_json("/persons", {"q": "张伟"}).json()["count"] == 0
    tail = registry.person_b.id_number_masked[-4:]
    found = client.get_json("/persons", {"q": tail}).json()
    assert registry.person_b.pk not in {p["id"] for p in found["items"]}
    assert client.get_json("/persons", {"region": places.village_b1}).json()["count"] == 0
    assert client.get_json("/persons", {"household": registry.household_b.pk}).json()["count"] == 0


def test_search_by_post_keeps_the_id_number_out_of_the_url_and_stays_scoped(api_as, places, registry):
    from openpes.people.services import person_reveal

    number = person_reveal(
        actor=registry.county, person=registry.person_b, field_name="id_number", reason="测试核对"
    )
    county = api_as(Role.COUNTY_OFFICER, places.county).call("POST", "/persons/search?limit=5", {"q": number})
    assert county.status_code == 200
    assert [p["id"] for p in county.json()["items"]] == [registry.person_b.pk]
    assert number not in county.request["QUERY_STRING"]
    assert_masked_only(county.json())
    sibling = api_as(Role.TOWNSHIP_OFFICER, places.township_a).call("POST", "/persons/search", {"q": number})
    assert sibling.json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sex": "X"}, "sex"),
        ({"region": "4305"}, "region"),
        ({"q": "张" * 51}, "q"),
        ({"household": 0}, "household"),
    ],
)
def test_search_by_post_refuses_bad_filters(api_as, places, registry, body, field):
    assert_field_errors(
        api_as(Role.COUNTY_OFFICER, places.county).call("POST", "/persons/search", body), field
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 100000}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": "many"}, "limit"),
        ({"sex": "X"}, "sex"),
        ({"region": "4305"}, "region"),
        ({"q": "张" * 51}, "q"),
        ({"household": 0}, "household"),
    ],
)
def test_list_refuses_bad_filters(api_as, places, registry, params, field):
    client = api_as(Role.COUNTY_OFFICER, places.county)
    assert_field_errors(client.get_json("/persons", params), field)


def test_list_needs_view_permission(api_as, places, registry):
    client = api_as(Role.ADMINISTRATOR, places.county)  # manages accounts, reads no personal data
    assert client.get_json("/persons").status_code == 403


# --- create -----------------------------------------------------------------------------------------------


def test_create_registers_a_person_and_returns_it_masked(api_as, places):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    id_number = make_id_number()
    body = {
        "name": "赵敏",
        "id_number": id_number,
        "phone": "13912345678",
        "region_code": places.village_a1,
        "education": "50",
        "political_status": "13",
        "ethnicity": "06",  # 苗族
    }
    response = client.call("POST", "/persons", body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["name"] == "赵敏"
    assert out["id_number_masked"].startswith(id_number[:6]) and "*" in out["id_number_masked"]
    assert out["phone_masked"] != "13912345678"
    assert_masked_only(out)
    person = Person.objects.get(pk=out["id"])
    assert person.created_by == client.staff
    assert ChangeLog.objects.filter(
        target_type="people.person", target_id=str(person.pk), action="create"
    ).exists()


def test_create_into_a_household(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    body = {
        "name": "杨磊",
        "id_number": make_id_number(),
        "region_code": places.village_a1,
        "household": registry.household_a.pk,
        "relation_to_head": "20",
    }
    response = client.call("POST", "/persons", body)
    assert response.status_code == 201, response.content
    assert response.json()["household"] == registry.household_a.pk


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"name", "id_number", "region_code"}),
        ({"name": "王芳", "id_number": "430527199005170000", "region_code": "VILLAGE"}, {"region_code"}),
        ({"name": "王芳", "id_number": "123", "region_code": "@village"}, {"id_number"}),
        ({"name": "<b>王</b>", "id_number": "@id", "region_code": "@village"}, {"name"}),
        ({"name": "王芳", "id_number": "@id", "region_code": "@village", "education": "99"}, {"education"}),
        ({"name": "王芳", "id_number": "@id", "region_code": "@village", "sex": "M"}, {"sex"}),
        ({"name": "王芳", "id_number": "@id", "region_code": "@village", "phone": "12"}, {"phone"}),
        ({"name": "王芳", "id_number": "@id", "region_code": "@village", "household": 999999}, {"household"}),
        ({"name": "王芳", "id_number": "@id", "region_code": "@village_b"}, {"region_code"}),
        ({"name": "王芳", "id_number": "@id", "region_code": "@township"}, {"region_code"}),
        ({"name": 5, "id_number": "@id", "region_code": "@village"}, {"name"}),
        (
            {"name": "王芳", "id_number": "@id", "region_code": "@village", "household": "@household_b"},
            {"household"},
        ),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(api_as, places, registry, body, fields):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    values = {
        "@id": make_id_number(),
        "@village": places.village_a1,
        "@village_b": places.village_b1,
        "@township": places.township_a,
        "@household_b": registry.household_b.pk,
    }
    body = {k: values.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    persons, changes = Person.objects.count(), ChangeLog.objects.count()
    detail = assert_field_errors(client.call("POST", "/persons", body), *fields)
    assert all(e["field"] for e in detail)
    assert Person.objects.count() == persons
    assert ChangeLog.objects.count() == changes


def test_create_refuses_a_number_registered_in_a_sibling_township_without_saying_where(
    api_as, places, registry
):
    from openpes.core.crypto import provider
    from openpes.people.services import ID_CONTEXT

    id_number = provider().decrypt(registry.person_b.id_number_encrypted, context=ID_CONTEXT)
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    body = {"name": "张伟", "id_number": id_number, "region_code": places.village_a1}
    detail = assert_field_errors(client.call("POST", "/persons", body), "id_number")
    assert "张伟" not in str(detail) and str(registry.person_b.pk) not in str(detail)
    assert all("existing_id" not in error for error in detail)


def test_create_of_a_number_registered_in_the_jurisdiction_gives_the_existing_id(api_as, places, registry):
    from openpes.core.crypto import provider
    from openpes.people.services import ID_CONTEXT

    id_number = provider().decrypt(registry.person_a2.id_number_encrypted, context=ID_CONTEXT)
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    body = {"name": "李强", "id_number": id_number, "region_code": places.village_a1}
    detail = assert_field_errors(client.call("POST", "/persons", body), "id_number")
    assert detail[0]["existing_id"] == registry.person_a2.pk


def test_create_refuses_malformed_json(api_as, places):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    before = Person.objects.count()
    assert_field_errors(client.call("POST", "/persons", "{not json"), "body")
    assert_field_errors(client.call("POST", "/persons", "[1, 2]"), "body")
    assert Person.objects.count() == before


def test_create_needs_add_permission(api_as, places):
    client = api_as(Role.SPECIALIST, places.county)  # read-only role
    body = {"name": "王芳", "id_number": make_id_number(), "region_code": places.village_a1}
    assert client.call("POST", "/persons", body).status_code == 403
    assert not Person.objects.filter(name="王芳", region_code=places.village_a1).exists()


# --- detail and patch -------------------------------------------------------------------------------------


def test_detail_of_own_person(api_as, places, registry):
    client = api_as(Role.VILLAGE_BROKER, places.village_a1)
    response = client.get_json(f"/persons/{registry.person_a.pk}")
    assert response.status_code == 200
    out = response.json()
    assert out["id"] == registry.person_a.pk
    assert out["household"] == registry.household_a.pk
    assert_masked_only(out)


@pytest.mark.parametrize("which", ["person_b", "person_a2", "missing"])
def test_detail_outside_jurisdiction_or_missing_is_404(api_as, places, registry, which):
    client = api_as(
        Role.VILLAGE_BROKER, places.village_a1
    )  # A2 is the neighbouring village, B1 another township
    pk = getattr(registry, which).pk if which != "missing" else 987654
    response = client.get_json(f"/persons/{pk}")
    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_detail_with_a_non_numeric_id_is_422(api_as, places):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert_field_errors(client.get_json("/persons/abc"), "person_id")
    assert_field_errors(client.get_json(f"/persons/{2**70}"), "person_id")


def test_patch_changes_only_the_given_fields(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    person = registry.person_a
    response = client.call("PATCH", f"/persons/{person.pk}", {"education": "60", "address": "新地址5号"})
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.education, person.address, person.name) == ("60", "新地址5号", "王芳")
    assert person.household_id == registry.household_a.pk
    entry = ChangeLog.objects.get(target_id=str(person.pk), action="update", actor=client.staff)
    assert set(entry.changes) == {"education", "address"}


def test_patch_can_remove_the_phone(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.call("PATCH", f"/persons/{registry.person_a.pk}", {"phone": ""})
    assert response.status_code == 200, response.content
    assert response.json()["phone_masked"] == ""


@pytest.mark.parametrize("household", [None, "@household_a2"])
def test_patch_cannot_take_a_member_out_of_their_household(api_as, places, registry, household):
    # Leaving goes through the household's "remove member" (a household of one's own, with a reason);
    # changing households through "add member" with a confirmation.
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    if household:
        household = client.call("POST", "/households", {"region_code": places.village_a1}).json()["id"]
    response = client.call("PATCH", f"/persons/{registry.person_a.pk}", {"household": household})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "household"
    registry.person_a.refresh_from_db()
    assert registry.person_a.household_id == registry.household_a.pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"id_number": "4305271990"}, "id_number"),
        ({"region_code": "@village_b"}, "region_code"),
        ({"education": "99"}, "education"),
        ({"sex": "F"}, "sex"),
        ({"household": "@household_b"}, "household"),
        ({"address": "x" * 201}, "address"),
        ({"address": "<script>"}, "address"),
    ],
)
def test_patch_refuses_bad_input_and_changes_nothing(api_as, places, registry, body, field):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    values = {"@village_b": places.village_b1, "@household_b": registry.household_b.pk}
    body = {k: values.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    person = registry.person_a
    before = Person.objects.filter(pk=person.pk).values().get()
    changes = ChangeLog.objects.count()
    assert_field_errors(client.call("PATCH", f"/persons/{person.pk}", body), field)
    assert Person.objects.filter(pk=person.pk).values().get() == before
    assert ChangeLog.objects.count() == changes


def test_patch_of_a_sibling_townships_person_is_404_and_changes_nothing(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.call("PATCH", f"/persons/{registry.person_b.pk}", {"address": "改了"})
    assert response.status_code == 404
    registry.person_b.refresh_from_db()
    assert registry.person_b.address != "改了"


def test_patch_needs_change_permission(api_as, places, registry):
    client = api_as(Role.MANAGER, places.county)
    assert client.call("PATCH", f"/persons/{registry.person_a.pk}", {"address": "改了"}).status_code == 403


# --- reveal -----------------------------------------------------------------------------------------------


def test_reveal_gives_the_value_and_logs_the_access(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.call(
        "POST", f"/persons/{registry.person_a.pk}/reveal", {"field": "id_number", "reason": "核对社保卡"}
    )
    assert response.status_code == 200, response.content
    value = response.json()["value"]
    assert FULL_ID.fullmatch(value)
    assert value[:6] == registry.person_a.id_number_masked[:6]
    assert response["Cache-Control"] == "no-store"
    log = AccessLog.objects.get(target_id=str(registry.person_a.pk))
    assert (log.actor_id, log.field, log.reason, log.channel) == (
        client.staff.pk,
        "id_number",
        "核对社保卡",
        "api",
    )


def test_reveal_phone(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.call(
        "POST", f"/persons/{registry.person_a.pk}/reveal", {"field": "phone", "reason": "电话回访"}
    )
    assert response.status_code == 200
    assert FULL_MOBILE.fullmatch(response.json()["value"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"field": "name", "reason": "核对"}, "field"),
        ({"field": "id_number"}, "reason"),
        ({"field": "id_number", "reason": "x"}, "reason"),
        ({"field": "id_number", "reason": ""}, "reason"),
        ({"field": "id_number", "reason": "核对", "extra": 1}, "extra"),
    ],
)
def test_reveal_refuses_bad_input_and_logs_nothing(api_as, places, registry, body, field):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert_field_errors(client.call("POST", f"/persons/{registry.person_a.pk}/reveal", body), field)
    assert not AccessLog.objects.exists()


def test_reveal_of_a_sibling_townships_person_is_404_and_logs_nothing(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    body = {"field": "id_number", "reason": "核对"}
    assert client.call("POST", f"/persons/{registry.person_b.pk}/reveal", body).status_code == 404
    assert not AccessLog.objects.exists()


def test_reveal_needs_the_reveal_permission(api_as, places, registry):
    client = api_as(Role.SPECIALIST, places.county)  # may list persons, may not see full numbers
    body = {"field": "id_number", "reason": "核对"}
    assert client.call("POST", f"/persons/{registry.person_a.pk}/reveal", body).status_code == 403
    assert not AccessLog.objects.exists()
