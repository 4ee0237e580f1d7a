"""Migrations that change stored data, run on a database of their own in a separate process (the test
database cannot be rolled back past the audit triggers): people/0003 shortens stored blind indexes to the
128 bits the code now computes, so a person registered before it is still found by ID number after it;
people/0004 replaces the plain birth date and mask by the birth month and a keyed hash of the tail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

call_command("migrate", "people", "0002", verbosity=0)
old = MigrationExecutor(connection).loader.project_state(("people", "0002_hash_indexes_without_pattern_ops")).apps.get_model("people", "Person")
from openpes.core.crypto import provider
from openpes.people.services import ID_CONTEXT, PHONE_CONTEXT
number, phone = "43052719900517018X", "13800001111"
def full_index(value, context):  # what the code before 0003 stored: all 256 bits, 64 hex digits
    m = provider()._index_mac.copy()
    m.update(context.encode() + b"\\x00" + value.encode())
    return m.finalize().hex()
old.objects.create(
    name="王芳", id_number_encrypted=provider().encrypt(number, context=ID_CONTEXT),
    id_number_index=full_index(number, ID_CONTEXT), id_number_masked="430527********018X",
    birth_date="1990-05-17", sex="M", phone_encrypted=provider().encrypt(phone, context=PHONE_CONTEXT),
    phone_index=full_index(phone, PHONE_CONTEXT), phone_masked="138****1111", region_code="430527100001",
)
call_command("migrate", verbosity=0)
from openpes.people.models import Person
from openpes.people.services import id_index, id_tail_index, phone_index
person = Person.objects.get()
with connection.cursor() as cursor:
    columns = [c.name for c in connection.introspection.get_table_description(cursor, "people_person")]
collations = {}
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, collation_name FROM information_schema.columns"
            " WHERE table_name = 'people_person' AND column_name IN ('id_number_index', 'phone_index')"
        )
        collations = dict(cursor.fetchall())
print(json.dumps({
    "collations": collations,
    "lengths": [len(person.id_number_index), len(person.phone_index)],
    "found_by_id": Person.objects.filter(id_number_index=id_index(number)).count(),
    "found_by_phone": Person.objects.filter(phone_index=phone_index(phone)).count(),
    "found_by_tail": Person.objects.filter(id_tail_index=id_tail_index("018X")).count(),
    "birth_month": str(person.birth_month),
    "mask": person.id_number_masked,
    "plain_columns_left": sorted({"birth_date", "id_number_masked"} & set(columns)),
}))
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_")}
    env.update(OPENPES_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="openpes.settings")
    if request.param == "sqlite":
        yield env
        return
    psycopg = pytest.importorskip("psycopg")
    server = os.environ.get("OPENPES_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test").rsplit(
        "/", 1
    )[0]
    name = f"openpes_migration_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server answers (scripts/test.sh requires one in CI)")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield {**env, "OPENPES_DATABASE_URL": f"{server}/{name}"}
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_person_stored_before_0003_is_found_by_id_phone_and_tail_after_0004(
    database: dict[str, str],
) -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT], env=database, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    byte_order = {"id_number_index": "C", "phone_index": "C"} if "OPENPES_DATABASE_URL" in database else {}
    assert result == {
        "collations": byte_order,
        "lengths": [32, 32],
        "found_by_id": 1,
        "found_by_phone": 1,
        "found_by_tail": 1,  # people/0004: the tail's keyed hash made from the old mask
        "birth_month": "1990-05-01",
        "mask": "430527********018X",  # now derived from the ciphertext
        "plain_columns_left": [],
    }
