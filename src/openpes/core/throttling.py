"""Rate limits of API operations, on django-ninja's throttling hook (`throttle=[...]`), counted in Django's cache.

Why not ninja's own `AnonRateThrottle`/`SimpleRateThrottle`:
* its `get_ident` believes X-Forwarded-For from anyone unless NINJA_NUM_PROXIES is set, so a client could
  dodge the limit by sending a new header each time. Ours counts by the address the WSGI application
  resolved from the trusted proxies (`core.proxies`), the one login throttling and the audit log use;
* it keeps the request's history on the throttle object, which ninja shares between the threads of the
  server (waitress serves with threads), and reads, changes and writes a list in the cache, which loses
  counts under concurrency. Ours is a counter per fixed window: `cache.add` then `cache.incr`, both atomic
  in the local-memory cache and in Redis, the wait kept per thread.

A fixed window lets a client make up to twice the rate across a window's edge; for a limit against
scraping and runaway scripts that is good enough and costs one cache round trip.

The cache is the `default` one: local memory in the embedded set-up (one process, so one count), Redis when
OPENPES_REDIS_URL is set. Several server processes (`openpes serve --workers N`) need Redis: with local
memory each process counts on its own, and a client gets N times the rate.

The rates are settings (`"120/min"`, `"10/s"`, `"5000/hour"`, `"off"`), read on each request so that a test
can lower one.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from openpes.core.proxies import client_address

THROTTLED_MESSAGE = "请求过于频繁，请在 {seconds} 秒后再试"
_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
_PERIODS |= {"d": 86400, "day": 86400}


def parse_rate(rate: str, *, name: str = "rate") -> tuple[int, int] | None:
    """`"120/min"` → (120, 60); `"off"` (or empty) → None."""
    text = (rate or "").strip().lower()
    if text in {"", "off", "none"}:
        return None
    count, _, unit = text.partition("/")
    if not count.strip().isdigit() or unit.strip() not in _PERIODS or int(count) < 1:
        raise ImproperlyConfigured(
            f"{name}: {rate!r} is not a rate such as '120/min', '10/s', '5000/hour' or 'off'"
        )
    return int(count), _PERIODS[unit.strip()]


def throttled_message(wait: float | None) -> str:
    return THROTTLED_MESSAGE.format(seconds=max(1, math.ceil(wait or 1)))


class RateThrottle(BaseThrottle):
    """At most the rate named by `setting` per identity (`ident`) and fixed window; `ident` None: no limit
    for this request."""

    scope = ""
    setting = ""

    def __init__(self) -> None:
        self._local = threading.local()

    def ident(self, request: HttpRequest) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = None
        rate = parse_rate(getattr(settings, self.setting, ""), name=self.setting)
        who = self.ident(request)
        if rate is None or who is None:
            return True
        limit, period = rate
        now = time.time()
        window = int(now // period)
        # Hashed: an address or key id never lands in a cache key (or a Redis monitor) as it is.
        digest = hashlib.sha256(who.encode()).hexdigest()[:32]
        key = f"openpes:throttle:{self.scope}:{digest}:{period}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=period + 1)
            count = 1
        if count <= limit:
            return True
        self._local.wait = (window + 1) * period - now
        return False

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


def _own_limit(request: HttpRequest) -> str | None:
    """The identity a caller is limited by instead of its address (a partner key: `rate_limit_ident`)."""
    auth: Any = getattr(request, "auth", None)
    ident = getattr(auth, "rate_limit_ident", None)
    return str(ident) if ident else None


class PerAddress(RateThrottle):
    """Per client address, for callers that are not limited as themselves (anonymous callers)."""

    def __init__(self, setting: str, scope: str) -> None:
        super().__init__()
        self.setting, self.scope = setting, scope

    def ident(self, request: HttpRequest) -> str | None:
        if _own_limit(request) is not None:
            return None
        return client_address(request) or "unknown"


class PerCaller(RateThrottle):
    """Per authenticated caller that names its own limit (`request.auth.rate_limit_ident`)."""

    def __init__(self, setting: str, scope: str) -> None:
        super().__init__()
        self.setting, self.scope = setting, scope

    def ident(self, request: HttpRequest) -> str | None:
        return _own_limit(request)
