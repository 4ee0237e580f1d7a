"""SECURITY.md #1: every list, detail, search, export and API endpoint is scoped to the jurisdiction.

Staff at the county, at two sibling townships (A, B) and at two sibling villages of township A (A1, A2) each
look, through every face, at a person and a household registered in A1, A2 and B1. Each must see exactly
the records inside their own subtree; every other record is absent from lists and searches and a 404 on
detail pages and API calls — never a 403 that would confirm it exists."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from openpes.accounts import services as accounts
from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.core.jurisdiction import covers
from openpes.people import services as people
from openpes.people.models import Household, Person
from openpes.people.services import person_reveal
from tests.factories import PersonInputFactory

VIEWERS = [
    ("county", Role.COUNTY_OFFICER),
    ("township_a", Role.TOWNSHIP_OFFICER),
    ("township_b", Role.TOWNSHIP_OFFICER),
    ("village_a1", Role.VILLAGE_BROKER),
    ("village_a2", Role.VILLAGE_BROKER),
]
PLACES_OF_RECORDS = ["village_a1", "village_a2", "village_b1"]
NAMES = {"village_a1": "甲一村民", "village_a2": "甲二村民", "village_b1": "乙一村民"}


@dataclass
class Record:
    place: str
    person: Person
    household: Household
    id_number: str


@pytest.fixture
def records(places: Any, make_staff: Any) -> dict[str, Record]:
    county = make_staff(Role.COUNTY_OFFICER, places.county, username="registrar")
    made = {}
    for place in PLACES_OF_RECORDS:
        code = getattr(places, place)
        household = people.household_create(actor=county, region_code=code, address=f"{NAMES[place]}家")
        data = PersonInputFactory(
            region_code=code, name=NAMES[place], household=household, relation_to_head="01"
        )
        person = people.person_create(actor=county, data=data)
        made[place] = Record(
            place,
            person,
            household,
            person_reveal(actor=county, person=person, field_name="id_number", reason="测试准备"),
        )
    return made


def viewer(places: Any, make_staff: Any, place: str, role: str) -> tuple[Staff, Client, dict[str, str]]:
    staff = make_staff(role, getattr(places, place))
    client = Client()
    client.force_login(staff)
    _, token = accounts.token_create(actor=staff, name="矩阵测试")
    return staff, client, {"Authorization": f"Bearer {token}"}


def xlsx_text(content: bytes) -> str:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return "\n".join(
        " ".join(str(cell) for cell in row)
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
    )


@pytest.mark.parametrize(("place", "role"), VIEWERS)
def test_every_face_shows_only_the_viewers_subtree(
    places: Any, make_staff: Any, records: dict[str, Record], place: str, role: str
) -> None:
    staff, client, bearer = viewer(places, make_staff, place, role)
    prefix = staff.jurisdiction_prefix
    listing = client.get(reverse("people:person_list")).content.decode()
    export = xlsx_text(client.get(reverse("people:person_export")).content)
    households = client.get(reverse("people:household_list")).content.decode()
    api_names = {p["name"] for p in client.get("/api/v1/persons?limit=100", headers=bearer).json()["items"]}
    api_households = {
        h["id"] for h in client.get("/api/v1/households?limit=100", headers=bearer).json()["items"]
    }

    for record in records.values():
        inside = covers(prefix, record.person.region_code)
        person, household = record.person, record.household
        expected = 200 if inside else 404
        where = f"{place} looking at {record.place}"
        detail_link = f"/persons/{person.pk}/"
        assert (detail_link in listing) is inside, where
        assert (person.name in export) is inside, where
        assert (person.name in api_names) is inside, where
        assert (household.pk in api_households) is inside, where
        assert (f"/households/{household.pk}/" in households) is inside, where
        for q in (record.id_number, person.name, record.id_number[-4:]):
            found = client.get(reverse("people:person_list"), {"q": q}).content.decode()
            assert (detail_link in found) is inside, f"{where}, page search {q}"
            api_found = client.get("/api/v1/persons", {"q": q}, headers=bearer).json()["items"]
            assert (person.name in {p["name"] for p in api_found}) is inside, f"{where}, API search {q}"
        for url in (
            reverse("people:person_detail", args=[person.pk]),
            reverse("people:person_edit", args=[person.pk]),
            reverse("people:household_detail", args=[household.pk]),
            reverse("people:household_edit", args=[household.pk]),
            f"/api/v1/persons/{person.pk}",
            f"/api/v1/households/{household.pk}",
            f"/api/v1/regions/{person.region_code}",
        ):
            response = client.get(url, headers=bearer) if url.startswith("/api/") else client.get(url)
            assert response.status_code == expected, f"{where}: GET {url}"
        if not inside:
            reveal = client.post(
                reverse("people:person_reveal", args=[person.pk]), {"field": "id_number", "reason": "核对"}
            )
            assert reveal.status_code == 404, where
            api_reveal = client.post(
                f"/api/v1/persons/{person.pk}/reveal",
                {"field": "id_number", "reason": "核对"},
                content_type="application/json",
                headers=bearer,
            )
            assert api_reveal.status_code == 404, where
            patch = client.patch(
                f"/api/v1/persons/{person.pk}",
                {"address": "改"},
                content_type="application/json",
                headers=bearer,
            )
            assert patch.status_code == 404, where
            assert Person.objects.get(pk=person.pk).address == person.address


def invariant_holds() -> bool:
    """SECURITY.md 23: every member lives in their household's village."""
    return (
        not Person.objects.exclude(household=None).exclude(region_code=F("household__region_code")).exists()
    )


@pytest.mark.parametrize(("place", "role"), VIEWERS)
def test_household_moves_need_both_villages_and_what_is_shown_follows_the_members(
    places: Any, make_staff: Any, records: dict[str, Record], place: str, role: str
) -> None:
    staff, client, bearer = viewer(places, make_staff, place, role)
    prefix = staff.jurisdiction_prefix
    county = Staff.objects.get(username="registrar")
    moved = records["village_a1"].household
    head = records["village_a1"].person
    people.household_update(
        actor=county, household=moved, region_code=places.village_b1, address=moved.address, head=head
    )
    assert invariant_holds()
    sees = covers(prefix, places.village_b1)
    listed = {h["id"]: h for h in client.get("/api/v1/households?limit=100", headers=bearer).json()["items"]}
    assert (moved.pk in listed) is sees, place
    if sees:
        assert (listed[moved.pk]["member_count"], listed[moved.pk]["head_name"]) == (1, NAMES["village_a1"])
    page = client.get(reverse("people:household_list")).content.decode()
    assert (NAMES["village_a1"] in page) is sees, place

    # Moving the A2 household into B1: only an actor covering both villages may; nothing half-moved.
    target = records["village_a2"].household
    response = client.patch(
        f"/api/v1/households/{target.pk}",
        {"region_code": places.village_b1},
        content_type="application/json",
        headers=bearer,
    )
    covers_a2, covers_b1 = covers(prefix, places.village_a2), covers(prefix, places.village_b1)
    expected = 200 if covers_a2 and covers_b1 else 422 if covers_a2 else 404
    assert response.status_code == expected, place
    target.refresh_from_db()
    assert target.region_code == (places.village_b1 if expected == 200 else places.village_a2)
    assert invariant_holds()


# --- employers: the same question over their pages and API ---------------------------------------------

EMPLOYER_VIEWERS = [
    ("county", Role.COUNTY_OFFICER),
    ("township_a", Role.TOWNSHIP_OFFICER),
    ("township_b", Role.TOWNSHIP_OFFICER),
    ("township_a", Role.MANAGER),
    ("village_a1", Role.SPECIALIST),
]


@pytest.mark.parametrize(("place", "role"), EMPLOYER_VIEWERS)
def test_employers_show_only_the_viewers_subtree(places: Any, make_staff: Any, place: str, role: str) -> None:
    import datetime as dt

    from openpes.employers import services as employers
    from tests.employers.helpers import COOK, load_some_taxonomy, make_employer

    load_some_taxonomy()
    county = make_staff(Role.COUNTY_OFFICER, places.county, username="employer_registrar")
    made = {}
    for where in PLACES_OF_RECORDS:
        employer = make_employer(county, getattr(places, where), name=f"{NAMES[where]}的工厂")
        employers.demand_survey_create(
            actor=county,
            employer=employer,
            surveyed_on=dt.date.today(),
            lines=[employers.DemandLineInput(occupation_code=COOK, headcount=2)],
        )
        made[where] = employer
    staff, client, bearer = viewer(places, make_staff, place, role)
    prefix = staff.jurisdiction_prefix
    listing = client.get(reverse("employers:employer_list")).content.decode()
    surveys_page = client.get(reverse("employers:demand_survey_list")).content.decode()
    api_ids = {e["id"] for e in client.get("/api/v1/employers?limit=100", headers=bearer).json()["items"]}
    api_surveys = {
        s["employer"] for s in client.get("/api/v1/demand-surveys?limit=100", headers=bearer).json()["items"]
    }
    for where, employer in made.items():
        inside = covers(prefix, employer.region_code)
        label = f"{place} {role} looking at {where}"
        assert (f"/employers/{employer.pk}/" in listing) is inside, label
        assert (employer.name in surveys_page) is inside, label
        assert (employer.pk in api_ids) is inside, label
        assert (employer.pk in api_surveys) is inside, label
        found = client.post(reverse("employers:employer_list"), {"q": employer.uscc}).content.decode()
        assert (f"/employers/{employer.pk}/" in found) is inside, label
        for url in (
            reverse("employers:employer_detail", args=[employer.pk]),
            f"/api/v1/employers/{employer.pk}",
            f"/api/v1/employers/{employer.pk}/demand-surveys",
        ):
            response = client.get(url, headers=bearer) if url.startswith("/api/") else client.get(url)
            assert response.status_code == (200 if inside else 404), f"{label}: GET {url}"
        if not inside:
            for url in (
                reverse("employers:employer_edit", args=[employer.pk]),
                reverse("employers:employer_verify", args=[employer.pk]),
                reverse("employers:demand_survey_create", args=[employer.pk]),
            ):
                assert client.post(url, {"decision": "approve"}).status_code in (403, 404), (
                    f"{label}: POST {url}"
                )
            patch = client.patch(
                f"/api/v1/employers/{employer.pk}",
                {"address": "改"},
                content_type="application/json",
                headers=bearer,
            )
            assert patch.status_code in (403, 404), label


# --- employment: registrations, key groups, zero-employment households, survey imports --------------------


@pytest.mark.parametrize(("place", "role"), VIEWERS)
def test_employment_records_show_only_the_viewers_subtree(
    places: Any, make_staff: Any, records: dict[str, Record], place: str, role: str
) -> None:
    from openpes.employment import services as employment

    county = Staff.objects.get(username="registrar")
    registrations = {
        where: employment.unemployment_register(
            actor=county, person=record.person, basis="residence", reason="dismissed"
        )
        for where, record in records.items()
    }  # each person alone in a household: every household becomes zero-employment, every person hard to employ
    staff, client, bearer = viewer(places, make_staff, place, role)
    prefix = staff.jurisdiction_prefix
    pages = {
        url: client.get(url).content.decode()
        for url in (
            "/employment/registrations/",
            "/employment/key-groups/",
            "/employment/zero-households/",
            "/employment/",
        )
    }
    api = {
        path: client.get(f"/api/v1{path}?limit=100", headers=bearer).json()
        for path in (
            "/employment/registrations",
            "/employment/key-groups",
            "/employment/zero-employment-households",
        )
    }
    summary = client.get("/api/v1/employment/summary", headers=bearer).json()
    inside_count = sum(covers(prefix, r.person.region_code) for r in records.values())
    assert summary["registered_unemployed"] == inside_count == summary["zero_households_open"]
    for where, record in records.items():
        inside = covers(prefix, record.person.region_code)
        label = f"{place} {role} looking at {where}"
        assert (NAMES[where] in pages["/employment/registrations/"]) is inside, label
        assert (NAMES[where] in pages["/employment/key-groups/"]) is inside, label
        assert (f"/households/{record.household.pk}/" in pages["/employment/zero-households/"]) is inside, (
            label
        )
        assert (
            registrations[where].pk in {r["id"] for r in api["/employment/registrations"]["items"]}
        ) is inside, label
        assert (
            record.person.pk in {m["person"]["id"] for m in api["/employment/key-groups"]["items"]}
        ) is inside, label
        assert (
            record.household.pk
            in {z["household"] for z in api["/employment/zero-employment-households"]["items"]}
        ) is inside, label
        for url in (
            f"/employment/persons/{record.person.pk}/",
            f"/api/v1/persons/{record.person.pk}/employment",
            f"/api/v1/employment/registrations/{registrations[where].pk}",
        ):
            response = client.get(url, headers=bearer) if url.startswith("/api/") else client.get(url)
            assert response.status_code == (200 if inside else 404), f"{label}: GET {url}"


# --- vacancies: seen by the jurisdiction of the work place and by the employer's ------------------------


@pytest.mark.parametrize(("place", "role"), EMPLOYER_VIEWERS)
def test_vacancies_show_only_the_viewers_subtree(places: Any, make_staff: Any, place: str, role: str) -> None:
    from openpes.vacancies import services as vacancies
    from tests.vacancies.pool import make_vacancy, verified_employer

    county = make_staff(Role.COUNTY_OFFICER, places.county, username="vacancy_registrar")
    made = {}
    for where in PLACES_OF_RECORDS:
        employer = verified_employer(county, getattr(places, where), name=f"{NAMES[where]}的工厂")
        made[where] = make_vacancy(county, employer, place_text="", title=f"{NAMES[where]}的岗位")
    # An employer of B1 hiring for a workshop in A1: seen from both sides.
    crossing = make_vacancy(county, made["village_b1"].employer, place_text="", title="跨乡镇岗位")
    vacancies.vacancy_correct(actor=county, vacancy=crossing, field="region_code", value=places.village_a1)
    made["crossing"] = crossing
    staff, client, bearer = viewer(places, make_staff, place, role)
    prefix = staff.jurisdiction_prefix
    listing = client.get(reverse("vacancies:vacancy_list")).content.decode()
    api_ids = {v["id"] for v in client.get("/api/v1/vacancies?limit=100", headers=bearer).json()["items"]}
    for where, vacancy in made.items():
        inside = covers(prefix, vacancy.region_code) or covers(prefix, vacancy.employer.region_code)
        label = f"{place} {role} looking at {where}"
        assert (f"/vacancies/{vacancy.pk}/" in listing) is inside, label
        assert (vacancy.pk in api_ids) is inside, label
        for url in (
            reverse("vacancies:vacancy_detail", args=[vacancy.pk]),
            f"/api/v1/vacancies/{vacancy.pk}",
        ):
            response = client.get(url, headers=bearer) if url.startswith("/api/") else client.get(url)
            assert response.status_code == (200 if inside else 404), f"{label}: GET {url}"
        if not inside:
            for url in (
                reverse("vacancies:vacancy_edit", args=[vacancy.pk]),
                reverse("vacancies:vacancy_review", args=[vacancy.pk]),
                reverse("vacancies:vacancy_withdraw", args=[vacancy.pk]),
                reverse("vacancies:vacancy_merge", args=[vacancy.pk]),
                reverse("vacancies:vacancy_clear_flag", args=[vacancy.pk]),
            ):
                assert client.post(url, {"decision": "approve"}).status_code in (403, 404), (
                    f"{label}: POST {url}"
                )
            patch = client.patch(
                f"/api/v1/vacancies/{vacancy.pk}",
                {"title": "改"},
                content_type="application/json",
                headers=bearer,
            )
            assert patch.status_code in (403, 404), label


# --- vacancy files: an upload belongs to the uploader's jurisdiction ---------------------------------------

FILE_VIEWERS = [
    ("county", Role.COUNTY_OFFICER),
    ("township_a", Role.TOWNSHIP_OFFICER),
    ("township_b", Role.TOWNSHIP_OFFICER),
]


@pytest.mark.parametrize(("place", "role"), FILE_VIEWERS)
def test_vacancy_file_imports_show_only_the_viewers_subtree(
    places: Any, make_staff: Any, place: str, role: str
) -> None:
    from openpes.core.crypto import encrypt_file
    from openpes.vacancies.models import VacancyFileImport
    from openpes.vacancies.services.file_import import FILE_CONTEXT

    content = encrypt_file("岗位名称,单位名称\n普工,某单位\n".encode(), context=FILE_CONTEXT)
    made = {}
    for where in ("county", "township_a", "township_b"):
        code = getattr(places, where)
        made[where] = VacancyFileImport.objects.create(
            region_code=code,
            filename=f"{where}岗位表.xlsx",
            content_encrypted=content,
            total_rows=1,
            problem_rows=1,
        )
    staff, client, _ = viewer(places, make_staff, place, role)
    page = client.get(reverse("vacancies:file_upload")).content.decode()
    for where, record in made.items():
        inside = covers(staff.jurisdiction_prefix, record.region_code)
        label = f"{place} {role} looking at {where}"
        assert (record.filename in page) is inside, label
        for name in ("file_detail", "file_errors"):
            response = client.get(reverse(f"vacancies:{name}", args=[record.pk]))
            assert (response.status_code != 404) is inside, f"{label}: {name}"
        response = client.post(reverse("vacancies:file_run", args=[record.pk]))
        assert (response.status_code != 404) is inside, f"{label}: run"


# --- partner systems: post for the employers of their region only; administrators see their own ---------

PARTNER_PLACES = ["county", "township_a", "township_b", "village_a1"]


@pytest.mark.parametrize("place", PARTNER_PLACES)
def test_a_partner_posts_only_for_employers_of_its_region(places: Any, make_staff: Any, place: str) -> None:
    from openpes.accounts import selectors as account_selectors
    from openpes.accounts.models import PartnerScope
    from openpes.vacancies.services.partner import UNKNOWN_EMPLOYER
    from tests.vacancies.pool import COOK_POSTING, verified_employer

    county = make_staff(Role.COUNTY_OFFICER, places.county, username="partner_registrar")
    employers = {
        where: verified_employer(county, getattr(places, where), name=f"{NAMES[where]}的工厂")
        for where in PLACES_OF_RECORDS
    }
    region = getattr(places, place)
    partner = accounts.partner_create(actor=None, name=f"{place}人才网", region_code=region)
    _, raw = accounts.partner_key_create(actor=None, partner=partner, scopes=list(PartnerScope.values))
    key = {"X-API-Key": raw}
    prefix = partner.jurisdiction_prefix
    client = Client()
    posted = set()
    for where, employer in employers.items():
        inside = covers(prefix, employer.region_code)
        body = {"external_id": f"job-{where}", "employer_credit_code": employer.uscc, **COOK_POSTING}
        answer = client.post("/api/v1/partner/vacancies", body, content_type="application/json", headers=key)
        label = f"partner of {place} posting for {where}"
        if inside:
            assert answer.status_code == 201, label
            posted.add(f"job-{where}")
        else:
            assert answer.status_code == 422, label
            assert answer.json()["detail"][0]["message"] == UNKNOWN_EMPLOYER, label
    listed = client.get("/api/v1/partner/vacancies?limit=100", headers=key).json()["items"]
    assert {v["external_id"] for v in listed} == posted
    # the administrator of each jurisdiction sees the partner exactly when its region is inside
    for admin_place in PARTNER_PLACES:
        admin = make_staff(Role.ADMINISTRATOR, getattr(places, admin_place))
        inside = covers(admin.jurisdiction_prefix, partner.region_code)
        assert (partner in account_selectors.partner_list(actor=admin)) is inside, (admin_place, place)
        assert (account_selectors.partner_get(actor=admin, pk=partner.pk) is not None) is inside
