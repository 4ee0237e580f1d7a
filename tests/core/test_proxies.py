"""core.proxies: proxy headers believed from the trusted peers only (the WSGI layer, without a server)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from openpes.core.proxies import behind_proxies, is_trusted, trusted_networks


def seen_by_app(proxies: list[str], remote: str, count: int = 1, **headers: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        start_response("200 OK", [])
        return [b""]

    environ = {"REMOTE_ADDR": remote, "wsgi.url_scheme": "http"} | {
        f"HTTP_{name.upper()}": value for name, value in headers.items()
    }
    list(behind_proxies(app, proxies=proxies, count=count)(environ, lambda *a: None))
    return seen


def test_a_trusted_proxy_sets_the_client_address_and_the_scheme():
    seen = seen_by_app(
        ["127.0.0.1", "10.0.0.5"],
        "10.0.0.5",
        x_forwarded_for="198.51.100.66, 203.0.113.7",
        x_forwarded_proto="https",
    )
    assert seen["REMOTE_ADDR"] == "203.0.113.7"  # the forged entry to the left is ignored
    assert seen["wsgi.url_scheme"] == "https"


def test_two_proxies_in_a_row_take_the_second_entry_from_the_right():
    seen = seen_by_app(["10.0.0.0/8"], "10.1.2.3", count=2, x_forwarded_for="9.9.9.9, 203.0.113.7, 10.9.9.9")
    assert seen["REMOTE_ADDR"] == "203.0.113.7"


@pytest.mark.parametrize("proxies", [[], ["127.0.0.1"], ["10.0.0.0/8"]])
def test_headers_from_anyone_else_are_removed(proxies):
    seen = seen_by_app(
        proxies,
        "192.0.2.9",
        x_forwarded_for="203.0.113.7",
        x_forwarded_proto="https",
        x_forwarded_host="evil.example.com",
        forwarded="for=203.0.113.7;proto=https",
    )
    assert seen["REMOTE_ADDR"] == "192.0.2.9"
    assert seen["wsgi.url_scheme"] == "http"
    assert not [key for key in seen if key.startswith(("HTTP_X_FORWARDED", "HTTP_FORWARDED"))]


def test_a_trusted_proxy_cannot_pass_on_the_host_header_it_was_not_trusted_for():
    seen = seen_by_app(["127.0.0.1"], "127.0.0.1", x_forwarded_host="evil.example.com")
    assert "HTTP_X_FORWARDED_HOST" not in seen


def test_ipv4_mapped_ipv6_peers_match_their_ipv4_entry():
    assert is_trusted("::ffff:127.0.0.1", trusted_networks(["127.0.0.1"]))
    assert is_trusted("[::1]", trusted_networks(["::1"]))
    assert not is_trusted("127.0.0.2", trusted_networks(["127.0.0.1"]))
    assert not is_trusted("not-an-address", trusted_networks(["127.0.0.1"]))


@pytest.mark.parametrize("bad", ["nginx", "10.0.0.300", "10.0.0.0/33"])
def test_a_malformed_entry_is_refused_by_name(bad):
    with pytest.raises(ImproperlyConfigured, match="OPENPES_TRUSTED_PROXIES"):
        trusted_networks([bad])
