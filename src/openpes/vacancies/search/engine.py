"""The job search engine: one interface, a backend per database (SQLite FTS5 in the embedded default,
a tsvector with a GIN index on PostgreSQL). Both index the same segmented text (`text.index_text`) and
share the filters, the sorting and the pagination (`_where`, `_ORDER`); only the full-text match differs.

Only public vacancies (published) are in the index; `sync_vacancy` is called by the vacancy services after
every write, inside their transaction, so a withdrawal or an expiry leaves the search at once. Validity is
checked at query time too, so a vacancy past `valid_until` leaves on the day after even before the daily
expiry job has run."""

# ruff: noqa: S608  (the SQL is assembled from this module's constants and fixed fragments only; every value
# a user gives is a query parameter, and the full-text expression is passed as one too)
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection, transaction
from django.utils import timezone

from openpes.core.jurisdiction import code_range, prefix_of
from openpes.taxonomy.models import Industry
from openpes.vacancies.choices import VacancyStatus
from openpes.vacancies.models import Vacancy
from openpes.vacancies.search import index as tantivy_index
from openpes.vacancies.search.text import QueryPlan, index_text, plan_query

SQLITE_TABLE = "vacancies_search_fts"
POSTGRES_TABLE = "vacancies_search_document"
VACANCY_TABLE = Vacancy._meta.db_table
# The title counts three times the rest of the text in the relevance.
TITLE_WEIGHT = 3.0
MAX_PAGE_SIZE = 100
# Counting stops here ("10000+ 个岗位"): an exact count of a broad search costs a scan of every match, and
# nobody pages that far.
MAX_COUNT = 10_000
REBUILD_BATCH = 2000
DATABASE = "database"
TANTIVY = "tantivy"


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PAY = "pay"
    CHOICES = ((RELEVANCE, "相关度"), (NEWEST, "最新发布"), (PAY, "薪资从高到低"))


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    region: str = ""  # a region code: its subtree (the work place)
    occupation: str = ""  # an occupation code or its beginning ("4-03")
    industry: str = ""  # a GB/T 4754 code or its beginning ("C", "C13"), of the employer
    pay_min: int | None = None  # the wanted monthly pay range; overlapping vacancies match
    pay_max: int | None = None
    education_max: str = ""  # the seeker's education: vacancies asking at most this, or nothing
    work_type: str = ""
    posted_within_days: int | None = None
    sort: str = Sort.RELEVANCE
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True)
class SearchPage:
    ids: list[int]
    total: int  # at most MAX_COUNT
    page: int
    page_size: int
    more: bool = False  # more matches than MAX_COUNT
    engine: str = ""  # which index answered: TANTIVY or DATABASE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def document_of(vacancy: Vacancy) -> tuple[str, str]:
    """(title text, body text) as indexed: the body is what a job seeker may type besides the title."""
    employer = vacancy.employer
    body = " ".join(
        part
        for part in (
            vacancy.occupation_name,
            vacancy.description,
            employer.name,
            vacancy.industry_text,
            vacancy.place_text,
            vacancy.place_name,
        )
        if part
    )
    return index_text(vacancy.title), index_text(body)


def is_public(vacancy: Vacancy) -> bool:
    return vacancy.status == VacancyStatus.PUBLISHED


def _where(query: SearchQuery, today: dt.date, now: dt.datetime) -> tuple[list[str], list[Any]]:
    clauses = ["v.status = %s", "v.valid_until >= %s"]
    params: list[Any] = [VacancyStatus.PUBLISHED, today]
    if query.region:
        clauses.append("v.region_code BETWEEN %s AND %s")
        params.extend(code_range(prefix_of(query.region)))
    if query.occupation:
        clauses.append("v.occupation_code LIKE %s")
        params.append(_like_prefix(query.occupation))
    if query.industry:
        industry, params = _industry_clause(query.industry.strip().upper(), params)
        clauses.append(f"v.employer_id IN (SELECT id FROM {_employer_table()} WHERE {industry})")
    if query.pay_min is not None:
        clauses.append("COALESCE(v.pay_max, v.pay_min) >= %s")
        params.append(query.pay_min)
    if query.pay_max is not None:
        clauses.append("COALESCE(v.pay_min, v.pay_max) <= %s")
        params.append(query.pay_max)
    if query.education_max:
        clauses.append("(v.education_min = '' OR v.education_min <= %s)")
        params.append(query.education_max)
    if query.work_type:
        clauses.append("v.work_type = %s")
        params.append(query.work_type)
    if query.posted_within_days is not None:
        clauses.append("v.published_at >= %s")
        params.append(now - dt.timedelta(days=query.posted_within_days))
    return clauses, params


def _industry_clause(code: str, params: list[Any]) -> tuple[str, list[Any]]:
    """GB/T 4754 codes of a section (门类, a letter) do not begin its divisions' codes ("H" holds 61, 62):
    a section matches the employers coded with the letter itself or within one of its divisions."""
    if not code.isalpha():
        return "industry_code LIKE %s", [*params, _like_prefix(code)]
    divisions = list(
        Industry.objects.filter(parent_code=code, level=Industry.Level.DIVISION).values_list(
            "code", flat=True
        )
    )
    marks = ", ".join(["%s"] * len(divisions))
    within = f" OR substr(industry_code, 1, 2) IN ({marks})" if divisions else ""
    return f"(industry_code = %s{within})", [*params, code, *divisions]


def _employer_table() -> str:
    return Vacancy._meta.get_field("employer").related_model._meta.db_table


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "").replace("%", "").replace("_", "\\_") + "%"


_ORDER = {
    Sort.NEWEST: "v.published_at DESC, v.id DESC",
    Sort.PAY: "COALESCE(v.pay_max, v.pay_min, -1) DESC, v.published_at DESC, v.id DESC",
}


class Backend(Protocol):
    def index(self, rows: Iterable[tuple[int, str, str]]) -> None: ...
    def remove(self, ids: Sequence[int]) -> None: ...
    def clear(self) -> None: ...
    def match(self, plan: QueryPlan) -> tuple[str, str, list[Any], list[Any]]:
        """(FROM-clause join, WHERE clause, its parameters, parameters of the rank expression `rank`)"""
        ...


class SqliteBackend:
    def index(self, rows: Iterable[tuple[int, str, str]]) -> None:
        rows = list(rows)
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {SQLITE_TABLE} WHERE rowid = %s", [(row[0],) for row in rows])
            cursor.executemany(f"INSERT INTO {SQLITE_TABLE} (rowid, title, body) VALUES (%s, %s, %s)", rows)

    def remove(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {SQLITE_TABLE} WHERE rowid = %s", [(pk,) for pk in ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SQLITE_TABLE}")

    def match(self, plan: QueryPlan) -> tuple[str, str, list[Any], list[Any]]:
        def quoted(token: str) -> str:
            return '"' + token.replace('"', '""') + '"'

        expression = " AND ".join(
            "(" + " OR ".join("(" + " AND ".join(map(quoted, alt)) + ")" for alt in term) + ")"
            for term in plan.terms
        )
        join = f"JOIN {SQLITE_TABLE} s ON s.rowid = v.id"
        # bm25 is smaller for better matches.
        return join, f"{SQLITE_TABLE} MATCH %s", [expression], []

    rank = f"bm25({SQLITE_TABLE}, {TITLE_WEIGHT}, 1.0)"


class PostgresBackend:
    def index(self, rows: Iterable[tuple[int, str, str]]) -> None:
        rows = list(rows)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {POSTGRES_TABLE} (vacancy_id, document) VALUES (%s, "
                "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')) "
                "ON CONFLICT (vacancy_id) DO UPDATE SET document = EXCLUDED.document",
                rows,
            )

    def remove(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {POSTGRES_TABLE} WHERE vacancy_id = ANY(%s)", [list(ids)])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {POSTGRES_TABLE}")

    def match(self, plan: QueryPlan) -> tuple[str, str, list[Any], list[Any]]:
        def quoted(token: str) -> str:
            return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"

        expression = " & ".join(
            "(" + " | ".join("(" + " & ".join(map(quoted, alt)) + ")" for alt in term) + ")"
            for term in plan.terms
        )
        join = f"JOIN {POSTGRES_TABLE} s ON s.vacancy_id = v.id"
        return join, "s.document @@ %s::tsquery", [expression], [expression]

    rank = "-ts_rank(s.document, %s::tsquery, 0)"


def backend() -> SqliteBackend | PostgresBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"job search has no backend for {connection.vendor}")


# --- the interface --------------------------------------------------------------------------------------


def sync_vacancy(vacancy: Vacancy) -> None:
    """Index a vacancy if it is public, else take it out. Called by the services after each write."""
    if is_public(vacancy):
        index_vacancies([vacancy])
    else:
        remove_vacancies([vacancy.pk])


def index_vacancies(vacancies: Iterable[Vacancy]) -> None:
    vacancies = list(vacancies)
    backend().index((vacancy.pk, *document_of(vacancy)) for vacancy in vacancies)
    tantivy_index.enqueue(vacancy.pk for vacancy in vacancies)


def remove_vacancies(ids: Sequence[int]) -> None:
    if ids:
        backend().remove(list(ids))
        tantivy_index.enqueue(ids)


def rebuild(engines: Sequence[str] = (DATABASE, TANTIVY)) -> int:
    """Index every published vacancy afresh, in the database's index and in tantivy's (each vacancy is
    segmented once for both); returns how many."""
    engine = backend()
    with_database = DATABASE in engines
    with_tantivy = TANTIVY in engines and tantivy_index.enabled()
    published = Vacancy.objects.filter(status=VacancyStatus.PUBLISHED).select_related("employer")
    counted = 0

    def rows() -> Iterator[tantivy_index.Row]:
        nonlocal counted
        batch: list[tuple[int, str, str]] = []
        for vacancy in published.order_by("pk").iterator(chunk_size=REBUILD_BATCH):
            title, body = document_of(vacancy)
            counted += 1
            if with_database:
                batch.append((vacancy.pk, title, body))
                if len(batch) == REBUILD_BATCH:
                    engine.index(batch)
                    batch = []
            yield tantivy_index.row_of(vacancy, title, body)
        if batch:
            engine.index(batch)

    # One transaction: if tantivy's rebuild fails (its lock stays taken), the database's index is as before.
    with transaction.atomic():
        if with_database:
            engine.clear()
        if with_tantivy:
            tantivy_index.rebuild(rows())
        else:
            for _ in rows():
                pass
    return counted


def search(query: SearchQuery) -> SearchPage:
    """The ids of the matching public vacancies on the asked page, in order, and how many match: from the
    tantivy index when it is in step with the database, else from the database's own index."""
    page_size = min(max(1, query.page_size), MAX_PAGE_SIZE)
    page = max(1, query.page)
    today, now = timezone.localdate(), timezone.now()
    plan = plan_query(query.q)
    if tantivy_index.enabled():
        found = _search_tantivy(query, plan, page, page_size, today, now)
        if found is not None:
            return found
    return _search_database(query, plan, page, page_size, today, now)


def _search_tantivy(
    query: SearchQuery, plan: QueryPlan, page: int, page_size: int, today: dt.date, now: dt.datetime
) -> SearchPage | None:
    if not tantivy_index.exists():
        return None
    employers = None
    if query.industry:
        clause, params = _industry_clause(query.industry.strip().upper(), [])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {_employer_table()} WHERE {clause}", params)
            employers = [int(row[0]) for row in cursor.fetchall()]
    try:
        compiled = tantivy_index.query(plan, query, today, now, employers)
    except tantivy_index.Unsupported:
        return None
    order = {Sort.NEWEST: "newest", Sort.PAY: "pay"}.get(query.sort, "relevance" if plan else "newest")

    def ask() -> tuple[tantivy_index.Hits | None, bool, list[int]]:
        hits = tantivy_index.find(compiled, order, page_size, (page - 1) * page_size)
        if hits is None:
            return None, False, []
        pending, stale = _check(hits.ids, query, today, now)
        return hits, pending or not tantivy_index.unchanged_since(hits), stale

    hits, behind, stale = ask()
    if hits is not None and behind:
        # Rows written since the last apply (or applied while this query ran): apply them now if this
        # process may (never inside a transaction, which could still roll back) and ask again, else the
        # database answers.
        if not _may_apply() or tantivy_index.apply_pending() is None:
            return None
        hits, behind, stale = ask()
    if hits is None or behind:
        return None
    if stale:
        tantivy_index.enqueue(stale)
        return None
    return SearchPage(
        ids=hits.ids,
        total=min(hits.count, MAX_COUNT),
        page=page,
        page_size=page_size,
        more=hits.count > MAX_COUNT,
        engine=TANTIVY,
    )


def _may_apply() -> bool:
    return not connection.in_atomic_block


def _check(ids: list[int], query: SearchQuery, today: dt.date, now: dt.datetime) -> tuple[bool, list[int]]:
    """In one round trip: whether outbox rows are pending (tantivy may be behind), and the vacancies of a
    page from tantivy that no longer pass the filters in the database (changed behind the services' back,
    say by a data fix: they are indexed again and the database answers the query)."""
    outbox = f"SELECT 0 FROM (SELECT 1 AS one FROM {tantivy_index.OUTBOX_TABLE} LIMIT 1) AS pending"
    sql, params = outbox, list[Any]()
    if ids:
        clauses, params = _where(query, today, now)
        marks = ", ".join(["%s"] * len(ids))
        # MATERIALIZED: the page's rows by primary key first. Left to itself, SQLite's planner may prefer
        # the index on status and walk every published vacancy.
        sql = (
            f"WITH v AS MATERIALIZED (SELECT * FROM {VACANCY_TABLE} WHERE id IN ({marks})) "
            f"SELECT v.id FROM v WHERE {' AND '.join(clauses)} UNION ALL {outbox}"
        )
        params = [*ids, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {int(row[0]) for row in cursor.fetchall()}
    return 0 in found, [pk for pk in ids if pk not in found]


def _search_database(
    query: SearchQuery, plan: QueryPlan, page: int, page_size: int, today: dt.date, now: dt.datetime
) -> SearchPage:
    clauses, params = _where(query, today, now)
    join, rank_params = "", list[Any]()
    order = _ORDER.get(query.sort, _ORDER[Sort.NEWEST])
    if plan:
        engine = backend()
        join, match, match_params, rank_params = engine.match(plan)
        clauses.insert(0, match)
        params = match_params + params
        if query.sort not in _ORDER:
            order = f"{engine.rank}, v.published_at DESC, v.id DESC"
        else:
            rank_params = []
    where = " AND ".join(clauses)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {VACANCY_TABLE} v {join} WHERE {where} LIMIT %s) AS matches",
            [*params, MAX_COUNT + 1],
        )
        counted = int(cursor.fetchone()[0])
        cursor.execute(
            f"SELECT v.id FROM {VACANCY_TABLE} v {join} WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
            params + rank_params + [page_size, (page - 1) * page_size],
        )
        ids = [int(row[0]) for row in cursor.fetchall()]
    total = min(counted, MAX_COUNT)
    return SearchPage(
        ids=ids, total=total, page=page, page_size=page_size, more=counted > MAX_COUNT, engine=DATABASE
    )
