"""Household pages: moving a household with its members, the member picker and its confirmation, removing a
member, closing an empty household; what is shown of a household stays inside the jurisdiction."""

from __future__ import annotations

import pytest

from openpes.accounts.roles import Role
from openpes.people.models import Household, Person, Relation
from openpes.people.services import household_add_member, household_create, household_remove_member
from tests.pages.conftest import assert_no_full_identifiers, text_of


def snapshot() -> list[tuple[int, int | None, str, str]]:
    return sorted(Person.objects.values_list("pk", "household_id", "region_code", "relation_to_head"))


@pytest.fixture
def homes(places, make_staff, make_person):
    """户 a1 (王芳 head, 李强 spouse) in village A1; 张伟 heads 户 a2 in village A2; 赵敏 of township B."""
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    a1 = household_create(actor=county, region_code=places.village_a1, address="一组")
    a2 = household_create(actor=county, region_code=places.village_a2, address="二组")
    people = {
        "王芳": make_person(county, places.village_a1, name="王芳"),
        "李强": make_person(county, places.village_a1, name="李强"),
        "张伟": make_person(county, places.village_a2, name="张伟"),
        "赵敏": make_person(county, places.village_b1, name="赵敏"),
    }
    household_add_member(actor=county, household=a1, person=people["王芳"], relation=Relation.HEAD)
    household_add_member(actor=county, household=a1, person=people["李强"], relation=Relation.SPOUSE)
    household_add_member(actor=county, household=a2, person=people["张伟"], relation=Relation.HEAD)
    return {"a1": a1, "a2": a2, "county": county, **people}


def test_moving_a_household_on_its_edit_page_takes_the_members_along(places, homes, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    url = f"/households/{homes['a1'].pk}/edit/"
    assert "本户 2 名成员一同迁入" in text_of(client.get(url))
    response = client.post(
        url, {"region_code": places.village_a2, "address": "新址", "head": str(homes["王芳"].pk)}
    )
    assert response.status_code == 302
    moved = Person.objects.filter(household=homes["a1"]).values_list("region_code", flat=True)
    assert set(moved) == {places.village_a2}


def test_a_township_officer_cannot_move_a_household_to_another_township(places, homes, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    before = snapshot()
    text = text_of(
        client.post(
            f"/households/{homes['a1'].pk}/edit/",
            {"region_code": places.village_b1, "address": "一组", "head": str(homes["王芳"].pk)},
        )
    )
    assert "不在可选范围内" in text or "不在您的辖区内" in text
    assert snapshot() == before


def test_counts_and_head_names_shown_are_those_of_the_jurisdiction(places, homes, login_as):
    # A head registered outside the township (rows written around the services) is neither named nor
    # counted, and saving the edit form keeps them as head instead of clearing it.
    Person.objects.filter(pk=homes["王芳"].pk).update(region_code=places.village_b1)
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    listing = text_of(client.get("/households/"))
    detail = text_of(client.get(f"/households/{homes['a1'].pk}/"))
    for text in (listing, detail):
        assert "王芳" not in text
    assert "户主登记在您的辖区以外" in text_of(client.get(f"/households/{homes['a1'].pk}/edit/"))
    response = client.post(
        f"/households/{homes['a1'].pk}/edit/",
        {"region_code": places.village_a1, "address": "新址", "head": ""},
    )
    assert response.status_code == 302
    assert Household.objects.get(pk=homes["a1"].pk).head_id == homes["王芳"].pk


def test_the_picker_finds_people_of_the_jurisdiction_by_name_masked(places, homes, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    url = f"/households/{homes['a1'].pk}/members/candidates/"
    text = text_of(client.post(url, {"q": "张"}, headers={"HX-Request": "true"}))
    assert (
        "张伟" in text
        and f"现属户 {homes['a2'].pk}（户主）" in text
        and homes["张伟"].id_number_masked in text
    )
    assert_no_full_identifiers(text)
    assert "赵敏" not in text_of(client.post(url, {"q": "赵"}))  # township B
    assert "王芳" not in text_of(client.post(url, {"q": "王"}))  # already a member here
    assert client.get(url).status_code == 405  # a search may hold an ID number: never in a URL


def test_taking_someone_from_another_household_asks_first_naming_it(places, homes, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    url = f"/households/{homes['a1'].pk}/members/add/"
    found = text_of(client.post(url, {"q": "张伟", "find": "1", "relation": "20"}))
    assert f'value="{homes["张伟"].pk}"' in found
    before = snapshot()
    data = {"q": "张伟", "person": str(homes["张伟"].pk), "relation": "70"}
    asked = text_of(client.post(url, data))
    assert f"户 {homes['a2'].pk}" in asked and "户主 张伟" in asked and "确认把此人从原家庭移出" in asked
    assert snapshot() == before
    response = client.post(url, {**data, "confirm_move": "on"}, follow=True)
    homes["张伟"].refresh_from_db()
    assert (homes["张伟"].household_id, homes["张伟"].region_code) == (homes["a1"].pk, places.village_a1)
    assert f"户 {homes['a2'].pk} 已没有成员" in text_of(response)


def test_the_old_household_is_asked_for_a_new_head(places, homes, login_as, make_person):
    household_add_member(
        actor=homes["county"],
        household=homes["a2"],
        person=make_person(homes["county"], places.village_a2),
        relation="20",
    )
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    url = f"/households/{homes['a1'].pk}/members/add/"
    data = {"q": "张伟", "person": str(homes["张伟"].pk), "relation": "70", "confirm_move": "on"}
    response = client.post(url, data, follow=True)
    assert f"户 {homes['a2'].pk} 现在没有户主" in text_of(response)
    assert "本户现在没有户主" in text_of(client.get(f"/households/{homes['a2'].pk}/"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"q": "张伟", "relation": "20"}, "请先查找并选择要加入的人员"),
        ({"q": "", "person": "999999", "relation": "20"}, "所选人员不存在或不在您的辖区内"),
        ({"q": "赵", "person": "@赵敏", "relation": "20"}, "所选人员不存在或不在您的辖区内"),
        ({"q": "张伟", "person": "@张伟", "relation": "77"}, "不在可选范围内"),
        ({"q": "张伟", "person": "@张伟", "relation": "01", "confirm_move": "on"}, "本户已有户主"),
    ],
)
def test_add_member_bad_input_writes_nothing(places, homes, login_as, data, message):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    if str(data.get("person", "")).startswith("@"):
        data = {**data, "person": str(homes[data["person"][1:]].pk)}
    before = snapshot()
    assert message in text_of(client.post(f"/households/{homes['a1'].pk}/members/add/", data))
    assert snapshot() == before


def test_removing_a_member_needs_a_reason_and_gives_them_their_own_household(places, homes, login_as):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    url = f"/households/{homes['a1'].pk}/members/{homes['李强'].pk}/remove/"
    assert "自立一户" in text_of(client.get(url))
    before = snapshot()
    assert "请" in text_of(client.post(url, {"reason": ""}))
    assert snapshot() == before
    response = client.post(url, {"reason": "离婚分户"}, follow=True)
    homes["李强"].refresh_from_db()
    own = Household.objects.get(pk=homes["李强"].household_id)
    assert own.pk != homes["a1"].pk and own.head_id == homes["李强"].pk
    assert f"自立一户（户 {own.pk}）" in text_of(response)
    # Someone who is not a member of that household: no such page.
    assert client.get(f"/households/{homes['a1'].pk}/members/{homes['李强'].pk}/remove/").status_code == 404


def test_an_empty_household_is_closed_with_a_reason_and_listed_apart(places, homes, login_as):
    county = homes["county"]
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    a1 = homes["a1"]
    assert "须先移出全部成员" in text_of(client.post(f"/households/{a1.pk}/close/", {"reason": "全户迁出"}))
    for name in ("王芳", "李强"):
        household_remove_member(actor=county, household=a1, person=homes[name], reason="分户")
    assert "注销本户" in text_of(client.get(f"/households/{a1.pk}/"))
    assert client.post(f"/households/{a1.pk}/close/", {"reason": "全户分户"}).status_code == 302
    detail = text_of(client.get(f"/households/{a1.pk}/"))
    assert "已注销" in detail and "全户分户" in detail and "添加成员" not in detail
    assert f"/households/{a1.pk}/" not in text_of(client.get("/households/"))
    assert f"/households/{a1.pk}/" in text_of(client.get("/households/", {"status": "closed"}))
    data = {"q": "张伟", "person": str(homes["张伟"].pk), "relation": "20", "confirm_move": "on"}
    assert "该户已注销" in text_of(client.post(f"/households/{a1.pk}/members/add/", data))


@pytest.mark.parametrize(
    "url",
    [
        "/households/{a1}/members/candidates/",
        "/households/{a1}/members/{wang}/remove/",
        "/households/{a1}/close/",
    ],
)
def test_the_new_household_pages_of_a_sibling_township_are_404(places, homes, login_as, url):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_b)
    path = url.format(a1=homes["a1"].pk, wang=homes["王芳"].pk)
    assert client.post(path, {"q": "王", "reason": "迁出"}).status_code == 404
    assert Household.objects.get(pk=homes["a1"].pk).closed_at is None
