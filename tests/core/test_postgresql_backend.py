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
