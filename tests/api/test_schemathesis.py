"""Property-based runs over the OpenAPI document with schemathesis (SECURITY.md 2).

1. Every GET endpoint, with generated query and path values, as a township-A officer (and, on the partner
   endpoints, a partner system of township A whose key holds every scope): never a 5xx, and every answer
   matches the documented schema, status codes and content type.
2. IDOR: every operation whose path names a record ({person_id}, {household_id}, {code}, {external_id}),
   called as the township-A officer (partner) with the ids of township B's records (another partner's
   external_id) and otherwise generated input, is never a 2xx.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import product
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from openpes.accounts import services as accounts
from openpes.accounts.models import PartnerScope, Staff
from openpes.accounts.roles import Role
from openpes.employment import services as employment

pytestmark = pytest.mark.django_db

FAST = settings(
    max_examples=15,
    deadline=None,
    database=None,  # the registry's ids differ per run: replaying old examples means nothing
    derandomize=True,  # the same cases every run: a failure here is a bug, never a flake
    suppress_health_check=list(HealthCheck),
)
FEWER = settings(FAST, max_examples=8)
RESPONSE_CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@pytest.fixture
def schema() -> Iterator[Any]:
    # The real WSGI handler closes the database connection after each request, which on PostgreSQL would end
    # the test's transaction; Django's own test client switches that off the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def partners(places: Any) -> dict[str, Any]:
    """A partner system serving each township."""
    return {
        which: accounts.partner_create(actor=None, name=f"{which}镇人才网", region_code=region)
        for which, region in (("a", places.township_a), ("b", places.township_b))
    }


@pytest.fixture
def officer_a(places: Any, make_staff: Callable[..., Staff], partners: dict[str, Any]) -> dict[str, str]:
    """A township-A officer's token for the staff endpoints, and the key (every scope) of township A's
    partner system for the partner endpoints: each kind of endpoint reads only its own header."""
    staff = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    _, raw = accounts.token_create(actor=staff, name="schemathesis")
    _, key = accounts.partner_key_create(actor=None, partner=partners["a"], scopes=list(PartnerScope.values))
    return {"Authorization": f"Bearer {raw}", "X-API-Key": key}


def operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def registrations(registry: Any) -> dict[str, Any]:
    """An open unemployment registration in each township."""
    return {
        which: employment.unemployment_register(
            actor=registry.county, person=person, basis="residence", reason="dismissed"
        )
        for which, person in (("a", registry.person_a), ("b", registry.person_b))
    }


@pytest.fixture
def employers(registry: Any, places: Any) -> dict[str, Any]:
    """An employer in each township, with a demand survey."""
    import datetime as dt

    from openpes.employers import services as employer_services
    from tests.employers.helpers import COOK, load_some_taxonomy, make_employer

    load_some_taxonomy()
    made = {}
    for which, village in (("a", places.village_a1), ("b", places.village_b1)):
        employer = make_employer(registry.county, village)
        employer_services.demand_survey_create(
            actor=registry.county,
            employer=employer,
            surveyed_on=dt.date.today(),
            lines=[employer_services.DemandLineInput(occupation_code=COOK, headcount=2)],
        )
        made[which] = employer
    return made


@pytest.fixture
def vacancies(registry: Any, employers: dict[str, Any]) -> dict[str, Any]:
    """A vacancy of each township's employer, with no work place of its own (filed under the employer)."""
    from tests.vacancies.pool import make_vacancy

    return {
        which: make_vacancy(registry.county, employer, place_text="") for which, employer in employers.items()
    }


@pytest.fixture
def partner_vacancies(partners: dict[str, Any], employers: dict[str, Any]) -> dict[str, Any]:
    """A vacancy posted by each township's partner system for its township's employer."""
    from openpes.vacancies import services as vacancy_services
    from tests.vacancies.pool import COOK_POSTING

    made = {}
    for which in ("a", "b"):
        key, _ = accounts.partner_key_create(
            actor=None, partner=partners[which], scopes=[PartnerScope.VACANCIES_WRITE]
        )
        made[which], _ = vacancy_services.partner_vacancy_post(
            key=key,
            external_id=f"{which}-1",
            credit_code=employers[which].uscc,
            data=vacancy_services.VacancyInput(**COOK_POSTING),
        )
    return made


def test_get_endpoints_never_fail_and_match_the_schema(
    schema, officer_a, registry, registrations, employers, vacancies, partner_vacancies
):
    gets = operations(schema.include(method="GET"))
    assert len(gets) == 24
    for operation in gets:

        @FAST
        @given(case=operation.as_strategy(headers=officer_a))
        def run(case: Any) -> None:
            response = case.call()
            case.validate_response(response, checks=RESPONSE_CHECKS)
            assert response.status_code < 500

        run()


# Records of township B, by the name of the path parameter that names them. A new endpoint with a new path
# parameter fails `test_idor` until it is listed here.
def b_records(
    registry: Any,
    places: Any,
    registrations: dict[str, Any],
    employers: dict[str, Any],
    vacancies: dict[str, Any],
    partner_vacancies: dict[str, Any],
) -> dict[str, list[Any]]:
    return {
        "external_id": [partner_vacancies["b"].external_id],
        "employer_id": [employers["b"].pk],
        "vacancy_id": [vacancies["b"].pk],
        "registration_id": [registrations["b"].pk],
        "person_id": [registry.person_b.pk],
        "household_id": [registry.household_b.pk],
        "code": [places.township_b, places.village_b1, places.county],
    }


def test_idor_township_a_never_reaches_township_b(
    schema, officer_a, registry, places, registrations, employers, vacancies, partner_vacancies
):
    records = b_records(registry, places, registrations, employers, vacancies, partner_vacancies)
    with_ids = [op for op in operations(schema) if "{" in op.path]
    assert {op.method.upper() for op in with_ids} >= {"GET", "PATCH", "POST"}
    for operation in with_ids:
        names = [p.name for p in operation.path_parameters]
        assert set(names) <= set(records), f"list the records of township B for {operation.path}"
        for value in (
            dict(zip(names, values, strict=True)) for values in product(*(records[n] for n in names))
        ):

            @FEWER
            @given(case=operation.as_strategy(headers=officer_a, path_parameters=value))
            def run(case: Any) -> None:
                response = case.call()
                assert not 200 <= response.status_code < 300, (
                    case.method,
                    case.formatted_path,
                    response.text,
                )
                assert response.status_code < 500

            run()


def test_idor_check_reaches_township_a_records_with_the_same_calls(
    schema, officer_a, registry, places, registrations, employers, vacancies, partner_vacancies
):
    """The control: the same GETs on township A's own records answer 200, so the 404s above are the
    jurisdiction at work, not a broken request."""
    own = {
        "external_id": partner_vacancies["a"].external_id,
        "employer_id": employers["a"].pk,
        "vacancy_id": vacancies["a"].pk,
        "registration_id": registrations["a"].pk,
        "person_id": registry.person_a.pk,
        "household_id": registry.household_a.pk,
        "code": places.village_a1,
    }
    for operation in operations(schema.include(method="GET")):
        if "{" not in operation.path:
            continue
        values = {p.name: own[p.name] for p in operation.path_parameters}
        case = operation.Case(path_parameters=values, headers=officer_a)
        assert case.call().status_code == 200, operation.path
