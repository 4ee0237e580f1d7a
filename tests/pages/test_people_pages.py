"""Registry pages: dashboard, persons (list, search, detail, reveal, create, edit, export), households."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from urllib.parse import unquote

import pytest
from python_calamine import CalamineWorkbook

from openpes.accounts.roles import Role
from openpes.audit.models import AccessLog, ChangeLog
from openpes.people.models import Household, Person
from openpes.people.services import household_add_member, household_create, person_create
from tests.factories import PersonInputFactory, make_id_number
from tests.pages.conftest import assert_no_full_identifiers, text_of

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        Person.objects.count(),
        Household.objects.count(),
        ChangeLog.objects.count(),
        # a refused duplicate still logs the lookup it amounts to (SECURITY.md #21): not a data write
        AccessLog.objects.exclude(field="lookup").count(),
    )


@pytest.fixture
def registry(places, make_staff, make_person):
    """Persons in two villages of township A and one of township B, registered by the county."""
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    return {
        "a1": make_person(county, places.village_a1, name="王芳", phone="13800001111"),
        "a2": make_person(county, places.village_a2, name="李强", phone="13800002222"),
        "b1": make_person(county, places.village_b1, name="赵敏", phone="13800003333"),
        "county": county,
    }


# --- dashboard -----------------------------------------------------------------------------------------------


def test_dashboard_shows_counts_and_chart_data_of_the_jurisdiction(places, registry, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.get("/")
    assert response.status_code == 200
    text = text_of(response)
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', text, re.S)
    assert found
    data = json.loads(found[1])
    assert sum(data["children"]["counts"]) == 2  # the two persons of township A, not the one of B
    assert sum(data["ageBands"]["counts"]) == 2
    assert "vendor/echarts/echarts.dashboard.min.js" in text
    assert "各村（社区）" in text


def test_dashboard_for_roles_without_registry_access_links_their_work(places, login_as):
    response = login_as(Role.AUDITOR, places.county).get("/")
    assert response.status_code == 200
    text = text_of(response)
    assert "变更日志" in text
    assert "dashboard-data" not in text


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/persons/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/persons/")


# --- persons list and search ---------------------------------------------------------------------------------


def test_list_shows_masked_numbers_of_own_township_only(places, registry, login_as):
    response = login_as(Role.TOWNSHIP_OFFICER, places.township_a).get("/persons/")
    assert response.status_code == 200
    text = text_of(response)
    assert "王芳" in text and "李强" in text
    assert "赵敏" not in text
    assert registry["a1"].id_number_masked in text
    assert "138****1111" in text
    assert_no_full_identifiers(text)


@pytest.mark.parametrize("query", ["name", "full_id", "last4", "masked"])
def test_search_finds_by_name_full_id_last_four_or_masked_id(places, registry, login_as, query):
    person = registry["a1"]
    full = person.id_number_masked  # the factory numbers are recovered through the service below
    from openpes.people.services import person_reveal

    full = person_reveal(actor=registry["county"], person=person, field_name="id_number", reason="测试核对")
    q = {"name": "王芳", "full_id": full, "last4": full[-4:], "masked": person.id_number_masked}[query]
    response = login_as(Role.COUNTY_OFFICER, places.county).get("/persons/", {"q": q})
    text = text_of(response)
    assert f"/persons/{person.pk}/" in text
    assert f"/persons/{registry['b1'].pk}/" not in text
    assert_no_full_identifiers(text)


TOKEN = "csrf" + "t0ken" * 8  # a posted form's CSRF token, which must never reach a link


def links_of(text: str) -> list[str]:
    return [unquote(h) for h in re.findall(r'href="([^"]*)"', text)]


def full_number(registry, person) -> str:
    from openpes.people.services import person_reveal

    return person_reveal(actor=registry["county"], person=person, field_name="id_number", reason="测试核对")


@pytest.mark.parametrize("form", ["18 digits", "15 digits of an old number"])
def test_search_form_posts_so_that_a_typed_id_number_stays_out_of_every_url(places, registry, login_as, form):
    person = registry["a1"]
    full = full_number(registry, person)
    typed = full if form == "18 digits" else full[:6] + full[8:17]  # the same person's 15-digit number
    client = login_as(Role.COUNTY_OFFICER, places.county)
    page = text_of(client.get("/persons/"))
    assert re.search(r'<form method="post" action="/persons/"[^>]*hx-post="/persons/"', page)
    response = client.post(
        "/persons/", {"q": typed, "csrfmiddlewaretoken": TOKEN}, headers={"HX-Request": "true"}
    )
    text = text_of(response)
    assert f"/persons/{person.pk}/" in text and f"/persons/{registry['b1'].pk}/" not in text
    pushed = unquote(response["HX-Push-Url"])
    assert typed not in pushed and full not in pushed and TOKEN not in pushed
    assert person.id_number_masked in pushed
    assert_no_full_identifiers(text)
    # without htmx too: the whole page, the number masked in the box and in every link
    text = text_of(client.post("/persons/", {"q": typed, "csrfmiddlewaretoken": TOKEN}))
    assert f"/persons/{person.pk}/" in text
    assert_no_full_identifiers(text)
    assert typed not in text
    assert not any(TOKEN in link or typed in link for link in links_of(text))
    # the masked number would find more people than the one shown: no export link after such a search
    assert "/persons/export.xlsx" not in text
    assert "/persons/export.xlsx" in text_of(client.post("/persons/", {"q": person.name}))


def test_household_search_posts_with_htmx_and_keeps_the_number_out_of_urls(places, registry, homes, login_as):
    full = full_number(registry, registry["a1"])  # the head of household a1
    client = login_as(Role.COUNTY_OFFICER, places.county)
    page = text_of(client.get("/households/"))
    assert re.search(r'<form method="post" action="/households/"[^>]*hx-post="/households/"', page)
    response = client.post(
        "/households/", {"q": full, "csrfmiddlewaretoken": TOKEN}, headers={"HX-Request": "true"}
    )
    text = text_of(response)
    assert f"/households/{homes['a1'].pk}/" in text and f"/households/{homes['b1'].pk}/" not in text
    assert "<form" not in text  # only the results, swapped in by htmx
    pushed = unquote(response["HX-Push-Url"])
    assert full not in pushed and TOKEN not in pushed and registry["a1"].id_number_masked in pushed
    text = text_of(client.post("/households/", {"q": full, "csrfmiddlewaretoken": TOKEN}))
    assert_no_full_identifiers(text)
    assert not any(TOKEN in link for link in links_of(text))


def test_search_never_reaches_a_sibling_township(places, registry, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    sibling = registry["b1"]
    for q in ("赵敏", sibling.id_number_masked, sibling.id_number_masked[-4:]):
        text = text_of(client.get("/persons/", {"q": q}))
        assert f"/persons/{sibling.pk}/" not in text
    assert "没有找到符合条件的劳动者" in text


def test_region_and_sex_filters(places, registry, login_as, make_person):
    make_person(registry["county"], places.village_a1, name="张伟", id_number=make_id_number(sex="F"))
    client = login_as(Role.COUNTY_OFFICER, places.county)
    text = text_of(client.get("/persons/", {"region": places.village_a2}))
    assert "李强" in text and "王芳" not in text
    text = text_of(client.get("/persons/", {"region": places.township_b}))
    assert "赵敏" in text and "李强" not in text
    women = Person.objects.filter(sex="F").values_list("pk", flat=True)
    text = text_of(client.get("/persons/", {"sex": "F"}))
    assert all(f"/persons/{pk}/" in text for pk in women)
    men = Person.objects.filter(sex="M").values_list("pk", flat=True)
    assert not any(f"/persons/{pk}/" in text for pk in men)


def test_region_filter_outside_the_jurisdiction_is_refused_with_a_message(places, registry, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.get("/persons/", {"region": places.village_b1})
    text = text_of(response)
    assert response.status_code == 200
    assert "所选地区不在可选范围内" in text  # our message, not Django's "选择一个有效的选项"
    assert "赵敏" not in text


def test_list_paginates_by_fifty(places, registry, login_as, make_person):
    for _ in range(50):
        make_person(registry["county"], places.village_a1)
    client = login_as(Role.COUNTY_OFFICER, places.county)
    first = text_of(client.get("/persons/"))
    assert "第 1 / 2 页" in first
    assert len(set(re.findall(r'href="/persons/\d+/"', first))) == 50  # a card and a row each
    second = text_of(client.get("/persons/", {"page": 2}))
    assert "第 2 / 2 页" in second
    assert "共 53 条" in second


def test_empty_list_invites_to_register(places, login_as):
    text = text_of(login_as(Role.VILLAGE_BROKER, places.village_a1).get("/persons/"))
    assert "还没有登记劳动者" in text
    assert "/persons/new/" in text


def test_htmx_filter_returns_only_the_results(places, registry, login_as):
    client = login_as(Role.COUNTY_OFFICER, places.county)
    response = client.get("/persons/", {"q": "王芳"}, HTTP_HX_REQUEST="true")
    text = text_of(response)
    assert "<html" not in text
    assert "王芳" in text
    assert "HX-Request" in response["Vary"]


# --- detail, reveal ------------------------------------------------------------------------------------------


def test_detail_shows_masked_values_and_reveal_form(places, registry, login_as):
    person = registry["a1"]
    response = login_as(Role.VILLAGE_BROKER, places.village_a1).get(f"/persons/{person.pk}/")
    assert response.status_code == 200
    text = text_of(response)
    assert person.id_number_masked in text
    assert "查看事由" in text
    assert_no_full_identifiers(text)


@pytest.mark.parametrize("url", ["/persons/{pk}/", "/persons/{pk}/edit/"])
def test_detail_and_edit_of_a_sibling_village_are_404(places, registry, login_as, url):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    response = client.get(url.format(pk=registry["a2"].pk))
    assert response.status_code == 404
    assert "不在您的辖区内" in text_of(response)


def test_reveal_shows_the_value_once_and_logs_it(places, registry, login_as):
    person = registry["a1"]
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    response = client.post(f"/persons/{person.pk}/reveal/", {"field": "phone", "reason": "电话回访"})
    assert response.status_code == 200
    assert "13800001111" in text_of(response)
    assert "no-store" in response["Cache-Control"]
    log = AccessLog.objects.get()
    assert (log.actor, log.field, log.reason, log.target_id) == (
        client.staff,
        "phone",
        "电话回访",
        str(person.pk),
    )
    assert "13800001111" not in text_of(client.get(f"/persons/{person.pk}/"))


def test_reveal_without_reason_is_refused_and_not_logged(places, registry, login_as):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    before = counts()
    response = client.post(f"/persons/{registry['a1'].pk}/reveal/", {"field": "id_number", "reason": " "})
    assert "请填写查看事由" in text_of(response)
    response = client.post(f"/persons/{registry['a1'].pk}/reveal/", {"field": "id_number", "reason": "查"})
    assert "请写明查看事由" in text_of(response)
    assert_no_full_identifiers(text_of(response))
    assert counts() == before


def test_reveal_needs_the_permission_and_the_jurisdiction(places, registry, login_as):
    specialist = login_as(Role.SPECIALIST, places.county)
    assert "查看事由" not in text_of(specialist.get(f"/persons/{registry['a1'].pk}/"))
    response = specialist.post(
        f"/persons/{registry['a1'].pk}/reveal/", {"field": "phone", "reason": "好奇一下"}
    )
    assert response.status_code == 403
    broker = login_as(Role.VILLAGE_BROKER, places.village_a1)
    response = broker.post(f"/persons/{registry['b1'].pk}/reveal/", {"field": "phone", "reason": "好奇一下"})
    assert response.status_code == 404
    assert broker.get(f"/persons/{registry['a1'].pk}/reveal/").status_code == 405
    assert AccessLog.objects.count() == 0


# --- create and edit -----------------------------------------------------------------------------------------


def person_form(region: str, **overrides: str) -> dict[str, str]:
    return {
        "name": "欧阳秀英",
        "id_number": make_id_number(sex="F"),
        "phone": "13912345678",
        "region_code": region,
        "address": "长铺镇2组5号",
        "education": "30",
        "ethnicity": "06",  # 苗族
        "political_status": "13",
    } | overrides


def test_create_registers_and_shows_the_person(places, login_as):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    assert client.get("/persons/new/").status_code == 200
    response = client.post("/persons/new/", person_form(places.village_a1))
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/persons/{person.pk}/"
    assert (person.name, person.sex, person.phone_masked, person.created_by) == (
        "欧阳秀英",
        "F",
        "139****5678",
        client.staff,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id_number": "430527199005170000"}, "身份证号码校验位不正确"),
        ({"id_number": ""}, "请填写身份证号码"),
        ({"name": "<b>王</b>"}, "不能包含"),
        ({"phone": "12345"}, "请填写有效的手机号码"),
        ({"education": "99"}, "所选文化程度不在可选范围内"),
        ({"ethnicity": "汉族"}, "所选民族不在可选范围内"),
        ({"name": "张" * 31}, "姓名不能超过30个字（现为31个）"),
        ({"address": "地" * 201}, "200"),
    ],
)
def test_create_with_bad_input_shows_chinese_errors_and_writes_nothing(places, login_as, overrides, message):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    before = counts()
    response = client.post("/persons/new/", person_form(places.village_a1, **overrides))
    assert response.status_code == 200
    text = text_of(response)
    assert message in text
    assert "is-invalid" in text
    assert counts() == before


def test_create_in_a_sibling_village_is_refused(places, login_as):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    before = counts()
    response = client.post("/persons/new/", person_form(places.village_a2))
    assert "所选所在村（社区）不在可选范围内" in text_of(response)
    assert counts() == before


def test_create_service_errors_land_on_their_fields(places, registry, login_as):
    """A duplicate ID number is found by the service, not the form: its message shows on the ID field."""
    from openpes.people.services import person_reveal

    full = person_reveal(
        actor=registry["county"], person=registry["a1"], field_name="id_number", reason="核对"
    )
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    before = counts()
    text = text_of(client.post("/persons/new/", person_form(places.village_a1, id_number=full)))
    assert re.search(r'name="id_number"[^>]*is-invalid|is-invalid[^>]*name="id_number"', text)
    assert "已" in text and "登记" in text
    assert counts() == before


def test_edit_changes_fields_and_keeps_id_number_when_left_empty(places, registry, login_as):
    person = registry["a1"]
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    page = text_of(client.get(f"/persons/{person.pk}/edit/"))
    assert person.id_number_masked in page  # shown as help text, never the full value
    assert_no_full_identifiers(page)
    form = person_form(places.village_a1, name="王芳芳", id_number="", phone="")
    response = client.post(f"/persons/{person.pk}/edit/", form)
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.phone_masked, person.ethnicity) == ("王芳芳", "138****1111", "06")


def test_edit_can_clear_the_phone(places, registry, login_as):
    person = registry["a1"]
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    form = person_form(places.village_a1, id_number="", phone="", clear_phone="on")
    assert client.post(f"/persons/{person.pk}/edit/", form).status_code == 302
    person.refresh_from_db()
    assert person.phone_masked == ""


def test_edit_with_bad_input_writes_nothing(places, registry, login_as):
    person = registry["a1"]
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    before = counts()
    response = client.post(
        f"/persons/{person.pk}/edit/", person_form(places.village_a1, name="", id_number="43052719900517001")
    )
    text = text_of(response)
    assert "请填写姓名" in text
    person.refresh_from_db()
    assert person.name == "王芳"
    assert counts() == before


def test_edit_of_a_sibling_is_404_on_post_too(places, registry, login_as):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    before = counts()
    response = client.post(f"/persons/{registry['a2'].pk}/edit/", person_form(places.village_a1))
    assert response.status_code == 404
    assert counts() == before


@pytest.mark.parametrize(
    ("role", "url"), [(Role.SPECIALIST, "/persons/new/"), (Role.MANAGER, "/persons/{pk}/edit/")]
)
def test_read_only_roles_cannot_open_the_forms(places, registry, login_as, role, url):
    response = login_as(role, places.county).get(url.format(pk=registry["a1"].pk))
    assert response.status_code == 403
    assert "没有权限" in text_of(response)


# --- export ---------------------------------------------------------------------------------------------------


def make_person_with(actor, region, number):
    return person_create(actor=actor, data=PersonInputFactory(region_code=region, id_number=number))


def read_workbook(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return [[str(cell) for cell in row] for row in book.get_sheet_by_index(0).to_python()]


def test_export_is_masked_scoped_and_formula_safe(places, registry, login_as, make_person):
    make_person(registry["county"], places.village_a1, name="孙丽", address='=HYPERLINK("http://x")')
    make_person(registry["county"], places.village_a2, name="周杰", address="-1+2")
    make_person(registry["county"], places.village_a2, name="吴军", address="@SUM(A1)")
    make_person(registry["county"], places.village_a2, name="郑洁", address="+86")
    rows = read_workbook(login_as(Role.TOWNSHIP_OFFICER, places.township_a).get("/persons/export.xlsx"))
    assert rows[0][:4] == ["姓名", "性别", "年龄", "身份证号码"]  # never a birth date beside the mask
    names = {row[0] for row in rows[1:]}
    assert names == {"王芳", "李强", "孙丽", "周杰", "吴军", "郑洁"}  # 赵敏 lives in township B
    addresses = {row[6] for row in rows[1:]}
    assert {'\'=HYPERLINK("http://x")', "'-1+2", "'@SUM(A1)", "'+86"} <= addresses
    text = "\n".join("\t".join(row) for row in rows)
    assert_no_full_identifiers(text)
    assert registry["a1"].id_number_masked in text
    assert "138****1111" in text


def test_export_follows_the_list_filters(places, registry, login_as):
    rows = read_workbook(
        login_as(Role.COUNTY_OFFICER, places.county).get("/persons/export.xlsx", {"q": "李强"})
    )
    assert [row[0] for row in rows[1:]] == ["李强"]
    rows = read_workbook(
        login_as(Role.COUNTY_OFFICER, places.county).get(
            "/persons/export.xlsx", {"region": places.township_b}
        )
    )
    assert [row[0] for row in rows[1:]] == ["赵敏"]


def test_export_of_a_village_broker_holds_only_the_village(places, registry, login_as):
    rows = read_workbook(login_as(Role.VILLAGE_BROKER, places.village_a1).get("/persons/export.xlsx"))
    assert [row[0] for row in rows[1:]] == ["王芳"]


def test_every_export_is_logged_with_its_count_and_filter_and_auditors_see_it(places, registry, login_as):
    officer = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    before = AccessLog.objects.count()
    rows = read_workbook(officer.get("/persons/export.xlsx", {"region": places.village_a2}))
    entry = AccessLog.objects.latest("id")
    assert AccessLog.objects.count() == before + 1
    assert (entry.actor, entry.field, entry.target_type) == (officer.staff, "export", "people.person")
    assert entry.reason.startswith(f"导出 {len(rows) - 1} 条；")
    assert places.village_a2 in entry.reason
    assert entry.region_code == places.township_a
    page = text_of(login_as(Role.AUDITOR, places.county).get("/audit/access/"))
    assert "导出名单（Excel）" in page and "导出 1 条" in page


def test_an_export_by_full_id_number_logs_the_number_masked(places, registry, login_as):
    number = make_id_number(born=dt.date(1988, 8, 8))
    person = make_person_with(registry["county"], places.village_a1, number)
    rows = read_workbook(
        login_as(Role.COUNTY_OFFICER, places.county).get("/persons/export.xlsx", {"q": number})
    )
    assert [row[0] for row in rows[1:]] == [person.name]
    reason = AccessLog.objects.latest("id").reason
    assert number not in reason and number[-4:] not in reason
    assert number[:6] + "*" * 12 in reason


def test_export_needs_sign_in_and_permission(client, places, login_as):
    assert client.get("/persons/export.xlsx").status_code == 302
    assert login_as(Role.AUDITOR, places.county).get("/persons/export.xlsx").status_code == 403


# --- households -----------------------------------------------------------------------------------------------


@pytest.fixture
def homes(places, registry):
    county = registry["county"]
    a1 = household_create(actor=county, region_code=places.village_a1, address="长铺镇1组1号")
    household_add_member(actor=county, household=a1, person=registry["a1"], relation="01")
    a2 = household_create(actor=county, region_code=places.village_a2, address="二村")
    b1 = household_create(actor=county, region_code=places.village_b1, address="三村")
    return {"a1": a1, "a2": a2, "b1": b1}


def test_household_list_and_detail(places, registry, homes, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    text = text_of(client.get("/households/"))
    assert f"/households/{homes['a1'].pk}/" in text and f"/households/{homes['a2'].pk}/" in text
    assert f"/households/{homes['b1'].pk}/" not in text
    detail = text_of(client.get(f"/households/{homes['a1'].pk}/"))
    assert "王芳" in detail and "户主" in detail
    assert_no_full_identifiers(detail)


def test_household_search_does_not_cross_townships(places, registry, homes, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    text = text_of(client.get("/households/", {"q": "三村"}))
    assert f"/households/{homes['b1'].pk}/" not in text
    assert "没有找到符合条件的家庭" in text
    text = text_of(client.get("/households/", {"q": "王芳"}))
    assert f"/households/{homes['a1'].pk}/" in text


@pytest.mark.parametrize(
    "url", ["/households/{pk}/", "/households/{pk}/edit/", "/households/{pk}/members/add/"]
)
def test_sibling_household_pages_are_404(places, homes, login_as, url):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    assert client.get(url.format(pk=homes["a2"].pk)).status_code == 404


def test_household_create_and_bad_input(places, login_as):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    assert client.get("/households/new/").status_code == 200
    before = counts()
    for data, message in [
        ({"region_code": "", "address": "x"}, "请选择所在村（社区）"),
        ({"region_code": places.village_b1, "address": "x"}, "所选所在村（社区）不在可选范围内"),
        ({"region_code": places.village_a1, "address": "<script>"}, "不能包含"),
    ]:
        text = text_of(client.post("/households/new/", data))
        assert message in text
    assert counts() == before
    response = client.post("/households/new/", {"region_code": places.village_a1, "address": "一组"})
    household = Household.objects.get()
    assert response["Location"] == f"/households/{household.pk}/"


def test_household_edit_sets_head_and_refuses_bad_input(places, registry, homes, login_as, make_person):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    household = homes["a1"]
    assert client.get(f"/households/{household.pk}/edit/").status_code == 200
    before = counts()
    text = text_of(
        client.post(
            f"/households/{household.pk}/edit/",
            {"region_code": places.village_a1, "address": "<", "head": ""},
        )
    )
    assert "不能包含" in text
    text = text_of(
        client.post(
            f"/households/{household.pk}/edit/",
            {"region_code": places.village_a1, "address": "新址", "head": str(registry["a2"].pk)},
        )
    )
    assert "所选户主不在可选范围内" in text  # only members of the household are offered as head
    assert counts() == before
    response = client.post(
        f"/households/{household.pk}/edit/", {"region_code": places.village_a1, "address": "新址", "head": ""}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.address, household.head_id) == ("新址", None)


# --- 民族 as a choice of GB/T 3304 ---------------------------------------------------------------------------


def test_ethnicity_is_a_select_of_the_standard_list_with_nothing_chosen(places, login_as):
    text = text_of(login_as(Role.VILLAGE_BROKER, places.village_a1).get("/persons/new/"))
    select = re.search(r'<select name="ethnicity"[^>]*>(.*?)</select>', text, re.S)
    assert select, "民族 is a select"
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select[1])
    assert [(value, label) for value, _, label in options][:2] == [("", "（未填写）"), ("01", "汉族")]
    assert len(options) == 1 + 58
    assert [value for value, chosen, _ in options if chosen] in ([], [""])  # no default such as 汉族


def test_an_untouched_ethnicity_is_saved_as_not_recorded(places, login_as):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    assert client.post("/persons/new/", person_form(places.village_a1, ethnicity="")).status_code == 302
    person = Person.objects.get()
    assert person.ethnicity == ""
    assert '民族</dt><dd class="col-sm-8">—' in text_of(client.get(f"/persons/{person.pk}/"))


def test_detail_and_export_show_the_ethnicity_name_not_its_code(places, login_as):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    client.post("/persons/new/", person_form(places.village_a1))
    person = Person.objects.get()
    assert person.ethnicity == "06"
    assert "苗族" in text_of(client.get(f"/persons/{person.pk}/"))
    rows = read_workbook(client.get("/persons/export.xlsx"))
    assert rows[1][rows[0].index("民族")] == "苗族"


def test_a_phone_number_typed_in_the_search_finds_its_person_and_stays_masked(places, registry, login_as):
    client = login_as(Role.COUNTY_OFFICER, places.county)
    response = client.post(
        "/persons/", {"q": "13800002222", "csrfmiddlewaretoken": TOKEN}, headers={"HX-Request": "true"}
    )
    text = text_of(response)
    assert f"/persons/{registry['a2'].pk}/" in text and f"/persons/{registry['a1'].pk}/" not in text
    assert unquote(response["HX-Push-Url"]).endswith("q=138****2222")
    assert_no_full_identifiers(text)
    text = text_of(client.post("/persons/", {"q": "13800002222"}))
    assert "13800002222" not in text and "/persons/export.xlsx" not in text
    assert f"/persons/{registry['a2'].pk}/" in text


# --- what the form says while typing and after saving --------------------------------------------------------


def test_the_name_box_shows_its_limit_and_the_browser_does_not_cut_it(places, login_as):
    text = text_of(login_as(Role.VILLAGE_BROKER, places.village_a1).get("/persons/new/"))
    name_input = re.search(r'<input type="text" name="name"[^>]*>', text)
    assert name_input and 'data-max-length="30"' in name_input[0] and "maxlength" not in name_input[0]
    assert 'data-count-for="id_name"' in text and "最多30个字" in text


def test_a_15_digit_number_is_converted_and_the_page_says_so(places, login_as):
    client = login_as(Role.VILLAGE_BROKER, places.village_a1)
    full = make_id_number(born=dt.date(1970, 3, 8))
    old = full[:6] + full[8:17]
    response = client.post("/persons/new/", person_form(places.village_a1, id_number=old), follow=True)
    person = Person.objects.get()
    assert person.id_number_masked == full[:6] + "*" * 8 + full[14:]
    text = text_of(response)
    assert f"15位身份证号码已按国家标准转换为18位：{person.id_number_masked}" in text
    assert_no_full_identifiers(text)
    # an 18-digit number says nothing of the kind
    response = client.post("/persons/new/", person_form(places.village_a1), follow=True)
    assert "转换为18位" not in text_of(response)


def test_a_duplicate_in_the_jurisdiction_links_to_the_existing_record(places, registry, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    number = full_number(registry, registry["a2"])
    before = counts()
    text = text_of(client.post("/persons/new/", person_form(places.village_a1, id_number=number)))
    assert counts() == before
    assert "该身份证号码已登记：李强" in text
    assert re.search(rf'<a [^>]*href="/persons/{registry["a2"].pk}/"[^>]*>打开已有记录</a>', text)


def test_a_duplicate_outside_the_jurisdiction_names_and_links_nothing(places, registry, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    number = full_number(registry, registry["b1"])
    text = text_of(client.post("/persons/new/", person_form(places.village_a1, id_number=number)))
    assert "已在其他辖区登记" in text
    assert f"/persons/{registry['b1'].pk}/" not in text and "赵敏" not in text
