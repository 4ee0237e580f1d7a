"""The village picker: one grouped select up to a county; above (city, province) one select per level,
each fetched from /regions/picker/ as the level above is chosen."""

from __future__ import annotations

import re

import pytest

from openpes.accounts.roles import Role
from openpes.people.models import Person
from openpes.regions.models import Region
from tests.factories import make_id_number
from tests.pages.conftest import text_of

pytestmark = pytest.mark.django_db
CITY = "430500000000"  # 邵阳市, the Suining county's city (loaded as its ancestor)


def selects(html: str) -> dict[str, str]:
    """name → the select's HTML."""
    return {m[1]: m[0] for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>.*?</select>', html, re.S)}


def test_up_to_a_county_the_villages_are_one_select_grouped_by_township(places, login_as):
    text = text_of(login_as(Role.COUNTY_OFFICER, places.county).get("/persons/new/"))
    picker = selects(text)["region_code"]
    assert "<optgroup" in picker and places.village_b1 in picker
    assert "region_code_parent" not in text


def test_a_city_officer_picks_county_then_township_then_village(places, login_as):
    client = login_as(Role.COUNTY_OFFICER, CITY)
    form = selects(text_of(client.get("/persons/new/")))
    assert "region_code" not in form  # no village until the levels above are chosen
    first = form["region_code_parent"]
    assert places.county in first and 'hx-get="/regions/picker/?field=region_code"' in first
    assert 'id="id_region_code"' in first  # the field's label points at the first select

    townships = client.get("/regions/picker/", {"field": "region_code", "region_code_parent": places.county})
    assert townships.status_code == 200
    step = selects(text_of(townships))
    assert (
        places.township_a in step["region_code_parent"]
        and places.village_a1 not in step["region_code_parent"]
    )

    villages = client.get(
        "/regions/picker/", {"field": "region_code", "region_code_parent": places.township_a}
    )
    last = selects(text_of(villages))["region_code"]
    assert places.village_a1 in last and places.village_a2 in last and places.village_b1 not in last
    assert "required" in last

    response = client.post(
        "/persons/new/", {"name": "王城", "id_number": make_id_number(), "region_code": places.village_a1}
    )
    assert response.status_code == 302
    assert Person.objects.get(name="王城").region_code == places.village_a1


def test_the_edit_form_of_a_city_officer_shows_the_whole_chain_chosen(
    places, login_as, make_staff, make_person
):
    person = make_person(make_staff(Role.COUNTY_OFFICER, places.county), places.village_b1)
    text = text_of(login_as(Role.COUNTY_OFFICER, CITY).get(f"/persons/{person.pk}/edit/"))
    for code in (places.county, places.township_b, places.village_b1):
        assert f'value="{code}" selected' in text


def test_a_city_officer_posting_no_village_gets_a_message_and_nothing_is_written(places, login_as):
    client = login_as(Role.COUNTY_OFFICER, CITY)
    response = client.post(
        "/persons/new/", {"name": "王城", "id_number": make_id_number(), "region_code_parent": places.county}
    )
    assert response.status_code == 200
    assert "invalid-feedback" in text_of(response)
    assert not Person.objects.filter(name="王城").exists()


def test_a_city_officer_posting_a_township_as_the_village_is_refused(places, login_as):
    client = login_as(Role.COUNTY_OFFICER, CITY)
    response = client.post(
        "/persons/new/", {"name": "王城", "id_number": make_id_number(), "region_code": places.township_a}
    )
    assert "请选择到村（社区）一级" in text_of(response)
    assert not Person.objects.filter(name="王城").exists()


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"field": "region_code", "region_code_parent": "township_b"}, 404),  # the sibling township
        ({"field": "region_code", "region_code_parent": "village_a1"}, 404),  # nothing below a village
        ({"field": "region_code", "region_code_parent": "999999000000"}, 404),
        ({"field": "<script>", "<script>_parent": "township_a"}, 404),
        ({"field": "region_code\n", "region_code\n_parent": "township_a"}, 404),
        ({"field": "region_code", "region_code_parent": ""}, 200),  # "please choose": nothing below
    ],
)
def test_the_picker_answers_only_inside_the_jurisdiction(places, login_as, params, status):
    params = {k: getattr(places, v, v) for k, v in params.items()}
    response = login_as(Role.TOWNSHIP_OFFICER, places.township_a).get("/regions/picker/", params)
    assert response.status_code == status
    if status == 200:
        assert response.content == b""


def test_the_picker_needs_a_signed_in_staff_member(client, places):
    response = client.get("/regions/picker/", {"field": "region_code", "region_code_parent": places.county})
    assert response.status_code == 302


def test_retired_regions_are_not_offered(places, login_as):
    Region.objects.filter(code=places.village_a2).update(retired=True)
    text = text_of(
        login_as(Role.COUNTY_OFFICER, CITY).get(
            "/regions/picker/", {"field": "region_code", "region_code_parent": places.township_a}
        )
    )
    assert places.village_a1 in text and places.village_a2 not in text
