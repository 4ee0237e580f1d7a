"""/api/v1/households: list, create, detail with members, patch, add a member."""

from __future__ import annotations

import pytest

from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from openpes.people.models import Household, Person
from tests.api.conftest import assert_field_errors

pytestmark = pytest.mark.django_db


def test_list_shows_own_township_only(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    page = client.get_json("/households").json()
    assert [h["id"] for h in page["items"]] == [registry.household_a.pk]
    assert page["count"] == 1
    item = page["items"][0]
    assert (item["head"], item["head_name"], item["member_count"]) == (registry.person_a.pk, "王芳", 1)


def test_list_filters_and_search_stay_inside_the_jurisdiction(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert client.get_json("/households", {"region": places.village_b1}).json()["count"] == 0
    assert client.get_json("/households", {"q": "张伟"}).json()["count"] == 0
    assert client.get_json("/households", {"q": "B1村"}).json()["count"] == 0
    assert client.get_json("/households", {"q": "王芳"}).json()["count"] == 1
    county = api_as(Role.COUNTY_OFFICER, places.county)
    assert county.get_json("/households", {"region": places.village_b1}).json()["count"] == 1


@pytest.mark.parametrize(("params", "field"), [({"region": "x"}, "region"), ({"limit": 501}, "limit")])
def test_list_refuses_bad_filters(api_as, places, params, field):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert_field_errors(client.get_json("/households", params), field)


def test_create_household(api_as, places):
    client = api_as(Role.VILLAGE_BROKER, places.village_a1)
    response = client.call("POST", "/households", {"region_code": places.village_a1, "address": "5组8号"})
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["region_code"], out["address"], out["members"], out["head"]) == (
        places.village_a1,
        "5组8号",
        [],
        None,
    )
    assert ChangeLog.objects.filter(target_type="people.household", target_id=str(out["id"])).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "region_code"),
        ({"region_code": "@village_b"}, "region_code"),
        ({"region_code": "@township"}, "region_code"),
        ({"region_code": "@village", "address": "<b>"}, "address"),
        ({"region_code": "@village", "address": "x" * 201}, "address"),
        ({"region_code": "@village", "head": 1}, "head"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(api_as, places, body, field):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    values = {"@village": places.village_a1, "@village_b": places.village_b1, "@township": places.township_a}
    body = {k: values.get(v, v) for k, v in body.items()}
    before = Household.objects.count()
    assert_field_errors(client.call("POST", "/households", body), field)
    assert Household.objects.count() == before


def test_detail_lists_members_masked(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    out = client.get_json(f"/households/{registry.household_a.pk}").json()
    assert [m["id"] for m in out["members"]] == [registry.person_a.pk]
    assert "*" in out["members"][0]["id_number_masked"]
    assert "id_number_encrypted" not in str(out)


def test_adding_a_member_moves_them_into_the_households_village(api_as, places, registry):
    # A county officer puts a person of township B into a household of township A: the person moves with
    # the household (members are registered in the household's village), so A now serves them and B does not.
    client = api_as(Role.COUNTY_OFFICER, places.county)
    body = {"person": registry.person_b.pk, "relation_to_head": "20"}
    unconfirmed = client.call("POST", f"/households/{registry.household_a.pk}/members", body)
    assert unconfirmed.status_code == 422
    [problem] = unconfirmed.json()["detail"]
    assert problem["field"] == "confirm_move"
    assert f"户 {registry.household_b.pk}" in problem["message"]  # names the household they would leave
    registry.person_b.refresh_from_db()
    assert registry.person_b.household_id == registry.household_b.pk  # nothing moved yet
    body["confirm_move"] = True
    assert client.call("POST", f"/households/{registry.household_a.pk}/members", body).status_code == 201
    registry.person_b.refresh_from_db()
    assert registry.person_b.region_code == registry.household_a.region_code
    township_a = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    out = township_a.get_json(f"/households/{registry.household_a.pk}").json()
    assert registry.person_b.pk in [m["id"] for m in out["members"]]
    township_b = api_as(Role.TOWNSHIP_OFFICER, places.township_b)
    assert township_b.get_json(f"/persons/{registry.person_b.pk}").status_code == 404


def test_a_member_cannot_be_moved_out_of_the_households_village(api_as, places, registry):
    client = api_as(Role.COUNTY_OFFICER, places.county)
    response = client.call("PATCH", f"/persons/{registry.person_a.pk}", {"region_code": places.village_b1})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "region_code"
    registry.person_a.refresh_from_db()
    assert registry.person_a.region_code == registry.household_a.region_code


@pytest.mark.parametrize("method", ["GET", "PATCH"])
def test_sibling_townships_household_is_404(api_as, places, registry, method):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.call(
        method, f"/households/{registry.household_b.pk}", {"address": "改了"} if method == "PATCH" else None
    )
    assert response.status_code == 404
    registry.household_b.refresh_from_db()
    assert registry.household_b.address == "B1村1组"


def test_patch_changes_only_the_given_fields(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.call("PATCH", f"/households/{registry.household_a.pk}", {"address": "A1村4组"})
    assert response.status_code == 200, response.content
    registry.household_a.refresh_from_db()
    assert registry.household_a.address == "A1村4组"
    assert registry.household_a.head_id == registry.person_a.pk
    assert registry.household_a.region_code == places.village_a1


def test_patch_moves_the_household_and_clears_the_head(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    body = {"region_code": places.village_a2, "head": None}
    response = client.call("PATCH", f"/households/{registry.household_a.pk}", body)
    assert response.status_code == 200, response.content
    assert (response.json()["region_code"], response.json()["head"]) == (places.village_a2, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"region_code": "@village_b"}, "region_code"),
        ({"region_code": ""}, "region_code"),
        ({"head": "@person_a2"}, "head"),  # not a member
        ({"head": "@person_b"}, "head"),  # outside the jurisdiction
        ({"head": 0}, "head"),
        ({"address": "<i>"}, "address"),
        ({"members": []}, "members"),
    ],
)
def test_patch_refuses_bad_input_and_changes_nothing(api_as, places, registry, body, field):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    values = {
        "@village_b": places.village_b1,
        "@person_a2": registry.person_a2.pk,
        "@person_b": registry.person_b.pk,
    }
    body = {k: values.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    household = registry.household_a
    before = Household.objects.filter(pk=household.pk).values().get()
    changes = ChangeLog.objects.count()
    assert_field_errors(client.call("PATCH", f"/households/{household.pk}", body), field)
    assert Household.objects.filter(pk=household.pk).values().get() == before
    assert ChangeLog.objects.count() == changes


def test_add_member(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    body = {"person": registry.person_a2.pk, "relation_to_head": "10"}
    response = client.call("POST", f"/households/{registry.household_a.pk}/members", body)
    assert response.status_code == 201, response.content
    assert {m["id"] for m in response.json()["members"]} == {registry.person_a.pk, registry.person_a2.pk}
    registry.person_a2.refresh_from_db()
    assert (registry.person_a2.household_id, registry.person_a2.relation_to_head) == (
        registry.household_a.pk,
        "10",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"person": "@person_b", "relation_to_head": "10"}, "person"),
        ({"person": "@person_a2", "relation_to_head": "01"}, "relation_to_head"),  # already has a head
        ({"person": "@person_a2", "relation_to_head": ""}, "relation_to_head"),
        ({"person": "@person_a2"}, "relation_to_head"),
        ({"relation_to_head": "10"}, "person"),
        ({"person": 9876543, "relation_to_head": "10"}, "person"),
    ],
)
def test_add_member_refuses_bad_input_and_writes_nothing(api_as, places, registry, body, field):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    values = {"@person_b": registry.person_b.pk, "@person_a2": registry.person_a2.pk}
    body = {k: values.get(v, v) for k, v in body.items()}
    before = list(Person.objects.order_by("pk").values_list("household_id", "relation_to_head"))
    changes = ChangeLog.objects.count()
    assert_field_errors(client.call("POST", f"/households/{registry.household_a.pk}/members", body), field)
    assert list(Person.objects.order_by("pk").values_list("household_id", "relation_to_head")) == before
    assert ChangeLog.objects.count() == changes


def test_add_member_to_a_sibling_townships_household_is_404(api_as, places, registry):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    body = {"person": registry.person_a2.pk, "relation_to_head": "10"}
    assert client.call("POST", f"/households/{registry.household_b.pk}/members", body).status_code == 404
    registry.person_a2.refresh_from_db()
    assert registry.person_a2.household_id is None


@pytest.mark.parametrize(
    ("method", "path", "role"),
    [
        ("GET", "/households", Role.ADMINISTRATOR),
        ("POST", "/households", Role.MANAGER),
        ("PATCH", "/households/{a}", Role.SPECIALIST),
        ("POST", "/households/{a}/members", Role.AUDITOR),
    ],
)
def test_household_endpoints_check_permissions(api_as, places, registry, method, path, role):
    client = api_as(role, places.county)
    body = {"region_code": places.village_a1} if method == "POST" else {}
    response = client.call(method, path.format(a=registry.household_a.pk), body)
    assert response.status_code == 403


def test_the_head_of_one_household_can_become_head_of_another(api_as, places, registry):
    client = api_as(Role.COUNTY_OFFICER, places.county)
    household = client.call("POST", "/households", {"region_code": places.village_a2}).json()
    body = {"person": registry.person_a.pk, "relation_to_head": "01"}
    response = client.call("POST", f"/households/{household['id']}/members", {**body, "confirm_move": True})
    assert response.status_code == 201
    registry.household_a.refresh_from_db()
    assert registry.household_a.head_id is None


def test_a_head_registered_outside_the_jurisdiction_is_not_shown(api_as, places, registry):
    # Services keep members in the household's village; rows from before that rule (or a raw import) may not.
    from openpes.people.models import Person

    Person.objects.filter(pk=registry.person_a.pk).update(region_code=places.village_b1)
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    detail = client.get_json(f"/households/{registry.household_a.pk}").json()
    listed = client.get_json("/households").json()["items"][0]
    for out in (detail, listed):
        assert (out["head"], out["head_name"]) == (None, "")
    assert detail["members"] == []
    county = api_as(Role.COUNTY_OFFICER, places.county)
    assert county.get_json(f"/households/{registry.household_a.pk}").json()["head_name"] == "王芳"
