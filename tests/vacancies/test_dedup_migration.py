"""Migration 0008_dedup gives every vacancy already in the pool its first source: its channel, its raw
text as it stands, who entered it and when. (Its data step is run on the current schema, which has the
same fields: a test that migrates the database backwards cannot flush it afterwards, the audit log being
append-only.)"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from openpes.accounts.roles import Role
from openpes.vacancies.models import Vacancy, VacancySource
from tests.vacancies.pool import make_vacancy, verified_employer

pytestmark = pytest.mark.django_db
migration = importlib.import_module("openpes.vacancies.migrations.0008_dedup")


def test_existing_vacancies_get_their_first_source(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_b1)
    entered = make_vacancy(officer, employer, headcount=3)
    other = make_vacancy(officer, employer, title="面点师", description="负责早餐面点")
    Vacancy.objects.filter(pk=other.pk).update(channel="partner", external_id="HR-7")
    VacancySource.objects.all().delete()  # as before the migration
    migration.first_sources(apps, None)
    first = VacancySource.objects.get(vacancy=entered)
    assert (first.channel, first.title, first.description, first.headcount) == (
        "staff",
        entered.title,
        entered.description,
        3,
    )
    assert first.created_by == officer and first.received_at == entered.created_at
    assert first.valid_until == entered.valid_until
    assert VacancySource.objects.get(vacancy=other).external_ref == "HR-7"
    assert VacancySource.objects.count() == 2
