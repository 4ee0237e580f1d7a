"""The employment endpoints: the same rules as the pages, the same jurisdiction, the one error shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from openpes.accounts.roles import Role
from openpes.employment import services as employment
from openpes.employment.models import Registration
from tests.api.conftest import ApiClient, Registry, assert_field_errors

pytestmark = pytest.mark.django_db


def register_unemployed(client: ApiClient, person_id: int, **extra: Any) -> Any:
    return client.call(
        "POST",
        "/employment/registrations/unemployment",
        {"person": person_id, "basis": "residence", "reason": "dismissed", **extra},
    )


def test_an_officer_registers_a_person_as_unemployed(
    api_as: Callable[..., ApiClient], registry: Registry, places: Any
) -> None:
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    # 李强 belongs to no household, so no zero-employment household raises his tier
    response = register_unemployed(client, registry.person_a2.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "unemployment" and body["certificate_no"].startswith("430527")
    assert body["person"]["name"] == "李强" and "*" in body["person"]["id_number_masked"]
    assert "birth" not in str(body)  # the age, never the birth date, beside a masked number
    assert body["tier"] == "C" and body["next_contact_due"]
    listed = client.get_json("/employment/registrations").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]


def test_a_second_registration_is_a_422_with_the_reason(
    api_as: Callable[..., ApiClient], registry: Registry, places: Any
) -> None:
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    register_unemployed(client, registry.person_a.pk)
    detail = assert_field_errors(register_unemployed(client, registry.person_a.pk), "person")
    assert "已有未注销的失业登记" in detail[0]["message"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"basis": "moon"}, "basis"),
        ({"reason": ""}, "reason"),
        ({"on": "2999-01-01"}, "on"),
        ({"colour": "red"}, "colour"),
        ({"person": 0}, "person"),
    ],
)
def test_bad_registrations_are_refused_and_write_nothing(
    api_as: Callable[..., ApiClient], registry: Registry, places: Any, payload: dict[str, Any], field: str
) -> None:
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert_field_errors(register_unemployed(client, registry.person_a.pk, **payload), field)
    assert not Registration.objects.exists()


def test_another_township_neither_registers_nor_sees_the_person(
    api_as: Callable[..., ApiClient], registry: Registry, places: Any
) -> None:
    own = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    registration = register_unemployed(own, registry.person_a.pk).json()
    stranger = api_as(Role.TOWNSHIP_OFFICER, places.township_b)
    detail = assert_field_errors(register_unemployed(stranger, registry.person_a.pk), "person")
    assert detail[0]["message"] == "所选劳动者不存在或不在您的辖区内"
    assert stranger.get_json(f"/employment/registrations/{registration['id']}").status_code == 404
    assert stranger.get_json(f"/persons/{registry.person_a.pk}/employment").status_code == 404
    assert stranger.get_json("/employment/registrations").json()["count"] == 0
    assert (
        stranger.call(
            "POST", f"/employment/registrations/{registration['id']}/cancel", {"reason": "误登记"}
        ).status_code
        == 404
    )
    assert stranger.get_json("/employment/summary").json()["registered_unemployed"] == 0


def test_a_broker_may_read_but_not_register(
    api_as: Callable[..., ApiClient], registry: Registry, places: Any
) -> None:
    broker = api_as(Role.VILLAGE_BROKER, places.village_a1)
    assert register_unemployed(broker, registry.person_a.pk).status_code == 403
    assert broker.get_json("/employment/registrations").status_code == 200
    auditor = api_as(Role.AUDITOR, places.county)
    assert auditor.get_json("/employment/registrations").status_code == 403


def test_finding_a_job_contacts_and_the_person_view(
    api_as: Callable[..., ApiClient], registry: Registry, places: Any
) -> None:
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    registration = register_unemployed(client, registry.person_a.pk).json()
    contact = client.call(
        "POST",
        f"/employment/registrations/{registration['id']}/contacts",
        {"channel": "visit", "note": "上门送岗位信息"},
    )
    assert contact.status_code == 201, contact.content
    job = client.call(
        "POST",
        "/employment/registrations/employment",
        {"person": registry.person_a.pk, "basis": "residence", "form": "flexible", "by_declaration": True},
    )
    assert job.status_code == 201, job.content
    view = client.get_json(f"/persons/{registry.person_a.pk}/employment").json()
    assert view["profile"]["labour_status"] == "employed"
    assert [e["kind"] for e in view["timeline"]] == ["employment_registered", "unemployment_registered"]
    closed = next(r for r in view["registrations"] if r["kind"] == "unemployment")
    assert closed["close_kind"] == "found_job" and closed["last_contact_on"]
    overturned = client.call(
        "POST", f"/employment/registrations/{job.json()['id']}/overturn", {"finding": "核查未从事该工作"}
    )
    assert overturned.status_code == 200 and overturned.json()["close_kind"] == "declaration_overturned"


def test_status_changes_and_facts(api_as: Callable[..., ApiClient], registry: Registry, places: Any) -> None:
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    register_unemployed(client, registry.person_a2.pk)
    facts = client.call("PATCH", f"/persons/{registry.person_a2.pk}/employment-facts", {"disabled": True})
    assert facts.status_code == 200 and facts.json()["disabled"] is True
    groups = client.get_json("/employment/key-groups", {"group": "hard_to_employ"}).json()
    assert groups["count"] == 1 and groups["items"][0]["evidence"] == "残疾人：持有残疾人证"
    assert_field_errors(
        client.call("POST", f"/persons/{registry.person_a2.pk}/status-changes", {"kind": "found_job"}), "kind"
    )
    moved = client.call(
        "POST", f"/persons/{registry.person_a2.pk}/status-changes", {"kind": "enlisted", "note": "应征入伍"}
    )
    assert moved.status_code == 201 and moved.json()["kind_label"] == "应征入伍"
    assert client.get_json("/employment/summary").json()["registered_unemployed"] == 0


def test_zero_employment_households_are_listed_with_days_since_found(
    api_as: Callable[..., ApiClient], registry: Registry, places: Any
) -> None:
    employment.unemployment_register(
        actor=registry.county, person=registry.person_a, basis="residence", reason="dismissed"
    )
    county = api_as(Role.COUNTY_OFFICER, places.county)
    listed = county.get_json("/employment/zero-employment-households").json()
    assert listed["count"] == 1
    row = listed["items"][0]
    assert (
        row["household"] == registry.household_a.pk
        and row["head_name"] == "王芳"
        and row["days_since_found"] == 0
    )
    stranger = api_as(Role.TOWNSHIP_OFFICER, places.township_b)
    assert stranger.get_json("/employment/zero-employment-households").json()["count"] == 0
    summary = county.get_json("/employment/summary").json()
    assert summary["zero_households_open"] == 1 and summary["zero_households_found_this_month"] == 1
