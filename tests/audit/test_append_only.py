"""SECURITY.md #7: audit rows cannot be changed or deleted, through the ORM or raw SQL (database triggers on
SQLite and PostgreSQL); purge removes only rows older than the retention period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from openpes.audit import services as audit
from openpes.audit.models import AccessLog, AppendOnlyError, ChangeLog

MODELS = [ChangeLog, AccessLog]


def make_row(model, *, days_ago: float = 0, staff=None):
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


@pytest.fixture(params=MODELS, ids=lambda m: m.__name__)
def model(request, db):
    return request.param


def test_saving_an_existing_row_is_refused(model):
    row = make_row(model)
    row.actor_name = "someone-else"
    with pytest.raises(AppendOnlyError):
        row.save()
    assert model.objects.get(pk=row.pk).actor_name == "system"


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
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(actor_name="x")
    row.actor_name = "x"
    with pytest.raises(AppendOnlyError):
        model.objects.bulk_update([row], ["actor_name"])
    assert model.objects.get(pk=row.pk).actor_name == "system"


def test_raw_update_is_refused_by_the_database(model):
    row = make_row(model)
    with pytest.raises(DatabaseError):
        raw(f"UPDATE {table(model)} SET actor_name = %s WHERE id = %s", ["x", row.pk])  # noqa: S608
    assert model.objects.get(pk=row.pk).actor_name == "system"


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
    assert removed == {"audit.changelog": 1, "audit.accesslog": 1}
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
        row = audit.record_bulk_change(actor=None, action="bulk_create", model=ChangeLog, ids=[1, 2])
    assert (row.channel, row.ip_address, row.actor_name, row.row_count) == ("api", "::1", "system", 2)
    assert (
        audit.record_bulk_change(actor=None, action="bulk_create", model=ChangeLog, ids=[]).channel == "cli"
    )
