"""The job search at scale: SIZE generated vacancies, 1,000 mixed queries with filters, through
`openpes.vacancies.search.search()` on SQLite and PostgreSQL, each with the application's two engines (the
tantivy index beside the database, the default; the database's own index: FTS5 / tsvector + GIN), against
tantivy alone with a jieba-segmented field: same documents, same queries, same run.

Documents are generated with a fixed seed from the vocabulary of the demo sample
(src/openpes/demo/data/postings_sample.csv: titles and company names), the synonyms of common titles
(openpes/vacancies/search/data/synonyms.csv) and the occupation table (大典 2022 unit groups: names as
titles, definitions as description text), with benefits and requirements phrases as real postings have.
Each database runs in its own process on a fresh database (SQLite in a temporary data directory,
PostgreSQL a fresh database on 127.0.0.1:5432, dropped at the end): `migrate`, the vacancies written
published, then `search.rebuild(engines=(engine,))` timed as each engine's index build (segmentation
included), then the queries through `search.search()` (query segmentation and synonym expansion, the count
and the page of ids; for the tantivy engine also the outbox check and the page checked against the vacancy
table) after 20 warm-up queries. Tantivy alone indexes the same segmented text (`search.text.index_text`,
whitespace tokenizer), with the filter fields as fast fields, and answers the same query plans with the same
filters, count and page; its build time includes the segmentation too.

The hit counts of every query are compared with tantivy alone (they implement the same semantics), and the
script prints a Markdown table: build time, p50/p99/mean latency, the ratio to tantivy, the share of queries
the tantivy engine answered itself (the rest fell back to the database), and the load average.

    uv run python benchmarks/search.py --size 100000
    uv run python benchmarks/search.py --size 1000000 --databases sqlite,postgresql --parallel-builds

On a busy machine `--parallel-builds` builds in all workers at once and then lets one worker at a time run
its queries; `--engines tantivy` leaves out the database's own engine (slow at a million).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "openpes"
PG_BASE = "postgres://postgres@127.0.0.1:5432"
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
EMPLOYERS = 5000
WARM_UP = 20
GOAL_P99_MS = 50.0
GOAL_RATIO = 1.5

BENEFITS = (
    "五险一金",
    "包吃住",
    "包住宿",
    "提供工作餐",
    "双休",
    "月休4天",
    "交通补贴",
    "加班补助",
    "节日福利",
    "带薪年假",
    "年终奖金",
    "免费培训",
    "缴纳社保",
    "满勤奖",
    "高温补贴",
    "全勤奖",
    "员工宿舍",
    "定期体检",
)
REQUIREMENTS = (
    "身体健康",
    "有相关经验者优先",
    "能吃苦耐劳",
    "持C1驾照",
    "持B2驾照",
    "熟练使用办公软件",
    "服从安排",
    "责任心强",
    "沟通能力好",
    "能适应倒班",
    "男女不限",
    "年龄不限",
    "有健康证",
    "会电脑操作",
    "普通话标准",
    "持电工证",
    "持焊工证",
    "有叉车证",
    "懂基本财务知识",
    "熟悉Java或Python",
)
WORK_TYPES = ("full_time", "full_time", "full_time", "full_time", "part_time", "gig", "internship")
EDUCATIONS = ("", "", "", "10", "20", "30", "40", "50", "60", "70")


@dataclass(frozen=True)
class Doc:
    id: int
    title: str
    description: str
    employer: int
    occupation_code: str
    occupation_name: str
    region_code: str
    pay_min: int | None
    pay_max: int | None
    education_min: str
    work_type: str
    published_at: dt.datetime


@dataclass(frozen=True)
class Query:
    q: str
    region: str
    occupation: str
    industry: str
    pay_min: int | None
    pay_max: int | None
    education_max: str
    work_type: str
    posted_within_days: int | None
    sort: str
    page: int


# --- the generated data (deterministic: the same seed gives the same documents and queries) -------------


def _vocabulary() -> dict[str, Any]:
    with open(SRC / "demo" / "data" / "postings_sample.csv", encoding="utf-8") as fh:
        sample = list(csv.DictReader(fh))
    with gzip.open(SRC / "taxonomy" / "data" / "occupations_2022.csv.gz", "rt", encoding="utf-8") as fh:
        units = [row for row in csv.DictReader(fh) if row["level"] == "unit"]
    with gzip.open(SRC / "taxonomy" / "data" / "industries_2017.csv.gz", "rt", encoding="utf-8") as fh:
        industries = list(csv.DictReader(fh))
    synonyms_text = (SRC / "vacancies" / "search" / "data" / "synonyms.csv").read_text("utf-8")
    synonyms = [
        [word for word in line.split(",") if word]
        for line in synonyms_text.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # Common jobs are common: the synonym words' occupations come up far more often than the 大典's tail.
    return {
        "sample_titles": [row["title"] for row in sample if row["title"]],
        "companies": sorted({row["company"] for row in sample if row["company"]}),
        "units": units,
        "classes": [row["code"] for row in industries if row["level"] == "class"],
        "divisions": [row["code"] for row in industries if row["level"] == "division"],
        "sections": [row["code"] for row in industries if row["level"] == "section"],
        "synonyms": synonyms,
    }


def _regions(rng: random.Random) -> list[str]:
    """A province's township codes: 12 cities × 10 counties × 15 townships (43 CC XX TTT 000)."""
    return [
        f"43{city:02d}{county:02d}{township:03d}000"
        for city in range(1, 13)
        for county in range(1, 11)
        for township in range(1, 16)
    ]


def documents(size: int, seed: int) -> Iterator[Doc]:
    rng = random.Random(seed)
    vocab = _vocabulary()
    regions = _regions(rng)
    units = vocab["units"]
    common = [word for group in vocab["synonyms"] for word in group]
    for pk in range(1, size + 1):
        unit = rng.choice(units)
        roll = rng.random()
        if roll < 0.35:
            title = rng.choice(common)
        elif roll < 0.7:
            title = rng.choice(vocab["sample_titles"])
        else:
            title = unit["name"]
        if rng.random() < 0.2:
            title = rng.choice(("急招", "高薪诚聘", "长期招聘", "")) + title
        parts = [unit["definition"] or unit["name"]]
        parts += rng.sample(REQUIREMENTS, rng.randint(1, 3)) + rng.sample(BENEFITS, rng.randint(1, 4))
        description = "，".join(parts) + "。"
        low = rng.choice((None, *range(1800, 15000, 200))) if rng.random() < 0.92 else None
        high = None if low is None or rng.random() < 0.15 else low + rng.choice((500, 1000, 2000, 3000, 5000))
        yield Doc(
            id=pk,
            title=title[:100],
            description=description,
            employer=rng.randint(1, EMPLOYERS),
            occupation_code=unit["code"],
            occupation_name=unit["name"],
            region_code=rng.choice(regions),
            pay_min=low,
            pay_max=high,
            education_min=rng.choice(EDUCATIONS),
            work_type=rng.choice(WORK_TYPES),
            published_at=NOW - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 60)),
        )


def employers(seed: int) -> list[tuple[int, str, str]]:
    """(id, name, industry class code)"""
    rng = random.Random(seed + 1)
    vocab = _vocabulary()
    return [
        (
            pk,
            f"{rng.choice(vocab['companies'])}{rng.choice(('', '第二分公司', '湖南分公司', '生产基地'))}"[
                :100
            ],
            rng.choice(vocab["classes"]),
        )
        for pk in range(1, EMPLOYERS + 1)
    ]


def queries(count: int, seed: int) -> list[Query]:
    rng = random.Random(seed + 2)
    vocab = _vocabulary()
    regions = _regions(rng)
    common = [word for group in vocab["synonyms"] for word in group]
    extra = ("包吃住", "五险一金", "双休", "长沙", "急招", "驾照", "Java", "仓库", "夜班", "学徒")
    result = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.5:
            q = rng.choice(common)
        elif roll < 0.65:
            q = f"{rng.choice(common)} {rng.choice(extra)}"
        elif roll < 0.8:
            q = rng.choice(vocab["sample_titles"])
        elif roll < 0.9:
            q = rng.choice(vocab["units"])["name"]
        else:
            q = ""
        region = rng.choice(regions)
        result.append(
            Query(
                q=q,
                region=(region[: rng.choice((4, 6, 9))].ljust(12, "0")) if rng.random() < 0.5 else "",
                occupation=rng.choice(vocab["units"])["code"][:4] if rng.random() < 0.15 else "",
                industry=rng.choice(vocab["divisions"]) if rng.random() < 0.1 else "",
                pay_min=rng.choice((3000, 4000, 5000, 6000, 8000)) if rng.random() < 0.3 else None,
                pay_max=rng.choice((6000, 8000, 10000)) if rng.random() < 0.1 else None,
                education_max=rng.choice(("20", "30", "40", "50", "60")) if rng.random() < 0.2 else "",
                work_type=rng.choice(WORK_TYPES) if rng.random() < 0.15 else "",
                posted_within_days=rng.choice((1, 3, 7, 30)) if rng.random() < 0.3 else None,
                sort=rng.choices(("relevance", "newest", "pay"), (6, 3, 1))[0],
                page=1 if rng.random() < 0.9 else rng.randint(2, 5),
            )
        )
    return result


# --- the databases (one process each) --------------------------------------------------------------------


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


def run_database(size: int, seed: int, count: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpes.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from openpes.employers.models import Employer
    from openpes.vacancies import search
    from openpes.vacancies.models import Vacancy

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    with transaction.atomic():
        Employer.objects.bulk_create(
            Employer(
                pk=pk, uscc=f"91430000{pk:010d}", name=name, industry_code=code, region_code="430100000000"
            )
            for pk, name, code in employers(seed)
        )
        batch: list[Vacancy] = []
        for doc in documents(size, seed):
            batch.append(
                Vacancy(
                    pk=doc.id,
                    employer_id=doc.employer,
                    channel="staff",
                    title=doc.title,
                    description=doc.description,
                    occupation_code=doc.occupation_code,
                    occupation_name=doc.occupation_name,
                    region_code=doc.region_code,
                    pay_min=doc.pay_min,
                    pay_max=doc.pay_max,
                    education_min=doc.education_min,
                    work_type=doc.work_type,
                    status="published",
                    published_at=_shift(doc.published_at),
                    valid_until=today + dt.timedelta(days=60),
                )
            )
            if len(batch) == 5000:
                Vacancy.objects.bulk_create(batch)
                batch = []
        Vacancy.objects.bulk_create(batch)
    loaded = time.perf_counter() - started
    _progress(f"{connection.vendor}: {size:,} vacancies loaded in {loaded:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    results: dict[str, Any] = {"loaded_s": loaded}
    plans = queries(count, seed)
    engines = [name for name in os.environ.get("BENCH_ENGINES", "database,tantivy").split(",") if name]
    # Each index built on its own, timed with its segmentation (`rebuild-job-search` builds both in one
    # pass); then, when the driver says so, the same queries to each engine.
    builds: dict[str, tuple[int, float]] = {}
    for engine in engines:
        started = time.perf_counter()
        with transaction.atomic():
            indexed = search.rebuild(engines=(engine,))
        builds[engine] = (indexed, time.perf_counter() - started)
        _progress(f"{connection.vendor}: {engine} index built in {builds[engine][1]:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "PRAGMA optimize")
    _wait_turn()
    import time_machine

    for engine in engines:
        settings.JOB_SEARCH_ENGINE = engine
        clock = time_machine.travel(_shift(NOW), tick=True)
        clock.start()
        for query in plans[:WARM_UP]:
            search.search(_search_query(query))
        latencies, totals, answered = [], [], []
        for query in plans:
            started = time.perf_counter()
            page = search.search(_search_query(query))
            latencies.append((time.perf_counter() - started) * 1000)
            totals.append(page.total)
            answered.append(page.engine)
        clock.stop()
        _progress(f"{connection.vendor}: {engine} queries done, p99 {_percentile(latencies, 0.99):.1f} ms")
        results[engine] = {
            "indexed": builds[engine][0],
            "build_s": builds[engine][1],
            "latencies": latencies,
            "totals": totals,
            "answered_by_tantivy": answered.count(search.engine.TANTIVY) / len(answered),
        }
    return results


def _wait_turn() -> None:
    """With --parallel-builds, the workers build at the same time and then query one after the other:
    each says it is ready and waits for its turn (files in BENCH_GATE), so no query is timed while another
    worker is busy."""
    gate = os.environ.get("BENCH_GATE")
    if not gate:
        return
    kind = os.environ["BENCH_KIND"]
    Path(gate, f"{kind}.built").touch()
    while not Path(gate, f"{kind}.go").exists():
        time.sleep(0.5)
    _progress(f"{kind}: querying")


_SHIFT: list[dt.timedelta] = []


def _shift(moment: dt.datetime) -> dt.datetime:
    """The generated times, moved so that NOW is the worker's start (posted-within filters count back from
    today). The queries then run with the clock set back to that instant, as tantivy alone counts from NOW:
    a million rows take long enough to load that the moving clock would otherwise change the counts."""
    from django.utils import timezone

    if not _SHIFT:
        _SHIFT.append(timezone.now() - NOW)
    return moment + _SHIFT[0]


def _search_query(query: Query) -> Any:
    from openpes.vacancies.search import SearchQuery

    return SearchQuery(**asdict(query), page_size=20)


# --- tantivy, the peer -----------------------------------------------------------------------------------


def run_tantivy(size: int, seed: int, count: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpes.settings")
    import django

    django.setup()
    import tantivy

    from openpes.vacancies.search.engine import MAX_COUNT
    from openpes.vacancies.search.text import index_text, plan_query

    schema_builder = tantivy.SchemaBuilder()
    for name in ("title", "body"):
        schema_builder.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option="freq")
    schema_builder.add_integer_field("id", stored=False, indexed=False, fast=True)
    for name in ("region", "pay_low", "pay_high", "education", "published"):
        schema_builder.add_integer_field(name, stored=False, indexed=True, fast=True)
    for name in ("occupation", "industry", "work_type"):
        schema_builder.add_text_field(name, stored=False, tokenizer_name="raw", index_option="basic")
    schema = schema_builder.build()
    directory = tempfile.mkdtemp(prefix="openpes-tantivy-")
    try:
        index = tantivy.Index(schema, path=directory)
        industry_of = {pk: code for pk, _, code in employers(seed)}
        name_of = {pk: name for pk, name, _ in employers(seed)}
        division_section = _division_sections()
        started = time.perf_counter()
        writer = index.writer(heap_size=256_000_000, num_threads=1)
        for doc in documents(size, seed):
            document = tantivy.Document()
            document.add_text("title", index_text(doc.title))
            document.add_text(
                "body", index_text(f"{doc.occupation_name} {doc.description} {name_of[doc.employer]}")
            )
            document.add_integer("id", doc.id)
            document.add_integer("region", int(doc.region_code))
            low, high = _coalesce(doc.pay_min, doc.pay_max), _coalesce(doc.pay_max, doc.pay_min)
            if low is not None and high is not None:
                document.add_integer("pay_low", low)
                document.add_integer("pay_high", high)
            document.add_integer("education", int(doc.education_min or 0))
            document.add_integer("published", int(doc.published_at.timestamp()))
            code = doc.occupation_code
            for prefix in {code[:1], code[:4], code[:7], code}:
                document.add_text("occupation", prefix)
            industry = industry_of[doc.employer]
            for prefix in {industry[:2], industry[:3], industry, division_section.get(industry[:2], "")} - {
                ""
            }:
                document.add_text("industry", prefix)
            document.add_text("work_type", doc.work_type)
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        build = time.perf_counter() - started
        _progress(f"tantivy alone: built in {build:.0f} s")
        _wait_turn()
        index.reload()
        searcher = index.searcher()

        def run(query: Query) -> int:
            must: list[Any] = []
            plan = plan_query(query.q)
            for term in plan.terms:
                alternatives = []
                for alternative in term:
                    tokens = [
                        tantivy.Query.boolean_query(
                            [
                                (
                                    tantivy.Occur.Should,
                                    tantivy.Query.boost_query(
                                        tantivy.Query.term_query(schema, "title", token), 3.0
                                    ),
                                ),
                                (tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", token)),
                            ]
                        )
                        for token in alternative
                    ]
                    alternatives.append(
                        (
                            tantivy.Occur.Should,
                            tantivy.Query.boolean_query([(tantivy.Occur.Must, t) for t in tokens]),
                        )
                    )
                must.append(tantivy.Query.boolean_query(alternatives))
            filters = _tantivy_filters(tantivy, schema, query)
            clauses = [(tantivy.Occur.Must, q) for q in must] + [
                (tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters
            ]
            combined = tantivy.Query.boolean_query(clauses) if clauses else tantivy.Query.all_query()
            offset = (query.page - 1) * 20
            if query.sort == "newest" or (query.sort == "relevance" and not plan):
                result = searcher.search(combined, 20, count=True, order_by_field="published", offset=offset)
            elif query.sort == "pay":
                result = searcher.search(combined, 20, count=True, order_by_field="pay_high", offset=offset)
            else:
                result = searcher.search(combined, 20, count=True, offset=offset)
            return int(result.count or 0)

        plans = queries(count, seed)
        for query in plans[:WARM_UP]:
            run(query)
        latencies, totals = [], []
        for query in plans:
            started = time.perf_counter()
            totals.append(min(run(query), MAX_COUNT))  # the engine counts up to MAX_COUNT
            latencies.append((time.perf_counter() - started) * 1000)
        return {"indexed": size, "build_s": build, "latencies": latencies, "totals": totals}
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _coalesce(first: int | None, second: int | None) -> int | None:
    return first if first is not None else second


def _division_sections() -> dict[str, str]:
    with gzip.open(SRC / "taxonomy" / "data" / "industries_2017.csv.gz", "rt", encoding="utf-8") as fh:
        return {row["code"]: row["parent_code"] for row in csv.DictReader(fh) if row["level"] == "division"}


def _tantivy_filters(tantivy: Any, schema: Any, query: Query) -> list[Any]:
    integer = tantivy.FieldType.Integer
    big = 2**62
    filters = []
    if query.region:
        digits = len(query.region.rstrip("0"))
        prefix = query.region[: max(digits, 2)]
        filters.append(
            tantivy.Query.range_query(
                schema, "region", integer, int(prefix.ljust(12, "0")), int(prefix.ljust(12, "9"))
            )
        )
    if query.occupation:
        filters.append(tantivy.Query.term_query(schema, "occupation", query.occupation))
    if query.industry:
        filters.append(tantivy.Query.term_query(schema, "industry", query.industry))
    if query.pay_min is not None:
        filters.append(tantivy.Query.range_query(schema, "pay_high", integer, query.pay_min, big))
    if query.pay_max is not None:
        filters.append(tantivy.Query.range_query(schema, "pay_low", integer, -big, query.pay_max))
    if query.education_max:
        filters.append(tantivy.Query.range_query(schema, "education", integer, 0, int(query.education_max)))
    if query.work_type:
        filters.append(tantivy.Query.term_query(schema, "work_type", query.work_type))
    if query.posted_within_days is not None:
        since = int((NOW - dt.timedelta(days=query.posted_within_days)).timestamp())
        filters.append(tantivy.Query.range_query(schema, "published", integer, since, big))
    return filters


# --- the driver ------------------------------------------------------------------------------------------


class _Worker:
    """One worker process (tantivy alone, or one database), its data directory and its database."""

    def __init__(self, kind: str, args: argparse.Namespace, gate: str) -> None:
        self.kind, self.args = kind, args
        self.data_dir = tempfile.mkdtemp(prefix=f"openpes-search-{kind}-")
        self.pg_name = args.pg_database or f"openpes_search_bench_{os.getpid()}"
        env = dict(os.environ)
        env.pop("OPENPES_DATABASE_URL", None)
        env.update(
            OPENPES_DATA_DIR=self.data_dir, BENCH_KIND=kind, BENCH_ENGINES=args.engines, BENCH_GATE=gate
        )
        if kind == "postgresql":
            with self._postgres() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{self.pg_name}"')
            env["OPENPES_DATABASE_URL"] = f"{args.pg_url}/{self.pg_name}"
        command = [sys.executable, __file__, "--worker", kind, "--size", str(args.size)]
        command += ["--seed", str(args.seed), "--queries", str(args.queries)]
        # stderr passes through: the workers say how far they are.
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603

    def _postgres(self) -> Any:
        import psycopg

        return psycopg.connect(f"{self.args.pg_url}/postgres", autocommit=True)

    def result(self) -> dict[str, Any]:
        out, _ = self.process.communicate()
        if self.process.returncode != 0:
            raise SystemExit(f"{self.kind} failed (exit {self.process.returncode})")
        return dict(json.loads(out.strip().splitlines()[-1]))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.kind == "postgresql":
            with self._postgres() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        shutil.rmtree(self.data_dir, ignore_errors=True)


def _run_workers(kinds: list[str], args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Sequentially, or with --parallel-builds all at once until built, then querying one at a time."""
    gate = tempfile.mkdtemp(prefix="openpes-search-gate-")
    results: dict[str, dict[str, Any]] = {}
    workers: list[_Worker] = []
    try:
        if not args.parallel_builds:
            for kind in kinds:
                Path(gate, f"{kind}.go").touch()
                workers.append(_Worker(kind, args, gate))
                results[kind] = workers[-1].result()
            return results
        workers = [_Worker(kind, args, gate) for kind in kinds]
        while not all(Path(gate, f"{w.kind}.built").exists() for w in workers):
            if any(w.process.poll() not in (None, 0) for w in workers):
                raise SystemExit("a worker failed while building")
            time.sleep(1)
        for worker in workers:
            Path(gate, f"{worker.kind}.go").touch()
            results[worker.kind] = worker.result()
        return results
    finally:
        for worker in workers:
            worker.close()
        shutil.rmtree(gate, ignore_errors=True)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000, help="vacancies to generate")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--pg-url", default=PG_BASE, help="PostgreSQL server (a fresh database is created on it)"
    )
    parser.add_argument(
        "--pg-database", default="", help="name of the database to create (and drop) on that server"
    )
    parser.add_argument(
        "--engines",
        default="database,tantivy",
        help="the application's engines to measure on each database: database, tantivy or both",
    )
    parser.add_argument(
        "--parallel-builds",
        action="store_true",
        help="build in all workers at once (on a busy machine), then query one worker at a time",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run = run_tantivy if args.worker == "tantivy" else run_database
        print(json.dumps(run(args.size, args.seed, args.queries)))
        return
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    load_before = _load()
    measured = _run_workers(["tantivy", *databases], args)
    results = {"tantivy": measured["tantivy"]}
    for kind in databases:
        if "database" in measured[kind]:
            results[f"{kind}, database index"] = measured[kind]["database"]
        if "tantivy" in measured[kind]:
            results[f"{kind}, tantivy index (the default)"] = measured[kind]["tantivy"]
    peer = results["tantivy"]
    print(f"\n### search.py — job search at {args.size:,} vacancies, {args.queries:,} queries\n")
    print(f"`uv run python {' '.join(sys.argv)}`\n")
    print(
        f"seed {args.seed}; {os.cpu_count()} CPUs; load average (1, 5, 15 min) {load_before} at the start, "
        f"{_load()} at the end\n"
    )
    print(
        "| engine | index build | p50 | p99 | mean | p99 ÷ tantivy | same hit counts as tantivy "
        "| answered by tantivy |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, result in results.items():
        latencies = result["latencies"]
        p99 = _percentile(latencies, 0.99)
        agree = sum(a == b for a, b in zip(result["totals"], peer["totals"], strict=True)) / len(latencies)
        ratio = p99 / _percentile(peer["latencies"], 0.99)
        by_tantivy = result.get("answered_by_tantivy")
        print(
            f"| {kind} | {result['build_s']:.1f} s | {_percentile(latencies, 0.5):.1f} ms | {p99:.1f} ms | "
            f"{statistics.mean(latencies):.1f} ms | {ratio:.2f}× | {agree:.1%} | "
            f"{'' if by_tantivy is None else f'{by_tantivy:.0%}'} |"
        )
    print(f"\nGoal: p99 ≤ {GOAL_P99_MS:.0f} ms and within {GOAL_RATIO}× of tantivy.")


def _load() -> str:
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
