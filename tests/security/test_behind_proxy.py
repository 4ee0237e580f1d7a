"""SECURITY.md #24: behind the documented reverse proxy (docs/deployment.md, nginx with TLS), production
works as tested. The real server (`openpes serve`, a separate process in production mode, SQLite in a fresh
data directory) is sent exactly the headers the documented nginx sends; a peer that is not a trusted proxy
(127.0.0.2, also loopback on Linux) is sent straight to https whatever headers it forges."""

from __future__ import annotations

import http.client
import re
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.security.test_production_settings import production_env, run

OPENPES = Path(sys.executable).with_name("openpes")
HOST = "pes.example.gov.cn"
ORIGIN = f"https://{HOST}"
CLIENT = "203.0.113.7"  # the client as nginx saw it
FORGED = "198.51.100.66"  # what the client itself wrote into X-Forwarded-For
PASSWORD = "Proxy#Passw0rd-2026"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="needs 127.0.0.2 on the loopback device")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    port: int
    data_dir: Path
    process: subprocess.Popen[str]

    def request(
        self,
        method: str,
        path: str,
        *,
        proxied: bool = True,
        source: str = "127.0.0.1",
        headers: dict[str, str] | None = None,
        body: str | None = None,
    ) -> http.client.HTTPResponse:
        """A request as the documented nginx passes it on: Host, X-Forwarded-For (the client's own value,
        then the address nginx saw: $proxy_add_x_forwarded_for) and X-Forwarded-Proto."""
        sent = {"Host": HOST}
        if proxied:
            sent |= {"X-Forwarded-For": f"{FORGED}, {CLIENT}", "X-Forwarded-Proto": "https"}
        sent |= headers or {}
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    def query(self, sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.data_dir / "openpes.sqlite3") as db:
            return db.execute(sql).fetchall()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("proxied") / "var"
    env = production_env(
        data_dir.parent,
        OPENPES_DATA_DIR=str(data_dir),
        OPENPES_TRUSTED_PROXIES="127.0.0.1",
        OPENPES_CSRF_TRUSTED_ORIGINS=ORIGIN,
    )
    env.pop("DJANGO_SETTINGS_MODULE")
    loaded = subprocess.run(  # noqa: S603 - our own console script
        [str(OPENPES), "load-reference", "--regions", "430527"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    created = subprocess.run(  # noqa: S603
        [str(OPENPES), "createstaff", "--username", "officer", "--name", "王科员", "--jurisdiction", "430527",
         "--role", "county_officer", "--password", PASSWORD],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [str(OPENPES), "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        yield Server(port, data_dir, process)
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()


def cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    """name → the whole Set-Cookie line."""
    return {line.split("=", 1)[0]: line for line in response.headers.get_all("Set-Cookie") or []}


def test_proxied_request_is_not_redirected_to_itself_and_gets_hsts(server):
    response = server.request("GET", "/")
    assert response.status == 302, response.getheader("Location")
    assert response.getheader("Location") == "/accounts/login/?next=/"
    assert "max-age=31536000" in (response.getheader("Strict-Transport-Security") or "")
    login = server.request("GET", "/accounts/login/")
    assert login.status == 200
    assert login.getheader("Strict-Transport-Security")
    csrf = cookies(login)["csrftoken"]
    assert re.search(r";\s*Secure", csrf), csrf


def test_a_peer_that_is_not_a_trusted_proxy_is_sent_to_https_even_with_forged_headers(server):
    plain = server.request("GET", "/accounts/login/", proxied=False, source="127.0.0.2")
    assert plain.status == 301
    assert plain.getheader("Location") == f"{ORIGIN}/accounts/login/"
    forged = server.request("GET", "/accounts/login/", source="127.0.0.2")
    assert forged.status == 301
    assert forged.getheader("Location") == f"{ORIGIN}/accounts/login/"
    assert not forged.getheader("Strict-Transport-Security")


def test_a_trusted_proxy_without_the_https_header_is_sent_to_https(server):
    response = server.request("GET", "/accounts/login/", proxied=False)
    assert response.status == 301
    assert response.getheader("Location") == f"{ORIGIN}/accounts/login/"


def log_in(server: Server, password: str) -> http.client.HTTPResponse:
    page = server.request("GET", "/accounts/login/")
    token = cookies(page)["csrftoken"].split(";")[0].split("=", 1)[1]
    return server.request(
        "POST",
        "/accounts/login/",
        headers={
            "Cookie": f"csrftoken={token}",
            "Origin": ORIGIN,
            "Referer": f"{ORIGIN}/accounts/login/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=urlencode({"username": "officer", "password": password, "csrfmiddlewaretoken": token}),
    )


def test_failed_and_successful_logins_are_recorded_with_the_client_address(server):
    failed = log_in(server, "wrong-password-1")
    assert failed.status == 200  # the form again, with its error
    assert server.query("SELECT ip_address FROM axes_accessattempt") == [(CLIENT,)]
    signed_in = log_in(server, PASSWORD)
    assert signed_in.status == 302, signed_in.getheader("Location")
    session = cookies(signed_in)["sessionid"]
    assert re.search(r";\s*Secure", session) and re.search(r";\s*HttpOnly", session), session
    assert (CLIENT,) in server.query("SELECT ip_address FROM axes_accesslog")
    assert all(ip != "127.0.0.1" for (ip,) in server.query("SELECT ip_address FROM axes_accesslog"))

    export = server.request("GET", "/persons/export.xlsx", headers={"Cookie": session.split(";")[0]})
    assert export.status == 200
    assert export.getheader("Cache-Control") == "no-store"
    assert server.query("SELECT ip_address FROM audit_accesslog") == [(CLIENT,)]


def test_database_files_stay_owner_only_while_served(server):
    log_in(server, "wrong-password-2")  # a write, so the WAL is in use
    assert stat.S_IMODE(server.data_dir.stat().st_mode) == 0o700
    for name in ("openpes.sqlite3", "openpes.sqlite3-wal", "openpes.sqlite3-shm"):
        assert stat.S_IMODE((server.data_dir / name).stat().st_mode) == 0o600, name


def test_check_deploy_fails_in_production_without_a_trusted_proxy(tmp_path):
    env = production_env(tmp_path)
    result = run(["-m", "openpes.cli", "check", "--deploy"], env)
    assert result.returncode != 0
    assert "openpes.E002" in result.stderr + result.stdout
    assert "OPENPES_TRUSTED_PROXIES" in result.stderr + result.stdout


@pytest.mark.parametrize("bad", ["nginx", "10.0.0.300", "127.0.0.1,,x"])
def test_a_malformed_trusted_proxy_fails_the_check(tmp_path, bad):
    env = production_env(tmp_path, OPENPES_TRUSTED_PROXIES=bad)
    result = run(["-m", "openpes.cli", "check"], env)
    assert result.returncode != 0
    assert "OPENPES_TRUSTED_PROXIES" in result.stderr + result.stdout


def test_serve_without_ssl_redirect_in_production_passes_the_check(tmp_path):
    env = production_env(tmp_path, OPENPES_SSL_REDIRECT="0")
    result = run(["-m", "openpes.cli", "check", "--deploy"], env)
    assert "openpes.E002" not in result.stderr + result.stdout
