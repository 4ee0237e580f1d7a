"""/api/v1/regions and /api/v1/me."""

from __future__ import annotations

import pytest

from openpes.accounts.roles import Role
from tests.api.conftest import assert_field_errors

pytestmark = pytest.mark.django_db


def test_regions_default_to_the_children_of_the_jurisdiction(api_as, places):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    regions = client.get_json("/regions").json()
    codes = {r["code"] for r in regions}
    assert {places.village_a1, places.village_a2} <= codes
    assert all(r["parent_code"] == places.township_a and r["level"] == 5 for r in regions)
    assert regions[0]["level_label"] == "村（社区）"


def test_regions_children_of_a_code_inside_the_jurisdiction(api_as, places):
    client = api_as(Role.COUNTY_OFFICER, places.county)
    codes = {r["code"] for r in client.get_json("/regions", {"parent": places.township_b}).json()}
    assert places.village_b1 in codes


@pytest.mark.parametrize("parent", ["township_b", "village_b1", "county"])
def test_regions_outside_the_jurisdiction_are_404(api_as, places, parent):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert client.get_json("/regions", {"parent": getattr(places, parent)}).status_code == 404


def test_region_detail_with_its_path(api_as, places):
    client = api_as(Role.VILLAGE_BROKER, places.village_a1)
    out = client.get_json(f"/regions/{places.village_a1}").json()
    assert out["code"] == places.village_a1
    assert [r["level"] for r in out["path"]] == [1, 2, 3, 4, 5]
    assert out["path"][-1]["code"] == places.village_a1


@pytest.mark.parametrize("code", ["village_a2", "township_b", "village_b1", "township_a"])
def test_region_detail_outside_the_jurisdiction_is_404(api_as, places, code):
    client = api_as(Role.VILLAGE_BROKER, places.village_a1)
    assert client.get_json(f"/regions/{getattr(places, code)}").status_code == 404


def test_region_detail_of_an_unknown_code_is_404(api_as, places):
    client = api_as(Role.COUNTY_OFFICER, places.county)
    assert client.get_json("/regions/430527999999").status_code == 404


@pytest.mark.parametrize("code", ["4305", "43052710000x", "４３０５２７１００００１"])
def test_region_codes_must_be_twelve_ascii_digits(api_as, places, code):
    client = api_as(Role.COUNTY_OFFICER, places.county)
    assert_field_errors(client.get_json(f"/regions/{code}"), "code")
    assert_field_errors(client.get_json("/regions", {"parent": code}), "parent")


def test_regions_are_open_to_auditors_but_not_to_anonymous(api_as, places, client):
    assert api_as(Role.AUDITOR, places.county).get_json("/regions").status_code == 200
    assert client.get("/api/v1/regions").status_code == 401


def test_me_describes_the_caller(api_as, places):
    client = api_as(Role.VILLAGE_BROKER, places.village_a1)
    me = client.get_json("/me").json()
    assert me["username"] == client.staff.username
    assert me["full_name"] == "测试员"
    assert me["jurisdiction"] == {
        "code": places.village_a1,
        "name": client.staff.jurisdiction.name,
        "level": 5,
        "level_label": "村（社区）",
        "parent_code": places.township_a,
    }
    assert me["roles"] == [{"code": "village_broker", "label": "村级劳务经纪人"}]
    assert "people.reveal_personal_data" in me["permissions"]


def test_me_of_an_administrator_lists_no_registry_permission(api_as, places):
    me = api_as(Role.ADMINISTRATOR, places.county).get_json("/me").json()
    assert not [p for p in me["permissions"] if p.startswith("people.")]
