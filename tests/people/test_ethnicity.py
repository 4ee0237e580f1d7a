"""民族 as a GB/T 3304 code: the list shipped, what the services accept, and the migration of free text."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from openpes.accounts.roles import Role
from openpes.people import services
from openpes.people.models import Ethnicity
from tests.factories import PersonInputFactory
from tests.people.test_migrations import database  # noqa: F401 - the fixture, on SQLite and PostgreSQL

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def county(make_staff, places):
    return make_staff(Role.COUNTY_OFFICER, places.county)


def test_the_list_is_the_56_groups_of_gb_t_3304_in_order_then_other_and_foreign_origin() -> None:
    codes = list(Ethnicity.values)
    assert codes == [f"{n:02d}" for n in range(1, 57)] + ["97", "98"]
    labels = list(Ethnicity.labels)
    assert len(set(labels)) == 58
    assert labels[:6] == ["汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族"]
    assert (Ethnicity("12").label, Ethnicity("31").label, Ethnicity("56").label) == (
        "侗族",
        "达斡尔族",
        "基诺族",
    )
    assert all(label.endswith("族") for label in labels[:56])
    assert labels[56:] == ["其他", "外国血统中国籍人士"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["01", "56", "97", "98", ""])
def test_a_code_or_nothing_is_accepted(county, places, code) -> None:
    data = PersonInputFactory(region_code=places.village_a1, ethnicity=code)
    assert services.person_create(actor=county, data=data, today=TODAY).ethnicity == code


@pytest.mark.django_db
def test_bulk_update_takes_codes_and_refuses_names(county, places, refused) -> None:
    person = services.person_create(
        actor=county, data=PersonInputFactory(region_code=places.village_a1), today=TODAY
    )
    refused(
        lambda: services.persons_bulk_update(
            actor=county, person_ids=[person.pk], changes={"ethnicity": "苗族"}
        ),
        field="ethnicity",
    )
    services.persons_bulk_update(actor=county, person_ids=[person.pk], changes={"ethnicity": "06"})
    person.refresh_from_db()
    assert person.get_ethnicity_display() == "苗族"


MIGRATION_SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

call_command("migrate", "people", "0003", verbosity=0)
old = MigrationExecutor(connection).loader.project_state(("people", "0003_blind_indexes_of_128_bits")).apps.get_model("people", "Person")
texts = ["汉族", "汉", " 苗族 ", "侗族", "瑶", "其它", "外国血统", "达翰尔族", "穿青人", "火星族", "", "12"]
for n, text in enumerate(texts):
    old.objects.create(
        name=f"人{n}", id_number_encrypted="x", id_number_index=f"{n:032d}", id_number_masked="430527********0000",
        birth_date="1990-05-17", sex="M", region_code="430527100001", ethnicity=text,
    )
call_command("migrate", "people", "0006_ethnicity_codes", verbosity=0)
with connection.cursor() as cursor:
    cursor.execute("SELECT name, ethnicity FROM people_person")
    codes = dict(cursor.fetchall())
print(json.dumps([codes[f"人{n}"] for n in range(len(texts))]))
"""


def test_free_text_becomes_codes_and_the_unknown_becomes_other(database: dict[str, str]) -> None:  # noqa: F811
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", MIGRATION_SCRIPT],
        env=database,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == ["01", "01", "06", "12", "13", "97", "98", "31", "97", "97", "", "12"]
