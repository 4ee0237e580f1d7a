"""What one request costs inside the server: the whole Django stack, in this process, without HTTP.

Each request goes through `openpes.wsgi.application` (the WSGI callable the servers call, every middleware
and the API's authentication included) with a hand-built WSGI environ, as gunicorn or waitress would hand
it over, one at a time after a warm-up; the body is read to its end. Reported per request: CPU time of this
process (`time.process_time`: what a server core spends in Python; on PostgreSQL the database server's own
work is not in it) and wall time, the least of `--repeat` batches; the SQL each request runs
(`--queries`), and a cProfile of one path (`--profile PATH`).

The data: a demo county (`openpes demo --no-serve`, fixed seed) in a fresh data directory, or an existing
one (`--data-dir`, which must hold a demo county; the token is created again each run). The township
officer of 长铺子乡 calls with an API token, as in benchmarks/api_load.py.

    uv run python benchmarks/request_profile.py                                   # SQLite, a fresh demo
    uv run python benchmarks/request_profile.py --data-dir /tmp/demo --queries    # reuse, print the SQL
    uv run python benchmarks/request_profile.py --profile /api/v1/persons?limit=20
    uv run python benchmarks/request_profile.py --database-url postgres://postgres@127.0.0.1:5432/openpes_x
    uv run python benchmarks/request_profile.py --data-dir /tmp/demo --src /tmp/before/src   # an older version
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from api_load import OFFICER, openpes, server_env  # noqa: E402

DEFAULT_PATHS = [
    "/health/",
    "/api/v1/ping",
    "/api/v1/me",
    "/api/v1/persons?limit=20",
]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def environ_for(path: str, token: str) -> dict[str, Any]:
    """The WSGI environ a server builds for `GET path` from a client on loopback."""
    route, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_USER_AGENT": "request_profile",
        "HTTP_ACCEPT": "*/*",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(app: WSGIApp, path: str, token: str) -> tuple[str, bytes]:
    status: list[str] = []

    def start_response(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        status.append(code)

    answer = app(environ_for(path, token), start_response)
    try:
        body = b"".join(answer)
    finally:
        close = getattr(answer, "close", None)
        if close is not None:
            close()
    return status[0], body


def _record(
    queries: list[tuple[str, Any]], execute: Any, sql: str, params: Any, many: bool, context: Any
) -> Any:
    queries.append((sql, params))
    return execute(sql, params, many, context)


def _explain(sql: str, params: Any) -> str:
    """The server's plan and timing of one query, run again (PostgreSQL: EXPLAIN ANALYZE)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return "    (--explain needs PostgreSQL)"
    if not sql.lstrip().upper().startswith("SELECT"):  # EXPLAIN ANALYZE would run a write a second time
        return "      (not a SELECT: not explained)"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(f"      {line}" for (line,) in cursor.fetchall())


def measure(app: WSGIApp, path: str, token: str, count: int, repeat: int) -> tuple[float, float]:
    """The least over `repeat` batches of `count` requests: (CPU ms, wall ms) per request. The least, not
    the median: on a shared machine every other process only ever adds to a batch's time."""
    cpu, wall = [], []
    for _ in range(repeat):
        cpu_0, wall_0 = time.process_time(), time.perf_counter()
        for _ in range(count):
            call(app, path, token)
        cpu.append((time.process_time() - cpu_0) / count * 1000)
        wall.append((time.perf_counter() - wall_0) / count * 1000)
    return min(cpu), min(wall)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", help="an existing data directory with a demo county (default: a new one)")
    p.add_argument(
        "--database-url", default="", help="PostgreSQL (an empty database: the demo is built in it)"
    )
    p.add_argument("--size", type=int, default=3000, help="persons in a new demo county (default 3000)")
    p.add_argument("--paths", default=",".join(DEFAULT_PATHS), help="comma-separated GET paths")
    p.add_argument("--count", type=int, default=200, help="requests per batch (default 200)")
    p.add_argument("--repeat", type=int, default=5, help="batches per path; the median is given (default 5)")
    p.add_argument("--queries", action="store_true", help="print the SQL each path runs")
    p.add_argument("--explain", action="store_true", help="with --queries: each query's plan (PostgreSQL)")
    p.add_argument("--profile", default="", help="a path to profile with cProfile")
    p.add_argument("--top", type=int, default=40, help="lines of the profile (default 40)")
    p.add_argument(
        "--src",
        default=str(ROOT / "src"),
        help="profile the openpes package of this source tree (before/after: `git archive COMMIT src`)",
    )
    args = p.parse_args(argv)

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="openpes-profile-")).resolve()
    src = Path(args.src).resolve()
    env = server_env(data_dir, args.database_url, src)
    if not args.data_dir:
        print(f"building the demo county in {data_dir}", file=sys.stderr, flush=True)
        openpes(env, "demo", "--no-serve", "--persons", str(args.size), "--seed", "430527")
    created = openpes(env, "token", "create", "--user", OFFICER, "--name", "request_profile")
    found = re.search(r"(opes_\S+)", created)
    if found is None:
        raise SystemExit(f"no token in: {created}")
    token = found[1]

    os.environ.update({k: v for k, v in env.items() if k.startswith("OPENPES_")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "openpes.settings"
    sys.path.insert(0, str(src))
    from django.db import connection

    from openpes.wsgi import application

    paths = [path.strip() for path in args.paths.split(",") if path.strip()]
    for path in paths:
        status, body = call(application, path, token)
        if not status.startswith("200"):
            raise SystemExit(f"GET {path}: {status} {body[:300]!r}")
    print(f"{'path':<32} {'CPU ms':>8} {'wall ms':>8} {'queries':>8}")
    for path in paths:
        for _ in range(max(20, args.count // 10)):  # warm-up
            call(application, path, token)
        # Not CaptureQueriesContext: Django empties its query log when a request starts.
        queries: list[tuple[str, Any]] = []
        with connection.execute_wrapper(partial(_record, queries)):
            call(application, path, token)
        cpu_ms, wall_ms = measure(application, path, token, args.count, args.repeat)
        print(f"{path:<32} {cpu_ms:8.3f} {wall_ms:8.3f} {len(queries):8d}", flush=True)
        if args.queries or args.explain:
            for sql, params in queries:
                print(f"    {sql[:400]}")
                if args.explain:
                    print(_explain(sql, params))
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.count):
            call(application, args.profile, token)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
