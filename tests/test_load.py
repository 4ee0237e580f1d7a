"""SECURITY.md #20, under load with no errors: the real server on loopback, a small demo county, concurrent
clients reading and writing as a township officer. Bounded (about a thousand requests), and about errors,
not speed: docs/benchmarks.md records the speed (benchmarks/api_load.py, whose client this test uses).

Also the multi-process server (`openpes serve --workers N`, gunicorn; Linux): it serves from more than one
process, and `serve` collected the compressed static files before it started."""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("api_load", ROOT / "benchmarks" / "api_load.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["api_load"] = module
    spec.loader.exec_module(module)
    return module


load = _load_benchmark()


@dataclass(frozen=True)
class County:
    data_dir: Path
    env: dict[str, str]
    token: str


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    """A demo county of 200 persons in its own data directory; on PostgreSQL (when the suite runs there)
    in a database of its own, dropped afterwards."""
    data_dir = tmp_path_factory.mktemp("load")
    database_url = ""
    base = os.environ.get("OPENPES_DATABASE_URL", "")
    if base:
        import psycopg

        parts = urlsplit(base)
        name = f"{parts.path.strip('/') or 'openpes'}_load_{os.getpid()}"
        database_url = urlunsplit(parts._replace(path=f"/{name}"))
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    env = load.server_env(data_dir, database_url)
    try:
        load.openpes(env, "demo", "--no-serve", "--persons", "200")
        created = load.openpes(env, "token", "create", "--user", load.OFFICER, "--name", "负载测试")
        token = re.search(r"(opes_\S+)", created)
        assert token, created
        yield County(data_dir, env, token[1])
    finally:
        if database_url:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def officer_mix(port: int, token: str) -> list[object]:
    """Reads of every kind and a write (the same person's address, back and forth), as one officer's day."""
    plan = dict(
        load.officer_requests(port, token, load.session_cookie(port, load.OFFICER, load.DEMO_PASSWORD))
    )
    person_path = plan["API person: GET /api/v1/persons/{id}"].path
    api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    writes = [
        load.Request("PATCH", person_path, api, json.dumps({"address": f"{street}组"}).encode())
        for street in ("一", "二")
    ]
    return [*plan.values(), *writes]


def test_four_clients_get_no_error_from_the_embedded_server(county):
    port = load.free_port()
    with load.running_server(county.env, port, ["--threads", "4"]):
        mix = officer_mix(port, county.token)
        result = load.hit("127.0.0.1", port, mix, 4, requests_per_client=250)
    assert result.count == 1000
    assert result.errors == 0, result.first_error


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gunicorn and /proc: Linux only")
def test_the_multi_process_server_answers_from_two_workers_without_error(county):
    port = load.free_port()
    with load.running_server(county.env, port, ["--workers", "2", "--threads", "2"]) as server:
        workers: list[int] = []
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = _children(server.pid)
            time.sleep(0.1)
        assert len(workers) == 2, workers
        before = {pid: _cpu_seconds(pid) for pid in workers}
        mix = officer_mix(port, county.token)
        # Each worker spends CPU time on the requests it serves (an idle one next to none): both served them.
        # Which worker accepts a keep-alive connection is the kernel's choice, and now and then one worker
        # takes all eight of a round; a single-process server would fail every round.
        for _round in range(5):
            result = load.hit("127.0.0.1", port, mix, 8, requests_per_client=40)
            assert result.errors == 0, result.first_error
            spent = {pid: _cpu_seconds(pid) - before[pid] for pid in workers}
            if all(seconds >= 0.2 for seconds in spent.values()):
                break
        assert all(seconds >= 0.2 for seconds in spent.values()), spent

        # `serve` collected the static files first: the pages link hashed, compressed, long-cached names.
        assert (county.data_dir / "static" / "openpes-static.stamp").exists()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/accounts/login/")
        page = connection.getresponse().read().decode()
        css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page)
        assert css, page[:500]
        connection.request("GET", css[1], headers={"Accept-Encoding": "br"})
        answer = connection.getresponse()
        answer.read()
        connection.close()
        assert answer.status == 200
        assert answer.getheader("Content-Encoding") == "br"
        assert "max-age=31536000" in answer.getheader("Cache-Control", "")
        assert "immutable" in answer.getheader("Cache-Control", "")


def test_serve_refuses_a_number_of_workers_that_is_not_positive(county):
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "openpes.cli", "serve", "--workers", "0"],
        env=county.env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert "应为正整数" in done.stderr


@pytest.mark.parametrize("database_url", ["", "postgres://openpes@127.0.0.1:5432/openpes"])
def test_database_connections_are_kept_between_requests(tmp_path, database_url):
    """A new connection per request cost SQLite its PRAGMAs and PostgreSQL its log-in on every request.
    Connections are thread-local in Django, so each server thread keeps its own."""
    import subprocess

    env = load.server_env(tmp_path, database_url)
    env["DJANGO_SETTINGS_MODULE"] = "openpes.settings"
    code = "from django.conf import settings as s; d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    max_age, health_checks = done.stdout.split()
    assert int(max_age) >= 60
    assert health_checks == "True"
