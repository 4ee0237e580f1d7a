"""The cost of dedup per created vacancy, for an employer with 1,000 open vacancies.

What is timed is what dedup adds to `vacancy_intake` (normalisation and screening are measured elsewhere):
`services.duplicates.find_matches` (the employer's vacancies read as id/title/occupation, the same job's
read in full, the pure comparison) and, separately, that plus the writes it brings (the first
`VacancySource`, the `DuplicateCandidate` rows) in a transaction rolled back after each posting.

The employer's pool is real postings with a description from ../shared/data/jobs/postings_a.csv (or
`--postings`), cycled through draft, pending review and published; two shapes of pool:
- `mixed`: the postings' own titles (many jobs, a few of each);
- `one-job`: all 1,000 under the same title and occupation (the worst case: every vacancy is the same job,
  so the comparison reads `MAX_COMPARED` of them in full).
The new postings are half copies of pool postings re-punctuated (they match), half postings not in the pool.
Each database runs in its own process on a fresh database (SQLite in a temporary data directory, PostgreSQL
a fresh database on 127.0.0.1:5432, dropped at the end).

    uv run python benchmarks/dedup.py --postings ../shared/data/jobs/postings_a.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTINGS = ROOT.parent / "shared" / "data" / "jobs" / "postings_a.csv"
PG_BASE = "postgres://postgres@127.0.0.1:5432"
POOL = 1000
NEW = 200


def postings(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if len(row["description"]) >= 40]


def run_database(path: str, shape: str, seed: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpes.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from openpes.employers.models import Employer
    from openpes.vacancies.models import Vacancy
    from openpes.vacancies.services import duplicates

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    rows = postings(Path(path))
    rng.shuffle(rows)
    pool, fresh = rows[:POOL], rows[POOL : POOL + NEW // 2]
    employer = Employer.objects.create(uscc="91430527000000001X", name="基准单位", region_code="430527100000")
    today = timezone.localdate()
    states = ("draft", "pending_review", "published")

    def vacancy(row: dict[str, str], index: int) -> Vacancy:
        same = shape == "one-job"
        return Vacancy(
            employer=employer,
            channel="staff",
            title="普工" if same else row["title"][:100],
            description=row["description"][:5000],
            occupation_code="6-02-04-01" if same else "",
            pay_text=row["pay_text"][:100],
            region_code="430527100000",
            status=states[index % 3],
            valid_until=today + dt.timedelta(days=60),
        )

    Vacancy.objects.bulk_create(vacancy(row, i) for i, row in enumerate(pool))
    news = [vacancy(row, 0) for row in fresh]
    for row in rng.sample(pool, NEW - len(news)):
        copy = vacancy(row, 0)
        copy.description = copy.description.replace("，", ",").replace("。", "；")
        news.append(copy)
    rng.shuffle(news)
    for posting in news[:10]:  # warm-up: caches of the pure module, the connection
        duplicates.find_matches(posting)
    lookups, writes, matched = [], [], 0
    for posting in news:
        started = time.perf_counter()
        matches = duplicates.find_matches(posting)
        lookups.append(time.perf_counter() - started)
        matched += bool(matches.duplicates)
        started = time.perf_counter()
        with transaction.atomic():
            found = duplicates.find_matches(posting)
            posting.status = "draft"
            posting.save()
            duplicates.add_source(posting, raw=posting, channel="file")
            duplicates.suggest(posting, found.duplicates)
            transaction.set_rollback(True)
        writes.append(time.perf_counter() - started)
        posting.pk = None
    return {"lookups": lookups, "writes": writes, "matched": matched, "postings": len(news)}


def _worker(kind: str, args: argparse.Namespace, shape: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", kind, "--shape", shape, "--postings", args.postings]
    env = dict(os.environ)
    data_dir = tempfile.mkdtemp(prefix=f"openpes-dedup-{kind}-")
    env["OPENPES_DATA_DIR"] = data_dir
    env.pop("OPENPES_DATABASE_URL", None)
    pg_name = f"openpes_dedup_bench_{os.getpid()}"
    try:
        if kind == "postgresql":
            import psycopg

            with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
                conn.execute(f'CREATE DATABASE "{pg_name}"')
            env["OPENPES_DATABASE_URL"] = f"{args.pg_url}/{pg_name}"
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            raise SystemExit(f"{kind} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if kind == "postgresql":
            import psycopg

            with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def _ms(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postings", default=str(DEFAULT_POSTINGS))
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--shapes", default="mixed,one-job")
    parser.add_argument("--pg-url", default=PG_BASE)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--shape", default="mixed", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT / "src"))
        print(json.dumps(run_database(args.postings, args.shape, args.seed)))
        return
    print(f"Dedup per created vacancy, one employer with {POOL:,} open vacancies, {NEW} new postings")
    print()
    print(
        "| database | pool | matched | lookup p50 | lookup p99 | lookup mean | with writes p50 | with writes p99 |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind in args.databases.split(","):
        for shape in args.shapes.split(","):
            result = _worker(kind, args, shape)
            lookups, writes = result["lookups"], result["writes"]
            print(
                f"| {kind} | {shape} | {result['matched']}/{result['postings']} "
                f"| {_ms(lookups, 0.5):.1f} ms | {_ms(lookups, 0.99):.1f} ms "
                f"| {1000 * statistics.fmean(lookups):.1f} ms "
                f"| {_ms(writes, 0.5):.1f} ms | {_ms(writes, 0.99):.1f} ms |"
            )


if __name__ == "__main__":
    main()
