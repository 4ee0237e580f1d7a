"""Django's PostgreSQL backend with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django checks a reused connection with `SELECT 1` at its first use in each request:
one more round trip to the server on every page and API call (a fifth of the queries of the persons list).
A connection the server has closed (a restart, `pg_terminate_backend`, an idle timeout) has something to
read on its socket: the server's FATAL message, or the end of the stream. A healthy idle connection has
nothing. So look at the socket without waiting, and only when there is something to read run Django's
`SELECT 1`, which then fails and has the connection replaced before the request uses it. After an error
inside a request Django's full check runs as before. What neither sees is a link that drops without a word;
`SELECT 1` would only have found that after the TCP timeout.

It also reads `timestamptz` values with psycopg's C loader. Django registers its own loader (to give each
value the connection's time zone), a subclass of psycopg's pure-Python one, so every date and time of every
row was parsed in Python: about a tenth of the persons list's CPU. The same loader on the C class gives the
same values.
"""

from __future__ import annotations

import functools
import select
from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import get_adapters_template
from psycopg import adapters
from psycopg.adapt import AdaptersMap, Loader
from psycopg.postgres import types
from psycopg.pq import Format
from psycopg.types.datetime import TimestamptzLoader as PythonTimestamptzLoader

TIMESTAMPTZ = types["timestamptz"].oid
_FASTEST = adapters.get_loader(TIMESTAMPTZ, Format.TEXT)  # the C loader where psycopg has its C part


@functools.cache
def _adapters(use_tz: bool, timezone: Any) -> AdaptersMap:
    """Django's adapters, with its time-zone loader on psycopg's fastest `timestamptz` loader."""
    context = AdaptersMap(get_adapters_template(use_tz, timezone))
    if _FASTEST is None or issubclass(_FASTEST, PythonTimestamptzLoader):
        return context  # psycopg without its C part: Django's loader is as fast as it gets

    fastest = _FASTEST

    class TzLoader(Loader):
        # Django's create_cursor compares this with the connection's time zone.
        timezone = context.get_loader(TIMESTAMPTZ, Format.TEXT).timezone  # type: ignore[union-attr]

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self.parse = fastest(oid, context).load  # a C type: used, not subclassed

        def load(self, data: Any) -> Any:
            return self.parse(data).replace(tzinfo=self.timezone)

    context.register_loader(TIMESTAMPTZ, TzLoader)
    return context


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if "context" in params:  # psycopg 3
            params["context"] = _adapters(settings.USE_TZ, self.timezone)
        return params

    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        if self.errors_occurred:
            return bool(super().is_usable())
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return bool(super().is_usable()) if readable else True
