"""The PostgreSQL backend's health check (openpes.core.postgresql): no round trip for a healthy connection, and
a connection the server has ended is replaced before a request uses it."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql import base as django_postgresql

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
]


@pytest.fixture
def second_connection() -> Iterator[BaseDatabaseWrapper]:
    """A connection of its own, outside the test's transaction, as a server thread would hold one."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _start_of_request(wrapper: BaseDatabaseWrapper) -> None:
    """What Django does with a kept connection when a request starts and first uses it."""
    wrapper.health_check_done = False
    wrapper.close_if_health_check_failed()


def test_the_backend_is_ours() -> None:
    from openpes.core.postgresql.base import DatabaseWrapper

    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_healthy_connection_is_kept_without_a_query(second_connection: BaseDatabaseWrapper) -> None:
    kept = second_connection.connection
    with mock.patch.object(django_postgresql.DatabaseWrapper, "is_usable") as select_one:
        _start_of_request(second_connection)
    select_one.assert_not_called()
    assert second_connection.connection is kept


def test_a_connection_the_server_ended_is_replaced_before_use(second_connection: BaseDatabaseWrapper) -> None:
    backend_pid = second_connection.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
        assert cursor.fetchone() == (True,)
    socket = second_connection.connection.fileno()
    deadline = time.monotonic() + 10
    while not select.select([socket], [], [], 0.05)[0]:
        assert time.monotonic() < deadline, "the server did not end the connection"

    _start_of_request(second_connection)

    assert second_connection.connection is None  # closed, so the request opens a new one
    with second_connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != backend_pid


def test_after_an_error_the_full_check_runs(second_connection: BaseDatabaseWrapper) -> None:
    second_connection.errors_occurred = True
    with mock.patch.object(django_postgresql.DatabaseWrapper, "is_usable", return_value=True) as select_one:
        second_connection.close_if_unusable_or_obsolete()
    select_one.assert_called_once()


def test_a_statement_run_again_is_prepared_on_the_server(second_connection: BaseDatabaseWrapper) -> None:
    """Parameters go apart from the SQL, and a statement run twice is prepared: PostgreSQL then stops planning
    the API's hot queries afresh on every request (docs/deployment.md)."""
    assert second_connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    sql = "SELECT %s::int + 1 -- openpes prepared statement test"
    with second_connection.cursor() as cursor:
        for value in range(3):
            cursor.execute(sql, [value])
            assert cursor.fetchone() == (value + 1,)
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%openpes prepared%"]
        )
        assert cursor.fetchone() == (1,)


def test_prepared_statements_can_be_turned_off_for_a_pooler(tmp_path) -> None:
    """OPENPES_PG_PREPARE_THRESHOLD=0 (PgBouncer in transaction mode cannot keep them) turns preparing off."""
    import os
    import subprocess
    import sys

    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'].get('prepare_threshold'))"
    for threshold, expected in (("0", "None"), ("", "2"), ("5", "5")):
        env = {**os.environ, "OPENPES_PG_PREPARE_THRESHOLD": threshold, "OPENPES_DATA_DIR": str(tmp_path)}
        env["DJANGO_SETTINGS_MODULE"] = "openpes.settings"
        env.setdefault("OPENPES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
        done = subprocess.run(  # noqa: S603 - this interpreter, our own code
            [sys.executable, "-c", f"import django; django.setup(); {show}"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.strip() == expected, (threshold, done.stdout, done.stderr)


def test_dates_and_times_are_read_by_psycopg_s_c_loader_with_the_connection_s_time_zone(
    second_connection: BaseDatabaseWrapper,
) -> None:
    """Django's time-zone loader sits on psycopg's Python parser; ours on its C one, with the same values."""
    import datetime as dt

    from psycopg.postgres import types
    from psycopg.pq import Format
    from psycopg.types.datetime import TimestamptzLoader

    loader = second_connection.connection.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)
    assert loader.timezone == second_connection.timezone
    assert not issubclass(loader, TimestamptzLoader)  # not Django's, on psycopg's Python parser
    with second_connection.cursor() as cursor:
        cursor.execute(
            "SELECT TIMESTAMPTZ '2026-11-30 08:15:30.123456+08', TIMESTAMPTZ '1999-12-31 23:59:59Z'"
        )
        first, second = cursor.fetchone()
    assert first == dt.datetime(2026, 11, 30, 0, 15, 30, 123456, tzinfo=dt.UTC)
    assert second == dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    assert first.tzinfo == second_connection.timezone
