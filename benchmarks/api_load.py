"""Under load: the real server on loopback, hit as a township officer would, by 4 and 16 concurrent clients.

For each database, in a fresh data directory (PostgreSQL: a fresh database on 127.0.0.1:5432, dropped at the
end):

1. `openpes demo --no-serve --persons SIZE` builds the demo county (the demo generator, fixed seed), and
   `openpes token create` gives the township officer of 长铺子乡 (t430527100) an API token;
2. the server starts as an operator starts it (`openpes serve`: waitress with its threads, or with
   `--workers N` the multi-process server) and the officer signs in through the log-in page;
3. each endpoint is requested by C clients at once, each on its own keep-alive connection, for `--seconds`
   after a short warm-up; then the next endpoint, then the next C:
   - `GET /api/v1/ping` — the ceiling: the token look-up and a tiny answer, through the whole middleware
     stack and the API's authentication, nothing else;
   - `GET /api/v1/me` — the caller's account (jurisdiction, roles, permissions);
   - `GET /api/v1/persons?limit=20` — the persons list, 20 rows;
   - `GET /api/v1/persons/{id}` — one person;
   - `POST /api/v1/persons/search {"q": <surname>}` — the search, 20 rows;
   - `GET /persons/` — the list page (its 50 rows), with the session;
   - `GET /` — the dashboard page, with the session;
   - `GET /health/` — no authentication, one `SELECT 1`: what the server and Django cost alone.

Requests per second, p50 and p99 latency, and errors (any answer other than the expected status, or a
failed connection) are printed as a Markdown table and appended, with the machine and the command, to
docs/benchmarks.md (unless --no-record). The clients run in this process on the same machine as the
server, so on a small machine they take CPU from it: they are one asyncio event loop writing and reading
HTTP/1.1 by hand on keep-alive connections, as cheap as a load generator's (their own CPU per request is
reported beside the server's), and figures are comparable between runs of this script.

    uv run python benchmarks/api_load.py --size 3000                       # both databases, waitress
    uv run python benchmarks/api_load.py --databases sqlite --workers 2    # the multi-process server
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from registry import DOC, DOC_INTRO, PG_BASE, machine, speed_check  # noqa: E402

OFFICER = "t430527100"
DEMO_PASSWORD = "Suining@2026"  # noqa: S105 - the demo county's published password (README)
GOAL_SHARE = 0.5  # the list answers at least half the ceiling's rate
GOAL_P99_MS = 100.0  # at 16 clients


# --- the load client (also used by tests/test_load.py) -----------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    expect: int = 200


@dataclass
class Result:
    name: str
    clients: int
    count: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    first_error: str = ""
    client_cpu_ms: float = 0.0  # the load client's own CPU per request sent (this process)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return 0.0
        index = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))  # nearest rank
        return ordered[index]


def hit(
    host: str,
    port: int,
    request: Request | Sequence[Request],
    clients: int,
    *,
    seconds: float | None = None,
    requests_per_client: int | None = None,
    warmup: float = 0.0,
    name: str = "",
) -> Result:
    """`clients` clients, each on its own keep-alive connection, send `request` for `seconds` (or
    `requests_per_client` times each), each sending its next request as soon as the answer to the last has
    been read; latencies and errors of the measured part are returned. Given several requests, each client
    goes through them in turn, each client starting at another one.

    The clients are one asyncio event loop in this process, with HTTP/1.1 written and read by hand
    (`_Client`): on a machine whose cores the server shares, the load tool's own CPU per request
    (`Result.client_cpu_ms`) is taken from the server, so it is kept as small as a load generator's."""
    plan = [request] if isinstance(request, Request) else list(request)
    result = Result(name=name or f"{plan[0].method} {plan[0].path}", clients=clients)
    wire = [_wire(host, port, r) for r in plan]
    cpu_before = time.process_time()
    began = time.perf_counter()
    measure_from = began + warmup
    stop_at = measure_from + seconds if seconds is not None else float("inf")
    runs = asyncio.run(
        _run_clients(host, port, plan, wire, clients, measure_from, stop_at, requests_per_client)
    )
    result.seconds = time.perf_counter() - measure_from
    sent = 0
    for client in runs:
        result.latencies_ms += client.latencies_ms
        result.errors += client.errors
        result.first_error = result.first_error or client.first_error
        sent += client.sent
    result.count = len(result.latencies_ms)
    result.client_cpu_ms = (time.process_time() - cpu_before) / sent * 1000 if sent else 0.0
    return result


def _wire(host: str, port: int, request: Request) -> bytes:
    """The request as it goes on the connection."""
    headers = {"Host": f"{host}:{port}", **request.headers}
    if request.body is not None or request.method in ("POST", "PUT", "PATCH"):
        headers["Content-Length"] = str(len(request.body or b""))
    head = f"{request.method} {request.path} HTTP/1.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()
    )
    return (head + "\r\n").encode("latin-1") + (request.body or b"")


async def _run_clients(
    host: str,
    port: int,
    plan: list[Request],
    wire: list[bytes],
    clients: int,
    measure_from: float,
    stop_at: float,
    requests_per_client: int | None,
) -> list[_Client]:
    loop = asyncio.get_running_loop()
    runs = [
        _Client(loop, host, port, plan, wire, offset, measure_from, stop_at, requests_per_client)
        for offset in range(clients)
    ]
    for client in runs:
        client.connect()
    await asyncio.gather(*(client.done for client in runs))
    return runs


_STATUS_LINE = re.compile(rb"HTTP/1\.[01] (\d{3})")
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding:[ \t]*chunked", re.IGNORECASE)
_CLOSE = re.compile(rb"\r\nconnection:[ \t]*close", re.IGNORECASE)


class _Client(asyncio.Protocol):
    """One client: one keep-alive connection, one request at a time, the next sent from the callback that
    read the answer (no task, no thread per request)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        host: str,
        port: int,
        plan: list[Request],
        wire: list[bytes],
        offset: int,
        measure_from: float,
        stop_at: float,
        requests_per_client: int | None,
    ) -> None:
        self.loop, self.host, self.port = loop, host, port
        self.plan, self.wire, self.offset = plan, wire, offset
        self.measure_from, self.stop_at, self.limit = measure_from, stop_at, requests_per_client
        self.done: asyncio.Future[None] = loop.create_future()
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.sent = 0
        self.started = 0.0
        self.in_flight = False
        self.latencies_ms: list[float] = []
        self.errors = 0
        self.first_error = ""

    def connect(self) -> None:
        task = self.loop.create_task(self.loop.create_connection(lambda: self, self.host, self.port))
        task.add_done_callback(self._connected)

    def _connected(self, task: asyncio.Task[Any]) -> None:
        if task.exception() is not None:
            self._failed(f"{type(task.exception()).__name__}: {task.exception()}")
            # a refused connection is an error of the request it was opened for; try again shortly
            self.loop.call_later(0.05, self._next_or_finish, True)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.buffer.clear()
        self._next_or_finish()

    def _next_or_finish(self, reconnect: bool = False) -> None:
        if time.perf_counter() >= self.stop_at or (self.limit is not None and self.sent >= self.limit):
            if self.transport is not None:
                self.transport.close()
                self.transport = None
            if not self.done.done():
                self.done.set_result(None)
            return
        if reconnect or self.transport is None:
            self.transport = None
            self.connect()
            return
        self.started = time.perf_counter()
        self.in_flight = True
        self.transport.write(self.wire[(self.offset + self.sent) % len(self.wire)])

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buffer[: end + 2])
        body_at = end + 4
        length = _CONTENT_LENGTH.search(head)
        status = _STATUS_LINE.match(head)
        if status is not None and status[1] in (b"204", b"304"):
            complete = True  # no body
        elif length is not None:
            complete = len(self.buffer) >= body_at + int(length[1])
        elif _CHUNKED.search(head):
            complete = self.buffer.endswith(b"0\r\n\r\n")
        else:
            complete = False  # read to the end of the connection (connection_lost)
        if complete:
            self._answered(head, close=_CLOSE.search(head) is not None)

    def _answered(self, head: bytes, close: bool) -> None:
        done = time.perf_counter()
        request = self.plan[(self.offset + self.sent) % len(self.plan)]
        status = _STATUS_LINE.match(head)
        code = int(status[1]) if status else 0
        ok = code == request.expect
        if not ok and not self.first_error:
            self.first_error = f"HTTP {code} for {request.method} {request.path}"
        self._record(done, ok)
        self.buffer.clear()
        if close and self.transport is not None:
            self.transport.close()
            self.transport = None
        self._next_or_finish()

    def _record(self, done: float, ok: bool) -> None:
        self.in_flight = False
        if self.started >= self.measure_from:
            self.latencies_ms.append((done - self.started) * 1000)
            self.errors += 0 if ok else 1
        self.sent += 1

    def _failed(self, message: str) -> None:
        self.first_error = self.first_error or message
        self.errors += 1
        self.sent += 1

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is None or self.done.done():
            return  # closed by us
        self.transport = None
        if self.in_flight:
            self.in_flight = False
            if self.buffer.find(b"\r\n\r\n") >= 0 and exc is None:  # an answer read to the end
                self._answered(bytes(self.buffer), close=True)
                return
            request = self.plan[(self.offset + self.sent) % len(self.plan)]
            self._failed(f"connection lost during {request.method} {request.path}: {exc}")
        self._next_or_finish(reconnect=True)


# --- the server, as an operator runs it ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(data_dir: Path, database_url: str = "", src: Path = ROOT / "src") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["OPENPES_DATA_DIR"] = str(data_dir)
    if database_url:
        env["OPENPES_DATABASE_URL"] = database_url
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH", "")]))
    return env


def openpes(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "openpes.cli", *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"openpes {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wait_for(host: str, port: int, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        connection = http.client.HTTPConnection(host, port, timeout=2)
        try:
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise SystemExit("the server did not answer /health/ in time")


@contextmanager
def running_server(
    env: dict[str, str], port: int, server_args: list[str]
) -> Iterator[subprocess.Popen[bytes]]:
    log = open(Path(env["OPENPES_DATA_DIR"]) / "server.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "openpes.cli", "serve", "--port", str(port), *server_args],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for("127.0.0.1", port, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def server_cpu(pid: int) -> float:
    """CPU seconds of the server process and its children (gunicorn's workers), from /proc (Linux).

    Less at the mercy of other work on the machine than wall time: what a request costs, not how long it
    waited for a core."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
            pending += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:  # gone meanwhile, or not Linux
            continue
    return total


def session_cookie(port: int, username: str, password: str) -> str:
    """Sign in through the log-in page as a browser would; the Cookie header of the signed-in session."""
    import requests

    base = f"http://127.0.0.1:{port}"
    with requests.Session() as browser:
        page = browser.get(f"{base}/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            raise SystemExit("no CSRF token on the log-in page")
        answer = browser.post(
            f"{base}/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token[1]},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=30,
            allow_redirects=False,
        )
        if answer.status_code != 302:
            raise SystemExit(f"log-in as {username} failed: HTTP {answer.status_code}")
        return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)


def officer_requests(port: int, token: str, cookie: str) -> list[tuple[str, Request]]:
    """The requests of the run, with targets read from the officer's own first page of persons."""
    api = {"Authorization": f"Bearer {token}"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/api/v1/persons?limit=20", headers=api)
    answer = connection.getresponse()
    page = json.loads(answer.read())
    connection.close()
    if answer.status != 200 or not page["items"]:
        raise SystemExit(f"the officer sees no persons: HTTP {answer.status}")
    person = page["items"][0]
    surname = person["name"][0]
    search = json.dumps({"q": surname}).encode()
    plan = [
        ("ceiling: GET /api/v1/ping", Request("GET", "/api/v1/ping", api)),
        ("API me: GET /api/v1/me", Request("GET", "/api/v1/me", api)),
        ("API list: GET /api/v1/persons?limit=20", Request("GET", "/api/v1/persons?limit=20", api)),
        ("API person: GET /api/v1/persons/{id}", Request("GET", f"/api/v1/persons/{person['id']}", api)),
        (
            "API search: POST /api/v1/persons/search?limit=20",
            Request(
                "POST",
                "/api/v1/persons/search?limit=20",
                {**api, "Content-Type": "application/json"},
                search,
            ),
        ),
        ("page: GET /persons/ (50 rows)", Request("GET", "/persons/", {"Cookie": cookie})),
        ("page: GET / (dashboard)", Request("GET", "/", {"Cookie": cookie})),
        ("GET /health/ (no authentication)", Request("GET", "/health/")),
    ]
    return [(label, request) for label, request in plan if exists(port, request)]


def exists(port: int, request: Request) -> bool:
    """False for an address the version under test does not have (an older commit, for before/after)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(request.method, request.path, body=request.body, headers=request.headers)
    status = connection.getresponse().status
    connection.close()
    return status != 404


def run_database(name: str, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"openpes-load-{name}-"))
    pg_name = ""
    database_url = ""
    if name == "postgresql":
        import psycopg

        pg_name = f"openpes_load_{os.getpid()}"
        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        database_url = f"{args.pg_url}/{pg_name}"
    elif name != "sqlite":
        raise SystemExit(f"unknown database {name!r}: use sqlite and/or postgresql")
    env = server_env(data_dir, database_url, Path(args.src).resolve())
    try:
        print(f"== {name}: building the demo county ({args.size} persons)", file=sys.stderr, flush=True)
        openpes(env, "demo", "--no-serve", "--persons", str(args.size), "--seed", "430527")
        created = openpes(env, "token", "create", "--user", OFFICER, "--name", "负载测试")
        token = re.search(r"(opes_\S+)", created)
        if token is None:
            raise SystemExit(f"no token in: {created}")
        port = free_port()
        server_args = ["--threads", str(args.threads)] if args.threads else []
        if args.workers:
            server_args += ["--workers", str(args.workers)]
        with running_server(env, port, server_args) as server:
            cookie = session_cookie(port, OFFICER, DEMO_PASSWORD)
            plan = officer_requests(port, token[1], cookie)
            speed = speed_check()
            load = os.getloadavg()[0]
            rows = []
            for clients in args.clients:
                # Rounds: every request gets a share of each stretch of time, so that a busy moment of a
                # shared machine does not fall on one line only.
                merged = {label: Result(name=label, clients=clients) for label, _ in plan}
                cpu = dict.fromkeys(merged, 0.0)
                client_cpu = dict.fromkeys(merged, 0.0)
                for _ in range(args.rounds):
                    for label, request in plan:
                        before = server_cpu(server.pid)
                        part = hit(
                            "127.0.0.1",
                            port,
                            request,
                            clients,
                            seconds=args.seconds / args.rounds,
                            warmup=args.warmup / args.rounds,
                            name=label,
                        )
                        cpu[label] += server_cpu(server.pid) - before
                        client_cpu[label] += part.client_cpu_ms * part.count
                        total = merged[label]
                        total.latencies_ms += part.latencies_ms
                        total.count += part.count
                        total.errors += part.errors
                        total.seconds += part.seconds
                        total.first_error = total.first_error or part.first_error
                for label, result in merged.items():
                    cpu_ms = cpu[label] / result.count * 1000 if result.count else 0.0
                    client_ms = client_cpu[label] / result.count if result.count else 0.0
                    print(
                        f"  {clients:>2} clients  {label:<52} {result.rate:8.1f}/s  "
                        f"p50 {result.percentile(50):6.1f} ms  p99 {result.percentile(99):6.1f} ms  "
                        f"server CPU {cpu_ms:5.2f} ms  client CPU {client_ms:5.3f} ms  "
                        f"errors {result.errors} {result.first_error}",
                        file=sys.stderr,
                        flush=True,
                    )
                    rows.append(
                        {
                            "clients": clients,
                            "name": label,
                            "count": result.count,
                            "rate": result.rate,
                            "p50": result.percentile(50),
                            "p99": result.percentile(99),
                            "cpu_ms": cpu_ms,
                            "client_ms": client_ms,
                            "errors": result.errors,
                            "first_error": result.first_error,
                        }
                    )
        return {
            "database": name,
            "rows": rows,
            "speed_start": speed,
            "speed_end": speed_check(),
            "load_start": load,
            "load_end": os.getloadavg()[0],
            "version": database_version(env, name),
        }
    finally:
        if pg_name:
            import psycopg

            with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        if args.keep:
            print(f"kept {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def database_version(env: dict[str, str], name: str) -> str:
    if name == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(env["OPENPES_DATABASE_URL"]) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else '?'}"


# --- the report --------------------------------------------------------------------------------------------


def render(results: list[dict[str, Any]], args: argparse.Namespace, command: str, started: str) -> str:
    host = machine()
    from openpes.cli import THREADS_ALONE, THREADS_PER_WORKER

    threads = args.threads or (THREADS_PER_WORKER if args.workers else THREADS_ALONE)
    each = f"{threads} thread" + ("s" if threads > 1 else "")
    server = (
        f"`openpes serve --workers {args.workers}` (gunicorn, {args.workers} processes of {each})"
        if args.workers
        else f"`openpes serve` (waitress, one process of {each})"
    )
    out = [
        f"## api_load.py — {started}",
        "",
        f"Command: `{command}`",
        "",
        f"Machine: {host['nproc']} CPUs ({host['cpu']}), Python {host['python']}, "
        + ", ".join(r["version"] for r in results)
        + f", {host['os']}; commit {host['commit']}.",
        "",
        *(
            [
                f"Served from `{args.src}`, not from this checkout (`--src`: an older version, for before/after).",
                "",
            ]
            if Path(args.src).resolve() != (ROOT / "src").resolve()
            else []
        ),
        f"Server: {server}; demo county of {args.size:,} persons; the township officer {OFFICER}. "
        f"Each line: {args.seconds:g} s after {args.warmup:g} s of warm-up, in {args.rounds} rounds that go "
        "through every request in turn; clients on the same machine. Server CPU: the server's processes' "
        "user + system time per request (/proc), which waits for no core and so varies less with the "
        "machine's load than the rates do. Client CPU: the load client's own (one asyncio loop, keep-alive "
        "connections), taken from the same two cores.",
        "",
        "Machine state (load average; `sum(range(1000))` µs, best of 5, higher = busier): "
        + "; ".join(
            f"{r['database']} {r['load_start']:.2f}/{r['load_end']:.2f}, "
            f"{r['speed_start']:.1f}/{r['speed_end']:.1f} µs"
            for r in results
        ),
        "",
        "| database | clients | request | requests/s | p50 ms | p99 ms | server CPU ms/request "
        "| client CPU ms/request | errors |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    goals = []
    for r in results:
        for row in r["rows"]:
            out.append(
                f"| {r['database']} | {row['clients']} | {row['name']} | {row['rate']:,.1f} | "
                f"{row['p50']:.1f} | {row['p99']:.1f} | {row['cpu_ms']:.2f} | {row['client_ms']:.3f} | "
                f"{row['errors']} |"
            )
        for clients in sorted({row["clients"] for row in r["rows"]}):
            by_name = {row["name"].split(":")[0]: row for row in r["rows"] if row["clients"] == clients}
            ceiling = by_name.get("ceiling") or by_name["API me"]
            listing = by_name["API list"]
            share = listing["rate"] / ceiling["rate"] if ceiling["rate"] else 0.0
            met_share = share >= GOAL_SHARE
            met_p99 = clients < 16 or listing["p99"] <= GOAL_P99_MS
            goals.append(
                f"| {r['database']} | {clients} | {ceiling['name'].split(': ')[1]} | {share:.0%} | "
                f"{'met' if met_share else '**missed**'} | "
                f"{listing['p99']:.1f} | "
                + ("met" if met_p99 and clients >= 16 else ("—" if clients < 16 else "**missed**"))
                + f" | {sum(row['errors'] for row in r['rows'] if row['clients'] == clients)} |"
            )
    out += [
        "",
        f"Goals: the API list at ≥ {GOAL_SHARE:.0%} of the ceiling's rate; its p99 ≤ {GOAL_P99_MS:g} ms at 16 "
        "clients; no errors.",
        "",
        "| database | clients | ceiling | list / ceiling | goal | list p99 ms | p99 goal (16 clients) | errors |",
        "| --- | ---: | --- | ---: | --- | ---: | --- | ---: |",
        *goals,
        "",
    ]
    return "\n".join(out)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", type=int, default=3000, help="persons in the demo county (default 3000)")
    p.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    p.add_argument(
        "--clients",
        type=lambda s: [int(c) for c in s.split(",")],
        default=[4, 16],
        help="concurrent clients, comma-separated (default 4,16)",
    )
    p.add_argument("--seconds", type=float, default=5.0, help="measured seconds per line (default 5)")
    p.add_argument(
        "--warmup", type=float, default=1.0, help="unmeasured seconds before each line (default 1)"
    )
    p.add_argument(
        "--rounds", type=int, default=5, help="split each line's seconds over this many rounds (default 5)"
    )
    p.add_argument(
        "--threads", type=int, default=0, help="server threads per process (default: `openpes serve`'s own)"
    )
    p.add_argument("--workers", type=int, default=0, help="server processes (gunicorn); 0 = waitress")
    p.add_argument("--pg-url", default=PG_BASE, help="PostgreSQL server (a fresh database is created on it)")
    p.add_argument(
        "--src",
        default=str(ROOT / "src"),
        help="serve the openpes package from this source tree instead (before/after: `git archive COMMIT src`)",
    )
    p.add_argument("--keep", action="store_true", help="keep the data directory (server.log) afterwards")
    p.add_argument("--no-record", action="store_true", help="print only; do not append to docs/benchmarks.md")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = shlex.join(["uv", "run", "python", "benchmarks/api_load.py", *(argv or sys.argv[1:])])
    results = [run_database(name.strip(), args) for name in args.databases.split(",") if name.strip()]
    text = render(results, args, command, started)
    print(text)
    if not args.no_record:
        existing = DOC.read_text(encoding="utf-8") if DOC.exists() else DOC_INTRO
        DOC.write_text(existing.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        print(f"appended to {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
