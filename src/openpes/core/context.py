"""Who is acting, from where: set once per request (or CLI command) and read by the audit writers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str = ""
    user_agent: str = ""
    channel: str = "web"  # web, api, cli


_current: ContextVar[RequestContext] = ContextVar(
    "openpes_request_context",
    default=RequestContext(channel="cli"),  # noqa: B039 - a frozen dataclass is immutable
)


def current() -> RequestContext:
    return _current.get()


@contextlib.contextmanager
def acting(ctx: RequestContext) -> Iterator[None]:
    token = _current.set(ctx)
    try:
        yield
    finally:
        _current.reset(token)
