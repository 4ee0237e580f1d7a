"""SECURITY.md #7: audit rows cannot be changed or deleted, through the ORM or raw SQL (database triggers on
SQLite and PostgreSQL) — REPLACE, INSERT OR REPLACE, upserts and MERGE included; purge removes only rows older
than the retention period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from openpes.audit import services as audit
from openpes.audit.models import AccessLog, AppendOnlyError, ChangeLog, LoginLog

MODELS = [ChangeLog, AccessLog, LoginLog]
# the text column each test tries to forge
NAME_COLUMN = {ChangeLog: "actor_name", AccessLog: "actor_name", LoginLog: "username"}


def make_row(model, *, days_ago: float = 0, staff=None):
    if model is LoginLog:
        return LoginLog.objects.create(
            at=timezone.now() - dt.timedelta(days=days_ago),
            username=staff.username if staff else "system",
            staff=staff,
            ip_address="198.51.100.7",
            outcome=LoginLog.Outcome.FAILURE,
        )
    fields = {
        "at": timezone.now() - dt.timedelta(days=days_ago),
        "actor": staff,
        "actor_name": staff.username if staff else "system",
        "channel": "cli",
        "target_type": "people.person",
        "target_id": "1",
    }
    if model is AccessLog:
        fields |= {"field": "id_number", "reason": "核对"}
    else:
        fields |= {"action": "create", "summary": "登记"}
    return model.objects.create(**fields)


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def raw(sql: str, params: list) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def name_of(model, row) -> str:
    return model.objects.filter(pk=row.pk).values_list(NAME_COLUMN[model], flat=True).get()


def copy_with_forged_name(model, verb: str, tail: str = "") -> str:
    """`<verb> table (all columns) SELECT <the row, its name column replaced by a parameter> … <tail>`:
    an attempt to write a row over an existing one with the same id."""
    columns = [f.column for f in model._meta.concrete_fields]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    picked = ", ".join("%s" if c == NAME_COLUMN[model] else connection.ops.quote_name(c) for c in columns)
    return f"{verb} {table(model)} ({quoted}) SELECT {picked} FROM {table(model)} WHERE id = %s {tail}"  # noqa: S608


@pytest.fixture(params=MODELS, ids=lambda m: m.__name__)
def model(request, db):
    return request.param


def test_saving_an_existing_row_is_refused(model):
    row = make_row(model)
    setattr(row, NAME_COLUMN[model], "someone-else")
    with pytest.raises(AppendOnlyError):
        row.save()
    assert name_of(model, row) == "system"


def test_deleting_a_row_through_the_orm_is_refused(model):
    row = make_row(model)
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).delete()
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    assert model.objects.filter(pk=row.pk).exists()


def test_queryset_update_and_bulk_update_are_refused(model):
    row = make_row(model)
    column = NAME_COLUMN[model]
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(**{column: "x"})
    setattr(row, column, "x")
    with pytest.raises(AppendOnlyError):
        model.objects.bulk_update([row], [column])
    assert name_of(model, row) == "system"


def test_raw_update_is_refused_by_the_database(model):
    row = make_row(model)
    with pytest.raises(DatabaseError):
        raw(f"UPDATE {table(model)} SET {NAME_COLUMN[model]} = %s WHERE id = %s", ["x", row.pk])  # noqa: S608
    assert name_of(model, row) == "system"


def test_raw_update_of_an_old_row_is_refused_too(model):
    row = make_row(model, days_ago=400)
    with pytest.raises(DatabaseError):
        raw(f"UPDATE {table(model)} SET at = %s WHERE id = %s", [timezone.now(), row.pk])  # noqa: S608


def test_raw_delete_of_a_young_row_is_refused_by_the_database(model):
    row = make_row(model, days_ago=179)
    with pytest.raises(DatabaseError):
        raw(f"DELETE FROM {table(model)} WHERE id = %s", [row.pk])  # noqa: S608
    assert model.objects.filter(pk=row.pk).exists()


def test_raw_delete_of_a_row_past_retention_is_allowed(model):
    row = make_row(model, days_ago=200)
    assert raw(f"DELETE FROM {table(model)} WHERE id = %s", [row.pk]) == 1  # noqa: S608
    assert not model.objects.filter(pk=row.pk).exists()


# SQLite's REPLACE deletes the row it collides with without firing DELETE triggers (recursive_triggers off),
# so before audit/migrations/0004 it rewrote any audit row, however young.
@pytest.mark.skipif(connection.vendor != "sqlite", reason="REPLACE is SQLite's")
@pytest.mark.parametrize("verb", ["REPLACE INTO", "INSERT OR REPLACE INTO"])
@pytest.mark.parametrize("days_ago", [0, 400], ids=["young", "old"])
def test_sqlite_replace_cannot_rewrite_a_row(model, verb, days_ago):
    row = make_row(model, days_ago=days_ago)
    with pytest.raises(DatabaseError):
        raw(copy_with_forged_name(model, verb), ["forged", row.pk])
    assert name_of(model, row) == "system"


@pytest.mark.parametrize("days_ago", [0, 400], ids=["young", "old"])
def test_upsert_cannot_rewrite_a_row(model, days_ago):
    row = make_row(model, days_ago=days_ago)
    column = connection.ops.quote_name(NAME_COLUMN[model])
    upsert = copy_with_forged_name(
        model, "INSERT INTO", f"ON CONFLICT (id) DO UPDATE SET {column} = excluded.{column}"
    )
    with pytest.raises(DatabaseError):
        raw(upsert, ["forged", row.pk])
    assert name_of(model, row) == "system"


def test_a_raw_insert_of_a_new_row_is_allowed(model):
    # the guard against REPLACE refuses only ids already taken; new rows get a fresh id as usual
    row = make_row(model)
    columns = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    before = model.objects.count()
    copy = f"INSERT INTO {table(model)} ({quoted}) SELECT {quoted} FROM {table(model)} WHERE id = %s"  # noqa: S608
    assert raw(copy, [row.pk]) == 1
    assert model.objects.count() == before + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="MERGE is PostgreSQL's (15+)")
@pytest.mark.parametrize("action", ["UPDATE SET {column} = 'forged'", "DELETE"], ids=["update", "delete"])
def test_postgresql_merge_cannot_rewrite_or_delete_a_row(model, action):
    row = make_row(model)
    column = connection.ops.quote_name(NAME_COLUMN[model])
    merge = (
        f"MERGE INTO {table(model)} t USING (SELECT %s::bigint AS id) s ON t.id = s.id "
        f"WHEN MATCHED THEN {action.format(column=column)}"
    )
    with pytest.raises(DatabaseError):
        raw(merge, [row.pk])
    assert name_of(model, row) == "system"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_on_postgresql(model):
    make_row(model)
    with pytest.raises(DatabaseError):
        raw(f"TRUNCATE {table(model)}", [])


def test_purge_deletes_rows_past_retention_and_keeps_younger_ones(db, settings):
    settings.AUDIT_RETENTION_DAYS = 180
    old = [make_row(m, days_ago=200) for m in MODELS]
    young = [make_row(m, days_ago=170) for m in MODELS]
    removed = audit.purge()
    assert removed == {"audit.changelog": 1, "audit.accesslog": 1, "audit.loginlog": 1}
    for row in old:
        assert not type(row).objects.filter(pk=row.pk).exists()
    for row in young:
        assert type(row).objects.filter(pk=row.pk).exists()


def test_purge_honours_a_longer_retention_period(db, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    kept = make_row(ChangeLog, days_ago=200)
    gone = make_row(ChangeLog, days_ago=400)
    audit.purge()
    assert ChangeLog.objects.filter(pk=kept.pk).exists()
    assert not ChangeLog.objects.filter(pk=gone.pk).exists()


def test_purge_with_a_retention_below_the_floor_is_stopped_by_the_database(db, settings):
    # settings.py never allows less than 180 days; if it were bypassed the triggers still hold.
    settings.AUDIT_RETENTION_DAYS = 30
    row = make_row(ChangeLog, days_ago=60)
    with pytest.raises(DatabaseError):
        audit.purge()
    assert ChangeLog.objects.filter(pk=row.pk).exists()


def test_retention_setting_cannot_go_below_six_months(monkeypatch):
    import importlib

    import openpes.settings as module

    monkeypatch.setenv("OPENPES_AUDIT_RETENTION_DAYS", "30")
    try:
        assert importlib.reload(module).AUDIT_RETENTION_DAYS == 180
        monkeypatch.setenv("OPENPES_AUDIT_RETENTION_DAYS", "400")
        assert importlib.reload(module).AUDIT_RETENTION_DAYS == 400
    finally:
        monkeypatch.delenv("OPENPES_AUDIT_RETENTION_DAYS")
        importlib.reload(module)


def test_record_change_diff_keeps_only_changed_keys():
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}


def test_audit_writers_record_the_channel_of_the_context(db):
    from openpes.core.context import RequestContext, acting

    with acting(RequestContext(ip_address="::1", channel="api")):
        audit.record_bulk_change(actor=None, action="bulk_create", model=ChangeLog, ids=[1, 2])
    row = ChangeLog.objects.latest("id")
    assert (row.channel, row.ip_address, row.actor_name, row.row_count) == ("api", "::1", "system", 2)
    assert row.changes == {"ids": ["1", "2"]} and row.target_type == "audit.changelog"
    audit.record_bulk_change(actor=None, action="bulk_create", model=ChangeLog, ids=[])
    assert ChangeLog.objects.latest("id").channel == "cli"
