"""Employment pages: registering, status changes, contacts and facts through the forms; the lists and the
figures an office reports; what another township sees (nothing)."""

from __future__ import annotations

import datetime as dt

import pytest

from openpes.accounts.roles import Role
from openpes.employment import services as employment
from openpes.employment.models import Contact, EmploymentProfile, Registration
from openpes.people.models import Relation
from openpes.people.services import household_add_member, household_create
from tests.pages.conftest import assert_no_full_identifiers, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(places, make_staff, make_person):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    home = household_create(actor=county, region_code=places.village_a1, address="一组")
    wang = make_person(county, places.village_a1, name="王芳")
    household_add_member(actor=county, household=home, person=wang, relation=Relation.HEAD)
    li = make_person(county, places.village_a2, name="李强")
    zhao = make_person(county, places.village_b1, name="赵敏")
    wang.refresh_from_db()
    return {"county": county, "home": home, "王芳": wang, "李强": li, "赵敏": zhao}


def test_an_officer_registers_a_person_as_unemployed_on_the_form(places, town, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    person = town["李强"]
    page = text_of(client.get(f"/employment/persons/{person.pk}/"))
    assert "还没有就业或失业登记" in page and "失业登记" in page
    form = f"/employment/persons/{person.pk}/unemployment/"
    assert "登记地" in text_of(client.get(form))
    response = client.post(form, {"basis": "residence", "reason": "contract_ended"})
    assert response.status_code == 302 and response["Location"] == f"/employment/persons/{person.pk}/"
    page = text_of(client.get(response["Location"]))
    assert "已为 李强 办理失业登记" in page
    assert "劳动合同期满" in page and "C类" in page
    assert Registration.objects.get(person=person).certificate_no in page
    assert_no_full_identifiers(page)


def test_a_refused_registration_says_why_in_chinese_and_writes_nothing(places, town, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    person = town["李强"]
    employment.unemployment_register(
        actor=town["county"], person=person, basis="residence", reason="dismissed"
    )
    response = client.post(
        f"/employment/persons/{person.pk}/unemployment/", {"basis": "residence", "reason": "dismissed"}
    )
    assert response.status_code == 200
    assert "已有未注销的失业登记" in text_of(response)
    empty = client.post(f"/employment/persons/{person.pk}/employment/", {})
    assert "请选择登记地" in text_of(empty) and "请选择就业形式" in text_of(empty)
    bad_date = client.post(
        f"/employment/persons/{person.pk}/employment/",
        {"basis": "residence", "form": "flexible", "on": "2026-13-40"},
    )
    assert "登记日期应为日期" in text_of(bad_date)
    assert Registration.objects.count() == 1


def test_another_township_gets_404_on_every_employment_page(places, town, login_as):
    registration = employment.unemployment_register(
        actor=town["county"], person=town["李强"], basis="residence", reason="dismissed"
    )
    stranger = login_as(Role.TOWNSHIP_OFFICER, places.township_b)
    pk = town["李强"].pk
    for url in (
        f"/employment/persons/{pk}/",
        f"/employment/persons/{pk}/unemployment/",
        f"/employment/persons/{pk}/employment/",
        f"/employment/persons/{pk}/status/",
        f"/employment/persons/{pk}/facts/",
        f"/employment/registrations/{registration.pk}/cancel/",
        f"/employment/registrations/{registration.pk}/contact/",
        f"/employment/registrations/{registration.pk}/overturn/",
    ):
        assert stranger.get(url).status_code == 404, url
        assert (
            stranger.post(url, {"reason": "误登记", "channel": "phone", "kind": "died"}).status_code == 404
        ), url
    assert Registration.objects.get().closed_on is None
    assert "李强" not in text_of(stranger.get("/employment/registrations/"))


def test_a_broker_sees_but_cannot_register(places, town, login_as):
    broker = login_as(Role.VILLAGE_BROKER, places.village_a2)
    pk = town["李强"].pk
    assert broker.get(f"/employment/persons/{pk}/").status_code == 200
    assert broker.get(f"/employment/persons/{pk}/unemployment/").status_code == 403
    assert broker.get(f"/employment/persons/{pk}/facts/").status_code == 200


def test_contact_facts_and_status_change_through_the_pages(places, town, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    person = town["李强"]
    registration = employment.unemployment_register(
        actor=town["county"], person=person, basis="residence", reason="dismissed"
    )
    assert (
        client.post(
            f"/employment/registrations/{registration.pk}/contact/", {"channel": "phone", "note": "电话回访"}
        ).status_code
        == 302
    )
    assert Contact.objects.get().note == "电话回访"
    facts = client.post(f"/employment/persons/{person.pk}/facts/", {"able_to_work": "on", "disabled": "on"})
    assert facts.status_code == 302
    page = text_of(client.get(f"/employment/persons/{person.pk}/"))
    assert "就业困难人员" in page and "持有残疾人证" in page and "A类" in page
    change = client.post(f"/employment/persons/{person.pk}/status/", {"kind": "retired", "note": "办理退休"})
    assert change.status_code == 302
    assert EmploymentProfile.objects.get(person=person).labour_status == "retired"


def test_the_figures_link_to_their_lists_and_the_dashboard_loads_them(places, town, login_as):
    employment.unemployment_register(
        actor=town["county"], person=town["王芳"], basis="residence", reason="dismissed"
    )
    client = login_as(Role.COUNTY_OFFICER, places.county)
    overview = text_of(client.get("/employment/"))
    assert 'data-figure="registered_unemployed">1<' in overview
    assert (
        'data-figure="zero_households_open">1<' in overview
    )  # 王芳's household: its only worker is out of work
    assert 'id="zero-by-township"' in overview
    dashboard = text_of(client.get("/"))
    assert 'hx-get="/employment/panel/"' in dashboard
    panel = text_of(client.get("/employment/panel/"))
    assert 'data-figure="registered_unemployed">1<' in panel
    zero = text_of(client.get("/employment/zero-households/"))
    assert "已认定 0 天" in zero and "户主 王芳" in zero
    groups = text_of(client.get("/employment/key-groups/?group=hard_to_employ"))
    assert "零就业家庭成员" in groups
    listed = text_of(client.get("/employment/registrations/?state=open"))
    assert "王芳" in listed
    assert_no_full_identifiers(listed)


def test_overdue_contacts_show_on_the_officers_own_list(places, town, login_as, make_staff):
    officer = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    registration = employment.unemployment_register(
        actor=officer,
        person=town["李强"],
        basis="residence",
        reason="dismissed",
        on=dt.date.today() - dt.timedelta(days=100),
    )
    assert registration.next_contact_due < dt.date.today()
    client = login_as(staff=officer)
    panel = text_of(client.get("/employment/panel/"))
    assert 'id="my-overdue"' in panel and "李强" in panel
    overdue = text_of(client.get("/employment/registrations/?state=overdue"))
    assert "李强" in overdue
    other = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert "没有超期未联系的人员" in text_of(other.get("/employment/panel/"))


def test_a_county_officer_sets_the_rule_parameters_and_groups_follow(places, town, login_as):
    employment.unemployment_register(
        actor=town["county"], person=town["李强"], basis="residence", reason="dismissed"
    )
    client = login_as(Role.COUNTY_OFFICER, places.county)
    page = text_of(client.get("/employment/parameters/"))
    assert "目前使用全国默认值" in page and 'value="15"' in page
    data = {
        "graduate_window_years": "2", "older_female_age": "40", "older_male_age": "50",
        "long_term_unemployed_days": "365", "hard_to_employ": ["older", "disabled"], "veteran_window_years": "0",
        "returned_migrant_window_years": "1", "interval_a": "7", "interval_b": "14", "interval_c": "45",
        "certificate_format": "{county}{year}{serial:06d}",
    }  # fmt: skip
    assert client.post("/employment/parameters/", data).status_code == 302
    registration = Registration.objects.get()
    registration.refresh_from_db()
    assert registration.tier == "C"
    bad_form = text_of(client.post("/employment/parameters/", {**data, "interval_a": "0"}))
    assert "A类联系间隔（天）不能小于1" in bad_form
    bad_format = text_of(client.post("/employment/parameters/", {**data, "certificate_format": "{region}"}))
    assert "证号格式只能使用" in bad_format
    assert (
        login_as(Role.TOWNSHIP_OFFICER, places.township_a).get("/employment/parameters/").status_code == 403
    )


def test_parameters_are_refused_when_unusable_and_nothing_changes(places, town):
    from openpes.core.errors import DomainError
    from openpes.employment.models import RuleParameters

    with pytest.raises(DomainError) as caught:
        employment.parameters_set(actor=town["county"], data={"older_female_age": 12, "colour": "red"})
    assert "未知的规则参数：colour" in caught.value.errors[0].message
    with pytest.raises(DomainError) as caught:
        employment.parameters_set(actor=town["county"], data={"older_female_age": 12})
    assert caught.value.errors[0].field == "older_female_age"
    assert not RuleParameters.objects.exists()
