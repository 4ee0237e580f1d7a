"""Django's PostgreSQL backend with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django checks a reused connection with `SELECT 1` at its first use in each request:
one more round trip to the server on every page and API call (a fifth of the queries of the persons list).
A connection the server has closed (a restart, `pg_terminate_backend`, an idle timeout) has something to
read on its socket: the server's FATAL message, or the end of the stream. A healthy idle connection has
nothing. So look at the socket without waiting, and only when there is something to read run Django's
`SELECT 1`, which then fails and has the connection replaced before the request uses it. After an error
inside a request Django's full check runs as before. What neither sees is a link that drops without a word;
`SELECT 1` would only have found that after the TCP timeout.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
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
