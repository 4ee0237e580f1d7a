"""Registry at scale: bulk registration through the services, exact-ID look-up and village name search.

For each database, in a fresh process with its own environment (Django reads its settings once per process):

1. a fresh database (SQLite: a new data directory, so the project's own WAL settings; PostgreSQL: a new
   database on 127.0.0.1:5432, dropped at the end), migrated, with the Suining county (430527) divisions
   and a county officer;
2. `--size` persons in households from the demo generator (fixed seed), registered through
   `people.services.households_bulk_create` in chunks, so validation, AES-256-GCM encryption, the HMAC
   blind index, households and the audit rows are all in the timing;
3. `--queries` exact ID look-ups and village name searches through `people.selectors.person_list`, as a
   county officer, against random targets drawn from what was loaded;

and, side by side in the same database, the peer a user would otherwise pick: a plain table
`person_plain(id_number text primary key, name, region_code)` with the same rows and an ordinary B-tree
index on (region_code, name), queried with plain SQL. The ratios ours/plain show what the encryption, the
blind index and the ORM cost. "ours, SQL only" runs the very SQL the selector builds through the same
cursor (HMAC of the ID included), so it separates the ORM's own overhead from the database's work.

    uv run python benchmarks/registry.py --size 20000                # quick check
    uv run python benchmarks/registry.py                             # 1,000,000 persons, both databases

The figures are printed as Markdown and appended, with the machine and the command, to docs/benchmarks.md
(unless --no-record).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
COUNTY = "430527000000"
TODAY = dt.date(2026, 1, 1)  # fixed, so that the same seed gives the same ID numbers on any day
GOAL_LOAD = 5000  # persons per second
GOAL_P99_MS = 100.0
PG_BASE = "postgres://postgres@127.0.0.1:5432"

DOC_INTRO = """# Benchmarks

Each script in `benchmarks/` answers one question at a given `--size`, with data from the demo generator
(`openpes.demo.generator`, fixed seed), on a fresh database, and times a named peer in the same run. Every
run appends a dated section below with the machine, the exact command and the figures it measured; nothing
here is typed in by hand.

## registry.py — the real-name registry at a million persons

    uv run python benchmarks/registry.py --size 1000000 --databases sqlite,postgresql

- **Bulk registration** of persons in households through `people.services.households_bulk_create` (the
  path of the demo and of survey imports): validation of every field, AES-256-GCM encryption of ID and
  phone, their HMAC-SHA256 blind indexes, households and heads, and the audit rows. Goal: ≥ 5,000
  persons/s. The per-row split (validation, crypto, the rest) is measured on a separate sample of rows.
- **Exact ID look-up**: `person_list(actor=<county officer>, filters=PersonFilters(q=<full ID>))`,
  materialised. Goal: p99 < 100 ms.
- **Name search in a village**: `person_list(actor, PersonFilters(q=<surname or 2-character fragment>,
  region=<village>))[:50]`, materialised. Goal: p99 < 100 ms.
- **Peer**: the same rows in a plain table `person_plain(id_number text primary key, name, region_code)`
  with an ordinary B-tree index on `(region_code, name)`, in the same database, queried with plain SQL
  (loaded with `executemany` on SQLite, `COPY` on PostgreSQL). "ours, SQL only" is the SQL the selector
  builds, run through the same cursor (HMAC included): the gap between it and "ours" is the ORM, the gap
  between it and "plain" is the encrypted, blind-indexed schema.

Latencies are measured in one process, one query at a time, after a short warm-up, with the queries of the
three variants interleaved target by target. PostgreSQL gets an `ANALYZE` after the load (what autovacuum
would do soon after); SQLite is queried as loaded.

The machine is shared with other work, so each section also gives the load average and a fixed piece of
Python timed at the start and end of each database's part, and the load's CPU time per person (this process,
plus its PostgreSQL server backend read from `/proc`) beside the wall-clock rate: CPU time says what the work
costs, wall time what it took on the day.
"""


# --- parent: one subprocess per database, then the report -----------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", type=int, default=1_000_000, help="persons to register (default 1000000)")
    p.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    p.add_argument("--queries", type=int, default=1000, help="measured queries of each kind (default 1000)")
    p.add_argument("--chunk", type=int, default=20_000, help="persons per households_bulk_create call")
    p.add_argument("--seed", type=int, default=430527)
    p.add_argument("--pg-url", default=PG_BASE, help="PostgreSQL server (a fresh database is created on it)")
    p.add_argument("--no-record", action="store_true", help="print only; do not append to docs/benchmarks.md")
    p.add_argument(
        "--profile", default="", help="write a cProfile of the bulk load to this path (per database)"
    )
    p.add_argument("--worker", default="", help=argparse.SUPPRESS)
    p.add_argument("--result", default="", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def run_database(name: str, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = tempfile.mkdtemp(prefix=f"openpes-bench-{name}-")
    result_path = Path(data_dir) / "result.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_")}
    env.update(
        OPENPES_DATA_DIR=data_dir,
        OPENPES_MODE="demo",
        OPENPES_CRYPTO="aes",
        DJANGO_SETTINGS_MODULE="openpes.settings",
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    pg_name = ""
    if name == "postgresql":
        import psycopg

        pg_name = f"openpes_bench_{os.getpid()}"
        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        env["OPENPES_DATABASE_URL"] = f"{args.pg_url}/{pg_name}"
    elif name != "sqlite":
        raise SystemExit(f"unknown database {name!r}: use sqlite and/or postgresql")
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        name,
        "--result",
        str(result_path),
        "--size",
        str(args.size),
        "--queries",
        str(args.queries),
        "--chunk",
        str(args.chunk),
        "--seed",
        str(args.seed),
    ]
    if args.profile:
        command += ["--profile", f"{args.profile}.{name}"]
    try:
        subprocess.run(command, env=env, check=True)  # noqa: S603 - this script itself, with our arguments
        return json.loads(result_path.read_text())
    finally:
        if pg_name:
            import psycopg

            with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def machine() -> dict[str, str]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    def output(*command: str) -> str:
        path = shutil.which(command[0])
        if path is None:
            return f"({command[0]} not found)"
        done = subprocess.run([path, *command[1:]], capture_output=True, text=True, check=False)  # noqa: S603
        return done.stdout.rstrip()

    nproc, free = output("nproc"), output("free", "-h")
    commit = output("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD")
    if output("git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "benchmarks"):
        commit += " (with uncommitted changes under src/ or benchmarks/)"
    return {
        "cpu": cpu,
        "nproc": nproc,
        "free": free,
        "commit": commit,
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def fmt(value: float, digits: int = 2) -> str:
    return f"{value:,.{digits}f}"


def ok(flag: bool) -> str:
    return "met" if flag else "**missed**"


def render(results: list[dict[str, Any]], command: str, host: dict[str, str], started: str) -> str:
    versions = ", ".join(f"{r['database']} {r['database_version']}" for r in results)
    out = [
        f"## registry.py — {started}",
        "",
        f"Command: `{command}` at commit {host['commit']}",
        "",
        f"Machine: {host['nproc']} CPUs ({host['cpu']}), Python {host['python']}, {versions}, {host['os']}.",
        "",
        "```",
        host["free"],
        "```",
        "",
        "Machine state during each part (the machine is shared; `sum(range(1000))` is a fixed piece of "
        "Python, best of 5 — higher means a busier machine):",
        "",
        "| database | load average at start / end | `sum(range(1000))` µs at start / end |",
        "| --- | --- | --- |",
    ]
    for r in results:
        st = r["state"]
        out.append(
            f"| {r['database']} | {st['load_start']:.2f} / {st['load_end']:.2f} | "
            f"{st['speed_start_us']:.1f} / {st['speed_end_us']:.1f} |"
        )
    out += [
        "",
        "Bulk registration through `households_bulk_create` "
        f"(chunks of {results[0]['chunk']:,} persons; generating the input is not timed). CPU is this "
        "process plus, on PostgreSQL, its server backend:",
        "",
        "| database | persons | households | load s | persons/s | goal ≥ 5,000/s | CPU µs/person | "
        "plain table rows/s | plain CPU µs/row | ours/plain time | database size MB |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        load = r["load"]
        out.append(
            f"| {r['database']} | {load['persons']:,} | {load['households']:,} | {fmt(load['seconds'], 1)} | "
            f"{fmt(load['persons_per_s'], 0)} | {ok(load['persons_per_s'] >= GOAL_LOAD)} | "
            f"{fmt(load['cpu_client_us'] + load['cpu_server_us'], 0)} | {fmt(load['plain_rows_per_s'], 0)} | "
            f"{fmt(load['plain_cpu_us'], 1)} | {fmt(load['plain_rows_per_s'] / load['persons_per_s'], 1)}× | "
            f"{fmt(r['size_mb'], 0)} |"
        )
    out += [
        "",
        "CPU µs per registered person: validation and crypto measured on a separate sample of "
        f"{results[0]['split']['sample']:,} rows, the rest is the load's CPU per person minus both:",
        "",
        "| database | validation | crypto (encrypt + blind index, ID and phone) | "
        "writes, households, audit, rest (of which database server) | total |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        s = r["split"]
        out.append(
            f"| {r['database']} | {fmt(s['validation_us'], 1)} | {fmt(s['crypto_us'], 1)} | "
            f"{fmt(s['rest_us'], 1)} ({fmt(s['server_us'], 1)}) | {fmt(s['total_us'], 1)} |"
        )
    out += [
        "",
        f"Queries ({results[0]['queries']:,} measured per kind, random loaded targets, county officer), "
        "latency in ms:",
        "",
        "| database | query | ours p50 | ours p99 | ours, SQL only p50 | ours, SQL only p99 | plain p50 | "
        "plain p99 | ours/plain p50 | ours/plain p99 | goal p99 < 100 ms | rows per query |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    labels = {"id": "exact ID", "name": "name in a village, first 50"}
    for r in results:
        for kind, q in r["query"].items():
            ours, sql, plain = q["ours"], q["ours_sql"], q["plain"]
            out.append(
                f"| {r['database']} | {labels[kind]} | {fmt(ours['p50'], 3)} | {fmt(ours['p99'], 3)} | "
                f"{fmt(sql['p50'], 3)} | {fmt(sql['p99'], 3)} | {fmt(plain['p50'], 3)} | {fmt(plain['p99'], 3)} | "
                f"{fmt(ours['p50'] / plain['p50'], 1)}× | {fmt(ours['p99'] / plain['p99'], 1)}× | "
                f"{ok(ours['p99'] < GOAL_P99_MS)} | {fmt(q['rows_mean'], 1)} |"
            )
    problems = [
        f"{r['database']} {k}: {q['mismatches']} results differ from the plain table"
        for r in results
        for k, q in r["query"].items()
        if q["mismatches"]
    ]
    out += [
        "",
        "Check: every ID look-up found its person and every name search returned as many rows as the plain "
        "table."
        if not problems
        else "Check: " + "; ".join(problems) + ".",
        "",
        "Query plans (ours):",
        "",
    ]
    for r in results:
        for kind, plan in r["plans"].items():
            out.append(f"- {r['database']}, {labels[kind]}: `{plan}`")
    out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker:
        worker(args)
        return
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = shlex.join(["uv", "run", "python", "benchmarks/registry.py", *sys.argv[1:]])
    host = machine()  # before the run: the commit measured
    results = []
    for name in [d.strip() for d in args.databases.split(",") if d.strip()]:
        print(f"== {name}", file=sys.stderr, flush=True)
        results.append(run_database(name, args))
    text = render(results, command, host, started)
    print(text)
    if not args.no_record:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        existing = DOC.read_text(encoding="utf-8") if DOC.exists() else DOC_INTRO
        DOC.write_text(existing.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        print(f"appended to {DOC.relative_to(ROOT)}", file=sys.stderr)


# --- worker: runs inside the database's own environment -------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


_BACKEND_PIDS: dict[int, int] = {}  # id of a driver connection → its server process


class Meter:
    """Wall time, this process's CPU time and, on PostgreSQL, the CPU time of our server backend (read from
    /proc, same machine): on a shared machine CPU time says what the work costs, wall time what it took."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.wall = self.client = self.server = 0.0

    def _server_cpu(self) -> float:
        if self.connection.vendor != "postgresql":
            return 0.0
        pid = self._backend_pid()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a server on another machine
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def _backend_pid(self) -> int:
        """Asked once per connection: a query at each phase's edge would wait for writes a phase left
        running behind (bulk.write_behind) and so change what is measured."""
        key = id(self.connection.connection)
        if key not in _BACKEND_PIDS:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                (_BACKEND_PIDS[key],) = cursor.fetchone()
        return _BACKEND_PIDS[key]

    def __enter__(self) -> Meter:
        self._start = (self._server_cpu(), time.process_time(), time.perf_counter())
        return self

    def __exit__(self, *exc: object) -> None:
        wall, client = time.perf_counter(), time.process_time()
        server = self._server_cpu()
        self.wall += wall - self._start[2]
        self.client += client - self._start[1]
        self.server += server - self._start[0]


def speed_check() -> float:
    """µs for a fixed piece of pure Python (best of 5): shows how loaded the machine was during the run."""
    import timeit

    return min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6


def percentiles(samples_ns: list[int]) -> dict[str, float]:
    ordered = sorted(samples_ns)

    def rank(p: float) -> float:  # nearest rank
        index = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
        return ordered[index] / 1e6

    return {
        "p50": rank(50),
        "p99": rank(99),
        "max": ordered[-1] / 1e6,
        "mean": sum(ordered) / len(ordered) / 1e6,
    }


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction

    from openpes.accounts import services as accounts
    from openpes.accounts.roles import Role
    from openpes.demo.generator import CountyGenerator
    from openpes.people import services as people
    from openpes.people.models import Household, Person
    from openpes.people.selectors import PersonFilters, person_list
    from openpes.regions import services as regions
    from openpes.regions.models import Region, RegionLevel

    vendor = connection.vendor
    state = {"load_start": os.getloadavg()[0], "speed_start_us": speed_check()}
    log(f"{vendor}: migrate")
    call_command("migrate", verbosity=0)
    regions.load_national(prefix=COUNTY[:6])
    officer = accounts.staff_create(
        actor=None,
        username="bench_county",
        full_name="县级经办员",
        password="",
        password_hash=make_password(None),
        jurisdiction_code=COUNTY,
        roles=[Role.COUNTY_OFFICER],
    )
    villages = [
        (code, name)
        for code, name in Region.objects.in_prefix(COUNTY[:6])
        .filter(level=RegionLevel.VILLAGE, retired=False)
        .order_by("code")
        .values_list("code", "name")
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE person_plain (id_number text PRIMARY KEY, name varchar(30) NOT NULL, "
            "region_code varchar(12) NOT NULL)"
        )
        cursor.execute("CREATE INDEX person_plain_region_name ON person_plain (region_code, name)")

    def plain_insert(rows: list[tuple[str, str, str]]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if vendor == "postgresql":
                with cursor.cursor.copy(
                    "COPY person_plain (id_number, name, region_code) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    "INSERT INTO person_plain (id_number, name, region_code) VALUES (%s, %s, %s)", rows
                )

    def inputs(households: list[Any]) -> list[people.HouseholdInput]:
        return [h.as_input() for h in households]

    # --- bulk load ---
    generator = CountyGenerator(county_code=COUNTY, villages=villages, seed=args.seed, today=TODAY)
    stream = generator.households(args.size)
    loaded: list[tuple[str, str, str]] = []
    load, plain = Meter(connection), Meter(connection)
    generate_s = 0.0
    households = 0
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    log(f"{vendor}: loading {args.size:,} persons in {len(villages)} villages")
    done = False
    while not done:
        t0 = time.perf_counter()
        chunk: list[Any] = []
        persons = 0
        for household in stream:
            chunk.append(household)
            persons += len(household.members)
            if persons >= args.chunk:
                break
        else:
            done = True
        if not chunk:
            break
        batch = inputs(chunk)
        rows = [(m.id_number, m.name, m.region_code) for h in chunk for m in h.members]
        generate_s += time.perf_counter() - t0
        with load:
            if profiler:
                profiler.enable()
            result = people.households_bulk_create(actor=officer, households=batch, today=TODAY)
            if profiler:
                profiler.disable()
        assert result.created == persons and not result.errors, (result.created, persons, result.errors[:3])
        with plain:
            plain_insert(rows)
        loaded.extend(rows)
        households += len(chunk)
        log(
            f"{vendor}: {len(loaded):,} persons, {len(loaded) / load.wall:,.0f}/s through the services "
            f"({(load.client + load.server) / len(loaded) * 1e6:,.0f} CPU µs each), "
            f"{len(loaded) / plain.wall:,.0f}/s plain; load average {os.getloadavg()[0]:.2f}"
        )
    if profiler:
        profiler.dump_stats(args.profile)
    total = len(loaded)
    assert Person.objects.count() == total and Household.objects.count() == households
    if vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum would do soon after a load this size
            cursor.execute("ANALYZE")

    # --- per-row split on a separate sample ---
    sample_gen = CountyGenerator(county_code=COUNTY, villages=villages, seed=args.seed + 1, today=TODAY)
    sample = [m for h in inputs(list(sample_gen.households(10_000))) for m in h.members]
    partial = set(people.PERSON_FIELDS) - {"region_code"}
    t0 = time.process_time()
    cleaned = [people.clean_person(officer, row, partial=partial, today=TODAY) for row in sample]
    validation_us = (time.process_time() - t0) / len(sample) * 1e6
    blanks = [Person() for _ in cleaned]
    t0 = time.process_time()
    for blank, clean in zip(blanks, cleaned, strict=True):
        people.apply_identity(blank, clean)
    crypto_us = (time.process_time() - t0) / len(sample) * 1e6
    total_us = (load.client + load.server) / total * 1e6

    # --- queries ---
    rng = random.Random(args.seed + 7)
    warmup = 50
    targets = rng.sample(loaded, min(len(loaded), args.queries + warmup))
    plain_id_sql = "SELECT id_number, name, region_code FROM person_plain WHERE id_number = %s"
    plain_name_sql = (
        "SELECT id_number, name, region_code FROM person_plain WHERE region_code = %s AND name LIKE %s "
        "ORDER BY region_code, name LIMIT 50"
    )

    def fragment(name: str, i: int) -> str:
        return name[:1] if i % 2 == 0 else name[:2]  # a surname, or surname and first given character

    def ours_id(t: tuple[str, str, str], i: int) -> int:
        return len(list(person_list(actor=officer, filters=PersonFilters(q=t[0]))))

    def ours_name(t: tuple[str, str, str], i: int) -> int:
        return len(
            list(person_list(actor=officer, filters=PersonFilters(q=fragment(t[1], i), region=t[2]))[:50])
        )

    id_sql, id_params = person_list(
        actor=officer, filters=PersonFilters(q=targets[0][0])
    ).query.sql_with_params()
    id_position = list(id_params).index(people.id_index(targets[0][0]))  # where the HMAC goes

    def sql_id(t: tuple[str, str, str], i: int, cursor: Any) -> tuple[int, int]:
        # the selector's SQL, run directly; the HMAC of the number is computed inside the timing
        params = list(id_params)
        start = time.perf_counter_ns()
        params[id_position] = people.id_index(t[0])
        cursor.execute(id_sql, params)
        rows = cursor.fetchall()
        return len(rows), time.perf_counter_ns() - start

    def sql_name(t: tuple[str, str, str], i: int, cursor: Any) -> tuple[int, int]:
        qs = person_list(actor=officer, filters=PersonFilters(q=fragment(t[1], i), region=t[2]))[:50]
        sql, params = qs.query.sql_with_params()
        start = time.perf_counter_ns()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        return len(rows), time.perf_counter_ns() - start

    def plain_id(t: tuple[str, str, str], i: int, cursor: Any) -> tuple[int, int]:
        start = time.perf_counter_ns()
        cursor.execute(plain_id_sql, [t[0]])
        rows = cursor.fetchall()
        return len(rows), time.perf_counter_ns() - start

    def plain_name(t: tuple[str, str, str], i: int, cursor: Any) -> tuple[int, int]:
        start = time.perf_counter_ns()
        cursor.execute(plain_name_sql, [t[2], f"%{fragment(t[1], i)}%"])
        rows = cursor.fetchall()
        return len(rows), time.perf_counter_ns() - start

    query: dict[str, Any] = {}
    log(f"{vendor}: {args.queries:,} queries of each kind")
    with connection.cursor() as cursor:
        for kind, ours_fn, sql_fn, plain_fn in (
            ("id", ours_id, sql_id, plain_id),
            ("name", ours_name, sql_name, plain_name),
        ):
            times: dict[str, list[int]] = {"ours": [], "ours_sql": [], "plain": []}
            rows_seen: list[int] = []
            mismatches = 0
            for i, target in enumerate(targets):
                start = time.perf_counter_ns()
                n_ours = ours_fn(target, i)
                elapsed_ours = time.perf_counter_ns() - start
                n_sql, elapsed_sql = sql_fn(target, i, cursor)
                n_plain, elapsed_plain = plain_fn(target, i, cursor)
                if i < warmup:
                    continue
                times["ours"].append(elapsed_ours)
                times["ours_sql"].append(elapsed_sql)
                times["plain"].append(elapsed_plain)
                rows_seen.append(n_ours)
                expected = 1 if kind == "id" else n_plain
                mismatches += int(not (n_ours == n_sql == n_plain == expected))
            query[kind] = {
                **{variant: percentiles(samples) for variant, samples in times.items()},
                "rows_mean": sum(rows_seen) / len(rows_seen),
                "mismatches": mismatches,
            }
        plans = {}
        explain = "EXPLAIN QUERY PLAN " if vendor == "sqlite" else "EXPLAIN "
        t = targets[0]
        for kind, qs in (
            ("id", person_list(actor=officer, filters=PersonFilters(q=t[0]))),
            (
                "name",
                person_list(actor=officer, filters=PersonFilters(q=fragment(t[1], 0), region=t[2]))[:50],
            ),
        ):
            sql, params = qs.query.sql_with_params()
            cursor.execute(explain + sql, params)
            lines = [str(row[-1]).strip() for row in cursor.fetchall()]
            plans[kind] = " / ".join(lines)
        if vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database()), current_setting('server_version')")
            size_bytes, version = cursor.fetchone()
        else:
            import sqlite3

            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size_bytes = Path(connection.settings_dict["NAME"]).stat().st_size
            version = sqlite3.sqlite_version
    state.update(load_end=os.getloadavg()[0], speed_end_us=speed_check())
    result_doc = {
        "state": state,
        "database": "PostgreSQL" if vendor == "postgresql" else "SQLite",
        "database_version": version,
        "chunk": args.chunk,
        "queries": len(targets) - warmup,
        "size_mb": size_bytes / 2**20,
        "load": {
            "persons": total,
            "households": households,
            "seconds": load.wall,
            "persons_per_s": total / load.wall,
            "cpu_client_us": load.client / total * 1e6,
            "cpu_server_us": load.server / total * 1e6,
            "plain_rows_per_s": total / plain.wall,
            "plain_cpu_us": (plain.client + plain.server) / total * 1e6,
            "generate_s": generate_s,
        },
        "split": {
            "sample": len(sample),
            "validation_us": validation_us,
            "crypto_us": crypto_us,
            "rest_us": total_us - validation_us - crypto_us,
            "server_us": load.server / total * 1e6,
            "total_us": total_us,
        },
        "query": query,
        "plans": plans,
    }
    Path(args.result).write_text(json.dumps(result_doc, indent=1))
    log(f"{vendor}: done")


if __name__ == "__main__":
    main()
