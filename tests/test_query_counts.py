"""Every list page and API list answers in a fixed number of queries, however many rows it shows.

Each list is fetched with 1 row and again with 25 rows: the two counts must be equal and within the bound
stated here, so that a query per row (a related record, a count, a role looked up in the template) fails
a test instead of slowing a county's list down. A bound that has to rise needs a reason in the commit.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from python_calamine import CalamineWorkbook

from openpes.accounts import services as accounts
from openpes.accounts.models import Institution, Staff
from openpes.accounts.roles import Role
from openpes.employment import services as employment
from openpes.employment.models import Registration
from openpes.people import services as people
from openpes.people.models import Household, Person
from openpes.regions.models import Region, RegionLevel
from tests.api.conftest import ApiClient
from tests.factories import PersonInputFactory
from tests.pages.conftest import verify_second_factor

pytestmark = pytest.mark.django_db

FEW, MANY = 1, 25


@dataclass
class ListCase:
    fetch: Callable[[], HttpResponse]
    rows: Callable[[HttpResponse], int]
    grow: Callable[[int], None]  # add this many rows to the list


def page_rows(key: str) -> Callable[[HttpResponse], int]:
    def rows(response: HttpResponse) -> int:
        value = response.context[key]  # type: ignore[attr-defined]
        return len(list(getattr(value, "object_list", value)))

    return rows


def api_rows(response: HttpResponse) -> int:
    body = response.json()
    return len(body["items"] if isinstance(body, dict) and "items" in body else body)


class Registry:
    """A county officer registering persons in households spread over two villages and two townships."""

    def __init__(self, places: Any, make_staff: Callable[..., Staff]) -> None:
        self.clerk = make_staff(Role.COUNTY_OFFICER, places.county)
        self.villages = [places.village_a1, places.village_a2, places.village_b1]
        self.count = 0
        self.household: Household | None = None

    def person(self) -> Any:
        village = self.villages[self.count % len(self.villages)]
        self.count += 1
        person = people.person_create(actor=self.clerk, data=PersonInputFactory(region_code=village))
        household = people.household_create(actor=self.clerk, region_code=village, address=f"{self.count}组")
        people.household_add_member(actor=self.clerk, household=household, person=person, relation="01")
        return person

    def persons(self, n: int) -> None:
        for _ in range(n):
            self.person()

    def members(self, n: int) -> None:
        """Persons in one household of village A1 (the household is made with its head)."""
        for _ in range(n):
            village = self.villages[0]
            person = people.person_create(actor=self.clerk, data=PersonInputFactory(region_code=village))
            if self.household is None:
                self.household = people.household_create(actor=self.clerk, region_code=village)
                relation = "01"
            else:
                relation = "20"
            people.household_add_member(
                actor=self.clerk, household=self.household, person=person, relation=relation
            )

    def unemployed(self, n: int) -> None:
        """Persons registered unemployed; each heads a household of one, which becomes zero-employment."""
        for _ in range(n):
            employment.unemployment_register(
                actor=self.clerk, person=self.person(), basis="residence", reason="dismissed"
            )

    def timeline(self, n: int) -> None:
        """Status events of one person (alternating registrations)."""
        if self.household is None:
            self.members(1)
        person = Person.objects.filter(household=self.household).first()
        for _ in range(n):
            if Registration.objects.filter(
                person=person, kind="unemployment", closed_on__isnull=True
            ).exists():
                employment.employment_register(
                    actor=self.clerk, person=person, basis="residence", form="flexible"
                )
            else:
                employment.unemployment_register(
                    actor=self.clerk, person=person, basis="residence", reason="dismissed"
                )

    def reveals(self, n: int) -> None:
        person = self.person()
        for i in range(n):
            people.person_reveal(actor=self.clerk, person=person, field_name="phone", reason=f"回访{i}")


def _signed_in(staff: Staff, *, second_factor: bool = False) -> Client:
    client = Client()
    client.force_login(staff)
    if second_factor:
        verify_second_factor(client, staff)
    return client


def _api(staff: Staff) -> ApiClient:
    _, raw = accounts.token_create(actor=staff, name="列表")
    return ApiClient(raw)


def persons_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)
    return ListCase(lambda: client.get("/persons/"), page_rows("page"), reg.persons)


def persons_search_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)
    return ListCase(lambda: client.post("/persons/", {"sex": "M"}), page_rows("page"), reg.persons)


def persons_export(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)

    def rows(response: HttpResponse) -> int:
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        return len(book.get_sheet_by_index(0).to_python()) - 1  # the header row

    return ListCase(lambda: client.get("/persons/export.xlsx"), rows, reg.persons)


def households_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)
    return ListCase(lambda: client.get("/households/"), page_rows("page"), reg.persons)


def household_members_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)

    def fetch() -> HttpResponse:
        assert reg.household is not None
        return client.get(f"/households/{reg.household.pk}/")

    return ListCase(fetch, page_rows("members"), reg.members)


def staff_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    admin = make_staff(Role.ADMINISTRATOR, places.township_a)
    client = _signed_in(admin, second_factor=True)
    # Staff of every kind the page shows: roles, an institution, villages and the township itself.
    institution = Institution.objects.create(
        name="乡劳动保障站",
        region_id=places.township_a,
        region_code=places.township_a,
        level=RegionLevel.TOWNSHIP,
    )
    kinds = [
        (Role.VILLAGE_BROKER, places.village_a1),
        (Role.TOWNSHIP_OFFICER, places.township_a),
        (Role.AUDITOR, places.village_a2),
    ]

    def grow(n: int) -> None:
        for _ in range(n):
            role, region = kinds[Staff.objects.count() % len(kinds)]
            member = make_staff(role, region)
            Staff.objects.filter(pk=member.pk).update(institution=institution)

    return ListCase(lambda: client.get("/accounts/staff/"), page_rows("page"), grow)


def tokens_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)

    def grow(n: int) -> None:
        for i in range(n):
            accounts.token_create(actor=reg.clerk, name=f"对接{i}")

    return ListCase(lambda: client.get("/accounts/tokens/"), page_rows("tokens"), grow)


def change_log_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(make_staff(Role.AUDITOR, places.county))
    return ListCase(lambda: client.get("/audit/changes/"), page_rows("page"), lambda n: reg.members(n))


def access_log_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(make_staff(Role.AUDITOR, places.county))
    return ListCase(lambda: client.get("/audit/access/"), page_rows("page"), reg.reveals)


def _region_case(
    name: str, url: Callable[[str], str], rows: Callable[[HttpResponse], int]
) -> Callable[..., ListCase]:
    """Regions are not added one by one: a township left with one current village (the others retired
    for the test) is compared with the township that has the most villages."""

    def case(reg: Registry, make_staff: Any, places: Any) -> ListCase:
        client = _api(reg.clerk) if "/api/" in url("") else _signed_in(reg.clerk)
        townships = Region.objects.filter(parent_code=places.county, level=RegionLevel.TOWNSHIP)
        sizes = {t.code: Region.objects.current().filter(parent_code=t.code).count() for t in townships}
        small, big = min(sizes, key=sizes.__getitem__), max(sizes, key=sizes.__getitem__)
        assert sizes[big] >= MANY - 5, sizes
        kept = Region.objects.filter(parent_code=small).order_by("code").first()
        Region.objects.filter(parent_code=small).exclude(pk=kept.pk).update(retired=True)  # type: ignore[union-attr]
        state = {"code": small}

        def grow(n: int) -> None:  # the first call asks for the one-row list, the second for the long one
            state["code"] = small if n == FEW else big

        def fetch() -> HttpResponse:
            address = url(state["code"])
            return client.get_json(address) if isinstance(client, ApiClient) else client.get(address)

        return ListCase(fetch, rows, grow)

    case.__name__ = name
    return case


regions_page = _region_case("regions_page", lambda code: f"/regions/{code}/", page_rows("children"))
regions_api = _region_case("regions_api", lambda code: f"/api/v1/regions?parent={code}", api_rows)


def persons_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)
    return ListCase(lambda: client.get_json("/persons"), api_rows, reg.persons)


def persons_search_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)
    return ListCase(lambda: client.call("POST", "/persons/search", {"sex": "M"}), api_rows, reg.persons)


def households_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)
    return ListCase(lambda: client.get_json("/households"), api_rows, reg.persons)


def household_members_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)

    def fetch() -> HttpResponse:
        assert reg.household is not None
        return client.get_json(f"/households/{reg.household.pk}")

    def rows(response: HttpResponse) -> int:
        return len(response.json()["members"])

    return ListCase(fetch, rows, reg.members)


def registrations_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)
    return ListCase(lambda: client.get("/employment/registrations/"), page_rows("page"), reg.unemployed)


def key_groups_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)
    return ListCase(lambda: client.get("/employment/key-groups/"), page_rows("page"), reg.unemployed)


def zero_households_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)
    return ListCase(lambda: client.get("/employment/zero-households/"), page_rows("page"), reg.unemployed)


def person_employment_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)

    def fetch() -> HttpResponse:
        person = Person.objects.filter(household=reg.household).first()
        assert person is not None
        return client.get(f"/employment/persons/{person.pk}/")

    return ListCase(fetch, page_rows("timeline"), reg.timeline)


def registrations_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)
    return ListCase(lambda: client.get_json("/employment/registrations"), api_rows, reg.unemployed)


def key_groups_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)
    return ListCase(lambda: client.get_json("/employment/key-groups"), api_rows, reg.unemployed)


def zero_households_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)
    return ListCase(
        lambda: client.get_json("/employment/zero-employment-households"), api_rows, reg.unemployed
    )


def person_employment_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)

    def fetch() -> HttpResponse:
        person = Person.objects.filter(household=reg.household).first()
        assert person is not None
        return client.get_json(f"/persons/{person.pk}/employment")

    def rows(response: HttpResponse) -> int:
        return len(response.json()["timeline"])

    return ListCase(fetch, rows, reg.timeline)


def _grow_employers(reg: Registry) -> Callable[[int], None]:
    """Employers over the three villages, each a key enterprise with the clerk as its specialist."""
    from openpes.employers import services as employers
    from tests.employers.helpers import load_some_taxonomy, make_employer

    def grow(n: int) -> None:
        load_some_taxonomy()
        for i in range(n):
            employer = make_employer(reg.clerk, reg.villages[i % len(reg.villages)])
            employers.employer_key_enterprise_set(
                actor=reg.clerk, employer=employer, is_key_enterprise=True, specialist=reg.clerk
            )

    return grow


def _grow_surveys(reg: Registry) -> Callable[[int], None]:
    """Demand surveys of one employer, two lines each."""
    import datetime as dt

    from openpes.employers import services as employers
    from tests.employers.helpers import COOK, WELDER, load_some_taxonomy, make_employer

    def grow(n: int) -> None:
        load_some_taxonomy()
        employer = getattr(reg, "employer", None) or make_employer(reg.clerk, reg.villages[0])
        reg.employer = employer  # type: ignore[attr-defined]
        for _ in range(n):
            employers.demand_survey_create(
                actor=reg.clerk,
                employer=employer,
                surveyed_on=dt.date.today(),
                lines=[
                    employers.DemandLineInput(occupation_code=COOK, headcount=2),
                    employers.DemandLineInput(occupation_code=WELDER, headcount=3),
                ],
            )

    return grow


def employers_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)
    return ListCase(lambda: client.get("/employers/"), page_rows("page"), _grow_employers(reg))


def employers_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)
    return ListCase(lambda: client.get_json("/employers"), api_rows, _grow_employers(reg))


def demand_surveys_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)
    return ListCase(lambda: client.get("/employers/demand-surveys/"), page_rows("page"), _grow_surveys(reg))


def demand_surveys_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)
    return ListCase(lambda: client.get_json("/demand-surveys"), api_rows, _grow_surveys(reg))


def employer_detail_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)

    def fetch() -> HttpResponse:
        return client.get(f"/employers/{reg.employer.pk}/")  # type: ignore[attr-defined]

    return ListCase(fetch, page_rows("surveys"), _grow_surveys(reg))


def employer_surveys_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)

    def fetch() -> HttpResponse:
        return client.get_json(f"/employers/{reg.employer.pk}/demand-surveys")  # type: ignore[attr-defined]

    return ListCase(fetch, api_rows, _grow_surveys(reg))


def _grow_vacancies(reg: Registry, *, submit: bool = False) -> Callable[[int], None]:
    """Vacancies of employers over the three villages (one employer per three vacancies), some flagged."""
    from openpes.vacancies import services as vacancies
    from tests.vacancies.pool import make_vacancy, verified_employer

    def grow(n: int) -> None:
        for i in range(n):
            if i % 3 == 0 or not getattr(reg, "vacancy_employer", None):
                reg.vacancy_employer = verified_employer(reg.clerk, reg.villages[i % len(reg.villages)])  # type: ignore[attr-defined]
            queued = submit or i % 2 == 0  # the others are drafts with a screening flag
            description = "负责湘菜" if queued else "限男性"
            vacancy = make_vacancy(reg.clerk, reg.vacancy_employer, description=description)  # type: ignore[attr-defined]
            if queued:
                vacancies.vacancy_submit(actor=reg.clerk, vacancy=vacancy)

    return grow


def vacancies_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)
    return ListCase(lambda: client.get("/vacancies/"), page_rows("page"), _grow_vacancies(reg))


def review_queue_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)
    return ListCase(
        lambda: client.get("/vacancies/review/"), page_rows("page"), _grow_vacancies(reg, submit=True)
    )


def vacancy_file_imports_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    """The upload page's recent imports, each with its uploader."""
    from openpes.vacancies.models import VacancyFileImport

    def grow(n: int) -> None:
        for i in range(n):
            uploader = make_staff(Role.COUNTY_OFFICER, places.county)
            VacancyFileImport.objects.create(
                region_code=places.county, filename=f"岗位{i}.xlsx", total_rows=3, created_by=uploader
            )

    client = _signed_in(reg.clerk)
    return ListCase(lambda: client.get("/vacancies/import/"), page_rows("recent"), grow)


def vacancies_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)
    return ListCase(lambda: client.get_json("/vacancies"), api_rows, _grow_vacancies(reg))


def _grow_duplicates(reg: Registry) -> Callable[[int], None]:
    """One vacancy gaining sources and probable duplicates (the same posting entered again)."""
    from openpes.vacancies.services import duplicates
    from tests.vacancies.pool import make_vacancy, verified_employer

    def grow(n: int) -> None:
        if not hasattr(reg, "vacancy"):
            employer = verified_employer(reg.clerk, reg.villages[0])
            reg.vacancy = make_vacancy(reg.clerk, employer)  # type: ignore[attr-defined]
        for _ in range(n):
            make_vacancy(reg.clerk, reg.vacancy.employer)  # type: ignore[attr-defined]
            duplicates.add_source(reg.vacancy, raw=reg.vacancy, channel="file")  # type: ignore[attr-defined]

    return grow


def _duplicate_rows(response: HttpResponse) -> int:
    if response.headers["Content-Type"].startswith("application/json"):
        body = response.json()
        return len(body["duplicates"]) + len(body["sources"])
    context = response.context  # type: ignore[attr-defined]
    return len(context["duplicates"]) + len(context["sources"])


def vacancy_duplicates_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(reg.clerk)
    return ListCase(
        lambda: client.get(f"/vacancies/{reg.vacancy.pk}/"),  # type: ignore[attr-defined]
        _duplicate_rows,
        _grow_duplicates(reg),
    )


def vacancy_duplicates_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _api(reg.clerk)
    return ListCase(
        lambda: client.get_json(f"/vacancies/{reg.vacancy.pk}"),  # type: ignore[attr-defined]
        _duplicate_rows,
        _grow_duplicates(reg),
    )


def partners_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    client = _signed_in(make_staff(Role.ADMINISTRATOR, places.county), second_factor=True)
    counter = iter(range(10_000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            partner = accounts.partner_create(actor=None, name=f"人才网{i}", region_code=reg.villages[i % 3])
            key, _ = accounts.partner_key_create(actor=None, partner=partner, scopes=["jobs:read"])
            if i % 2:
                accounts.partner_key_revoke(actor=reg.clerk, key=key, reason="换发")

    return ListCase(lambda: client.get("/accounts/partners/"), page_rows("page"), grow)


def partner_keys_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    admin = make_staff(Role.ADMINISTRATOR, places.county)
    client = _signed_in(admin, second_factor=True)
    partner = accounts.partner_create(actor=None, name="人才网", region_code=places.township_a)

    def grow(n: int) -> None:
        for i in range(n):
            key, _ = accounts.partner_key_create(actor=admin, partner=partner, scopes=["jobs:read"])
            if i % 2:
                accounts.partner_key_revoke(actor=admin, key=key, reason="换发")

    return ListCase(lambda: client.get(f"/accounts/partners/{partner.pk}/"), page_rows("keys"), grow)


def partner_vacancies_api(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    from openpes.vacancies import services as vacancies
    from tests.api.conftest import PartnerClient
    from tests.vacancies.pool import COOK_POSTING, verified_employer

    partner = accounts.partner_create(actor=None, name="人才网", region_code=places.county)
    key, raw = accounts.partner_key_create(
        actor=None, partner=partner, scopes=["vacancies:write", "vacancies:read"]
    )
    employers = [verified_employer(reg.clerk, village) for village in reg.villages]
    client = PartnerClient(raw)
    counter = iter(range(10_000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            vacancies.partner_vacancy_post(
                key=key,
                external_id=f"job-{i}",
                credit_code=employers[i % 3].uscc,
                data=vacancies.VacancyInput(**{**COOK_POSTING, "title": f"厨师{i}"}),
            )

    return ListCase(lambda: client.get_json("/partner/vacancies"), api_rows, grow)


def screening_clearances_page(reg: Registry, make_staff: Any, places: Any) -> ListCase:
    """The clearances by rule: two rules, so that the rows (the latest clearances shown) grow."""
    from openpes.vacancies import rules, services
    from tests.vacancies.pool import make_vacancy, verified_employer

    reviewer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(reg.clerk, reg.villages[0])
    phrases = ["限男性", "已婚已育优先"]

    def grow(n: int) -> None:
        for i in range(n):
            vacancy = make_vacancy(reg.clerk, employer, description=phrases[i % 2])
            flag = rules.blocking_flags(vacancy.screening_flags)[0]
            services.vacancy_clear_flag(
                actor=reviewer,
                vacancy=vacancy,
                flag_ref=rules.flag_ref(flag),
                reason="核实为国家规定允许的情形",
            )

    def shown(response: HttpResponse) -> int:
        return sum(len(rule.latest) for rule in response.context["rules"])  # type: ignore[attr-defined]

    client = _signed_in(reviewer)
    return ListCase(lambda: client.get("/vacancies/screening/clearances/"), shown, grow)


# (list, its bound): the queries of one request, all told: the session, the staff member, roles and
# permissions (about 6 for a page, 4 for a token), the count and the rows, and saving the session. The bounds
# leave 2 for a check per request yet to come; what they must never do is grow with the rows.
CASES: list[tuple[Callable[..., ListCase], int]] = [
    (persons_page, 15),  # 13: + the village names of the page
    (persons_search_page, 15),
    (persons_export, 15),
    (households_page, 15),
    (household_members_page, 14),
    (staff_page, 14),
    (tokens_page, 12),
    (change_log_page, 14),  # the presenter reads names once per kind of record on the page
    (access_log_page, 13),
    (regions_page, 14),
    (persons_api, 8),  # 6: token, its last use, permissions (2), count, rows
    (persons_search_api, 8),
    (households_api, 8),
    (household_members_api, 8),
    (regions_api, 8),
    (registrations_page, 10),
    (key_groups_page, 10),
    (zero_households_page, 10),
    (person_employment_page, 13),
    (registrations_api, 6),
    (key_groups_api, 6),
    (zero_households_api, 6),
    (person_employment_api, 10),
    (employers_page, 11),  # 9: + the place names of the page
    (employers_api, 6),
    (demand_surveys_page, 10),  # 8: + the lines and the occupation names
    (demand_surveys_api, 7),
    (employer_detail_page, 12),  # 10: + accounts, surveys and their lines, specialists to choose from
    (employer_surveys_api, 8),
    (vacancies_page, 11),  # 9: + the review queue's count
    (review_queue_page, 11),
    (vacancies_api, 6),
    (vacancy_duplicates_page, 11),  # 9: the vacancy, corrections, sources, duplicates, re-posts
    (vacancy_duplicates_api, 8),  # 6: token, permissions, the vacancy, its sources, duplicates, re-posts
    (vacancy_file_imports_page, 10),
    (partners_page, 10),  # 8: the partners with their regions, then their keys, issuers and revokers
    (partner_keys_page, 8),
    (partner_vacancies_api, 5),  # 3: the key (its last use at most once a minute), count, rows
    (screening_clearances_page, 10),
]


@pytest.mark.parametrize(("make_case", "bound"), CASES, ids=[case.__name__ for case, _ in CASES])
def test_a_list_takes_as_many_queries_for_25_rows_as_for_one(
    make_case: Callable[..., ListCase],
    bound: int,
    places: Any,
    make_staff: Callable[..., Staff],
    django_assert_max_num_queries: Any,
) -> None:
    case = make_case(Registry(places, make_staff), make_staff, places)
    case.grow(FEW)
    case.fetch()  # the first request of a session may save it; measure the ones after
    with django_assert_max_num_queries(bound) as few:
        response = case.fetch()
    assert response.status_code == 200, response.content
    shown_few = case.rows(response)
    case.grow(MANY - FEW)
    with django_assert_max_num_queries(bound) as many:
        response = case.fetch()
    assert response.status_code == 200
    assert case.rows(response) > shown_few >= 1
    # never more for 25 rows than for one (fewer is fine: an older row of another kind can leave the page)
    assert len(many) <= len(few), "\n".join(q["sql"] for q in many.captured_queries)
