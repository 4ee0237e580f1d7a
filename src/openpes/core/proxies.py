"""Which reverse proxies are believed when they say who the client is and that it came over HTTPS.

nginx in front of `openpes serve` (docs/deployment.md) terminates TLS and passes the request on over plain
HTTP with `X-Forwarded-Proto: https` and `X-Forwarded-For: <client>`. Those headers are believed only from a
peer listed in OPENPES_TRUSTED_PROXIES (addresses or networks); from anyone else they are removed, so a
client that talks to the application server directly can neither pretend to be on HTTPS nor choose the
address written to the audit log and used for login throttling.

This runs in the WSGI application itself (openpes.wsgi), not in a server option, so it holds under any
WSGI server and for several proxy addresses (waitress's own `trusted_proxy` takes one address or all). The
parsing is waitress's (`proxy_headers_middleware`): with X-Forwarded-For trusted, REMOTE_ADDR becomes the
client as seen by the outermost of the OPENPES_PROXY_COUNT proxies, and wsgi.url_scheme follows
X-Forwarded-Proto. Everything after it (Django's SECURE_PROXY_SSL_HEADER, axes, the audit log) reads
REMOTE_ADDR and the scheme and needs no proxy knowledge of its own.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from waitress.proxy_headers import proxy_headers_middleware

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
TRUSTED_HEADERS = frozenset({"x-forwarded-for", "x-forwarded-proto"})


def trusted_networks(entries: Iterable[str]) -> list[Network]:
    """OPENPES_TRUSTED_PROXIES as networks: `127.0.0.1`, `10.0.0.5`, `10.1.0.0/16`, `::1`."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"OPENPES_TRUSTED_PROXIES: {entry!r} is not an IP address or network"
            ) from exc
    return networks


def _peers(address: str) -> Iterator[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        peer = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return
    yield peer
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped:  # ::ffff:127.0.0.1 on dual-stack
        yield peer.ipv4_mapped


def is_trusted(address: str, networks: list[Network]) -> bool:
    return any(peer in network for peer in _peers(address) for network in networks)


def behind_proxies(app: WSGIApp, *, proxies: Iterable[str], count: int) -> WSGIApp:
    """`app`, believing X-Forwarded-For and X-Forwarded-Proto from `proxies` only and removing every
    proxy header (X-Forwarded-*, Forwarded) that comes from anyone else."""
    networks = trusted_networks(proxies)
    if count < 1:
        raise ImproperlyConfigured("OPENPES_PROXY_COUNT must be at least 1")
    believing = proxy_headers_middleware(
        app, trusted_proxy="*", trusted_proxy_count=count, trusted_proxy_headers=set(TRUSTED_HEADERS)
    )
    distrusting = proxy_headers_middleware(app, trusted_proxy=None)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        trusted = bool(networks) and is_trusted(environ.get("REMOTE_ADDR", ""), networks)
        return (believing if trusted else distrusting)(environ, start_response)

    return application


def client_address(request: HttpRequest) -> str:
    """For AXES_CLIENT_IP_CALLABLE: the client as resolved above, never a header a client can set."""
    return str(request.META.get("REMOTE_ADDR", ""))
