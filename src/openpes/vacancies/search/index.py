"""The tantivy index of the job search: a copy of the published vacancies on disk, fast enough at a million
vacancies (block-max WAND top-k for relevance, collection sorted by a fast field for the other sorts), with
the database as the source of truth.

* Where: `settings.JOB_SEARCH_INDEX_DIR` (default `<data dir>/job-search`). It holds `current` (the name of
  the generation in use), the generation directories `gen-*` and `write.lock`. A rebuild writes a new
  generation beside the live one and swaps `current` atomically; readers notice at their next query.
* Writes: the vacancy services write a row to `SearchOutbox` in their own transaction (`enqueue`), and ask
  for `apply_pending` once it commits. Whoever holds `write.lock` (an OS file lock; the web process after
  its commit, the CLI, the benchmark) applies the rows: each vacancy is deleted from the index and added
  again if it is public, tantivy commits, and only then are exactly those rows deleted. A crash in between
  leaves the rows, and applying them again does the same thing (idempotent). A process that finds the lock
  taken leaves the rows to the holder or to the next one.
* Reads never wait for the writer: `engine.search` uses this index only while no outbox row is pending and
  checks the page it returns against the vacancy table (status, validity, every filter); anything else, and
  a missing or unreadable index, answers from the database's own full-text index (`engine`), which is kept
  in the same transaction as every write. So no answer is ever staler than the database.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import tantivy
from django.conf import settings
from django.db import transaction

from openpes.core.jurisdiction import code_range, prefix_of
from openpes.vacancies.choices import VacancyStatus
from openpes.vacancies.models import SearchOutbox, Vacancy
from openpes.vacancies.search.text import QueryPlan

log = logging.getLogger(__name__)

# Title words weigh three times the rest, as in the database engine.
TITLE_BOOST = 3.0
WRITER_HEAP = 15_000_000
APPLY_BATCH = 500
REBUILD_LOCK_WAIT_S = 120.0
# A missing index is built by the first writer that finds it so while the database is this small (a new
# installation, the demo: about a second); a bigger one is built by `openpes worker` at its start or by
# `openpes rebuild-job-search`, and the database answers meanwhile.
AUTO_BUILD_LIMIT = 5000
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
_MS_BITS = 41  # milliseconds since 2020 fit in 41 bits until 2089
_ID_BITS = 22
_PAY_CAP = (1 << 21) - 2


def index_dir() -> Path:
    return Path(settings.JOB_SEARCH_INDEX_DIR)


def enabled() -> bool:
    return settings.JOB_SEARCH_ENGINE == "tantivy"


# --- the schema and the documents --------------------------------------------------------------------------


def _schema() -> Any:
    builder = tantivy.SchemaBuilder()
    for name in ("title", "body"):
        builder.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option="freq")
    builder.add_integer_field("id", stored=False, indexed=True, fast=True)
    builder.add_integer_field("employer", stored=False, indexed=True, fast=False)
    for name in ("region", "pay_low", "pay_high", "education", "published", "valid_until"):
        builder.add_integer_field(name, stored=False, indexed=True, fast=True)
    for name in ("newest", "pay"):  # sort keys
        builder.add_integer_field(name, stored=False, indexed=False, fast=True)
    for name in ("occupation", "work_type"):
        builder.add_text_field(name, stored=False, tokenizer_name="raw", index_option="basic")
    return builder.build()


SCHEMA = _schema()


@dataclass(frozen=True)
class Row:
    """What the index keeps of a vacancy."""

    id: int
    title: str  # segmented (text.index_text)
    body: str
    employer: int
    region_code: str
    occupation_code: str
    pay_min: int | None
    pay_max: int | None
    education_min: str
    work_type: str
    published_at: dt.datetime | None
    valid_until: dt.date


def row_of(vacancy: Vacancy, title: str, body: str) -> Row:
    return Row(
        id=vacancy.pk,
        title=title,
        body=body,
        employer=vacancy.employer_id,
        region_code=vacancy.region_code,
        occupation_code=vacancy.occupation_code,
        pay_min=vacancy.pay_min,
        pay_max=vacancy.pay_max,
        education_min=vacancy.education_min,
        work_type=vacancy.work_type,
        published_at=vacancy.published_at,
        valid_until=vacancy.valid_until,
    )


def _ms(moment: dt.datetime | None) -> int:
    return max(0, int((moment - EPOCH).total_seconds() * 1000)) if moment else 0


def _micros(moment: dt.datetime) -> int:
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def _education(code: str) -> int | None:
    return int(code) if code.isdigit() else None


def document(row: Row) -> Any:
    doc = tantivy.Document()
    doc.add_text("title", row.title)
    doc.add_text("body", row.body)
    doc.add_integer("id", row.id)
    doc.add_integer("employer", row.employer)
    if row.region_code.isdigit():
        doc.add_integer("region", int(row.region_code))
    low = row.pay_min if row.pay_min is not None else row.pay_max
    high = row.pay_max if row.pay_max is not None else row.pay_min
    if low is not None and high is not None:
        doc.add_integer("pay_low", low)
        doc.add_integer("pay_high", high)
    # '' (no minimum) is 0, below every level, as `education_min = ''` matches every seeker in SQL.
    education = _education(row.education_min) if row.education_min else 0
    if education is not None:
        doc.add_integer("education", education)
    if row.published_at is not None:
        doc.add_integer("published", _micros(row.published_at))
    doc.add_integer("valid_until", row.valid_until.toordinal())
    # Sort keys packed into one integer each, as tantivy sorts by one fast field: newest = the time, then
    # the id; pay = the top of the range (none = -1 → 0), then the time.
    ms = _ms(row.published_at) & ((1 << _MS_BITS) - 1)
    doc.add_integer("newest", (ms << _ID_BITS) | (row.id & ((1 << _ID_BITS) - 1)))
    top = high if high is not None else -1
    doc.add_integer("pay", ((min(top, _PAY_CAP) + 1) << _MS_BITS) | ms)
    code = row.occupation_code or ""
    for end in range(1, len(code) + 1):  # every prefix: the filter is "begins with"
        doc.add_text("occupation", code[:end])
    if row.work_type:
        doc.add_text("work_type", row.work_type)
    return doc


# --- locations, the write lock ------------------------------------------------------------------------------


_generation_cache: dict[str, tuple[tuple[int, int, int], Path | None]] = {}


def _current_generation() -> Path | None:
    """The live generation's directory, read from `current` (cached on its inode and mtime: asked at
    every search)."""
    pointer = os.path.join(settings.JOB_SEARCH_INDEX_DIR, "current")
    try:
        stat = os.stat(pointer)
    except FileNotFoundError:
        return None
    stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    cached = _generation_cache.get(pointer)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        name = Path(pointer).read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    path = index_dir() / name
    generation = path if name.startswith("gen-") and (path / "meta.json").exists() else None
    _generation_cache[pointer] = (stamp, generation)
    return generation


def exists() -> bool:
    return _current_generation() is not None


@contextmanager
def _write_lock(wait_s: float = 0.0) -> Iterator[bool]:
    """The index's single-writer lock across processes (an OS lock on `write.lock`, released by the OS if
    the holder dies). Yields whether it was got within `wait_s`."""
    index_dir().mkdir(parents=True, exist_ok=True)
    handle: IO[bytes] = open(index_dir() / "write.lock", "a+b")  # noqa: SIM115 (held across the yield)
    deadline = time.monotonic() + wait_s
    got = False
    try:
        while True:
            got = _try_lock(handle)
            if got or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        yield got
    finally:
        if got:
            _unlock(handle)
        handle.close()


def _try_lock(handle: IO[bytes]) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[bytes]) -> None:
    if os.name == "nt":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --- reading ----------------------------------------------------------------------------------------------


class _Reader:
    """This process's open index, reopened when the generation changes and reloaded after a commit (tantivy
    renames a new meta.json into place at each commit, so its inode tells)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.path: Path | None = None
        self.index: Any = None
        self.stamp: tuple[int, int] | None = None

    def searcher(self) -> tuple[Any, tuple[Path, tuple[int, int]]] | None:
        """A searcher on the latest commit, and which generation and commit that is."""
        generation = _current_generation()
        if generation is None:
            return None
        stamp = _commit_of(generation)
        if stamp is None:
            return None
        with self.lock:
            if self.path != generation or self.index is None:
                self.index = tantivy.Index.open(str(generation))
                self.path, self.stamp = generation, stamp
            elif self.stamp != stamp:
                self.index.reload()
                self.stamp = stamp
            return self.index.searcher(), (generation, stamp)

    def forget(self) -> None:
        with self.lock:
            self.path, self.index, self.stamp = None, None, None


_reader = _Reader()


class Unsupported(Exception):
    """A query this index cannot answer exactly as the database would: the database answers it."""


@dataclass(frozen=True)
class Hits:
    ids: list[int]
    count: int
    read: tuple[Path, tuple[int, int]] | None = None  # the generation and commit they were read from


def unchanged_since(hits: Hits) -> bool:
    """Whether the index is still at the commit `hits` were read from (an apply may have committed while
    the query ran; then its outbox rows are gone although this answer does not have them)."""
    generation = _current_generation()
    if generation is None or hits.read is None or generation != hits.read[0]:
        return False
    return _commit_of(generation) == hits.read[1]


def _commit_of(generation: Path) -> tuple[int, int] | None:
    """The latest commit of a generation, as the inode and time of its meta.json (see `_Reader`); None when
    the generation has gone."""
    try:
        stat = (generation / "meta.json").stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def query(plan: QueryPlan, search_query: Any, today: dt.date, now: dt.datetime, employer_ids: Any) -> Any:
    """The tantivy query of a plan and the filters of a `engine.SearchQuery` (None = no employer filter,
    else the ids of the employers in the asked industry, read from the database)."""
    must: list[Any] = [_text_query(term) for term in plan.terms]
    filters = [_range("valid_until", today.toordinal(), None)]
    q = search_query
    if q.region:
        low, high = code_range(prefix_of(q.region))
        if not (low.isdigit() and high.isdigit()):
            raise Unsupported("region")
        filters.append(_range("region", int(low), int(high)))
    if q.occupation:
        prefix = q.occupation.replace("\\", "").replace("%", "")
        filters.append(tantivy.Query.term_query(SCHEMA, "occupation", prefix))
    if employer_ids is not None:
        if not employer_ids:
            return tantivy.Query.empty_query()
        filters.append(tantivy.Query.term_set_query(SCHEMA, "employer", list(employer_ids)))
    if q.pay_min is not None:
        filters.append(_range("pay_high", q.pay_min, None))
    if q.pay_max is not None:
        filters.append(_range("pay_low", None, q.pay_max))
    if q.education_max:
        level = _education(q.education_max)
        if level is None or len(q.education_max) != 2:
            raise Unsupported("education")
        filters.append(_range("education", 0, level))
    if q.work_type:
        filters.append(tantivy.Query.term_query(SCHEMA, "work_type", q.work_type))
    if q.posted_within_days is not None:
        filters.append(_range("published", _micros(now - dt.timedelta(days=q.posted_within_days)), None))
    clauses = [(tantivy.Occur.Must, part) for part in must]
    clauses += [(tantivy.Occur.Must, tantivy.Query.const_score_query(part, 0.0)) for part in filters]
    return tantivy.Query.boolean_query(clauses)


def _range(field: str, low: int | None, high: int | None) -> Any:
    return tantivy.Query.range_query(
        SCHEMA,
        field,
        tantivy.FieldType.Integer,
        -(2**63) if low is None else low,
        2**63 - 1 if high is None else high,
    )


def _text_query(term: tuple[tuple[str, ...], ...]) -> Any:
    alternatives = []
    for alternative in term:
        tokens = [
            tantivy.Query.boolean_query(
                [
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boost_query(
                            tantivy.Query.term_query(SCHEMA, "title", token, index_option="freq"),
                            TITLE_BOOST,
                        ),
                    ),
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.term_query(SCHEMA, "body", token, index_option="freq"),
                    ),
                ]
            )
            for token in alternative
        ]
        alternatives.append(
            (tantivy.Occur.Should, tantivy.Query.boolean_query([(tantivy.Occur.Must, t) for t in tokens]))
        )
    return tantivy.Query.boolean_query(alternatives)


def find(tantivy_query: Any, order: str, limit: int, offset: int) -> Hits | None:
    """The ids of a page and the number of matches, or None when there is no readable index."""
    try:
        opened = _reader.searcher()
    except ValueError:  # unreadable (half-deleted, another version): the database answers
        log.exception("job search index unreadable")
        _reader.forget()
        return None
    if opened is None:
        return None
    searcher, read = opened
    if order == "relevance":
        result = searcher.search(tantivy_query, limit, count=True, offset=offset)
    else:
        result = searcher.search(tantivy_query, limit, count=True, order_by_field=order, offset=offset)
    addresses = [address for _, address in result.hits]
    ids = searcher.fast_field_values("id", addresses) if addresses else []
    return Hits(ids=[int(pk) for pk in ids], count=int(result.count or 0), read=read)


# --- writing ----------------------------------------------------------------------------------------------


def enqueue(ids: Iterable[int]) -> None:
    """Note vacancies for the index, in the caller's transaction, and apply the notes once it commits."""
    if not enabled():
        return
    SearchOutbox.objects.bulk_create(SearchOutbox(vacancy_id=pk) for pk in dict.fromkeys(ids))
    transaction.on_commit(apply_pending, robust=True)


OUTBOX_TABLE = SearchOutbox._meta.db_table


def apply_pending(limit: int | None = None) -> int | None:
    """Apply the outbox to the index if this process can take the write lock at once; the number of rows
    applied, or None if the lock is held elsewhere or there is no index yet (a rebuild makes one)."""
    if not enabled():
        return None
    if not exists():
        if Vacancy.objects.filter(status=VacancyStatus.PUBLISHED).count() <= AUTO_BUILD_LIMIT:
            ensure()
        return None
    with _write_lock() as got:
        if not got:
            return None
        generation = _current_generation()  # re-read under the lock: a rebuild may have swapped it
        if generation is None:
            return None
        index = tantivy.Index.open(str(generation))
        done = 0
        while limit is None or done < limit:
            rows = list(SearchOutbox.objects.order_by("pk").values_list("pk", "vacancy_id")[:APPLY_BATCH])
            if not rows:
                break
            writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
            ids = list(dict.fromkeys(vacancy_id for _, vacancy_id in rows))
            for pk in ids:
                writer.delete_documents_by_term("id", pk)
            for row in _rows(Vacancy.objects.filter(pk__in=ids, status=VacancyStatus.PUBLISHED)):
                writer.add_document(document(row))
            writer.commit()
            writer.wait_merging_threads()
            # Only the rows read: later ones (committed meanwhile) stay for the next pass.
            SearchOutbox.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
            done += len(rows)
        return done


def _rows(vacancies: Any) -> Iterator[Row]:
    from openpes.vacancies.search.engine import document_of

    for vacancy in vacancies.select_related("employer").order_by("pk").iterator(chunk_size=2000):
        yield row_of(vacancy, *document_of(vacancy))


class LockBusy(RuntimeError):
    pass


def rebuild(
    rows: Iterable[Row] | None = None, wait_s: float = REBUILD_LOCK_WAIT_S, only_if_missing: bool = False
) -> int | None:
    """Write a new generation of every published vacancy and make it the live one; returns how many.
    Applying waits meanwhile (the write lock is held; searches answer from the database while rows are
    pending). `rows`, if given, are the documents (the database rebuild segments them once for both).
    None if `only_if_missing` and there is an index already."""
    with _write_lock(wait_s=wait_s) as got:
        if not got:
            raise LockBusy("岗位搜索索引正在被另一个进程写入，请稍后再试")
        if only_if_missing and exists():
            return None
        # The outbox rows visible now are covered by what is read below; later ones are applied after.
        seen = list(SearchOutbox.objects.values_list("pk", flat=True))
        name = f"gen-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
        path = index_dir() / name
        path.mkdir(parents=True)
        count = 0
        try:
            index = tantivy.Index(SCHEMA, path=str(path), reuse=False)
            writer = index.writer(heap_size=256_000_000, num_threads=1)
            source = (
                rows if rows is not None else _rows(Vacancy.objects.filter(status=VacancyStatus.PUBLISHED))
            )
            for row in source:
                writer.add_document(document(row))
                count += 1
            writer.commit()
            writer.wait_merging_threads()
            del writer, index
            temporary = index_dir() / f"current.{uuid.uuid4().hex[:8]}"
            temporary.write_text(name, "utf-8")
            os.replace(temporary, index_dir() / "current")
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        _delete_chunked(seen)
        for old in index_dir().glob("gen-*"):
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)
    _reader.forget()
    return count


def ensure() -> bool:
    """Build the index if there is none (and tantivy is the engine), unless another process is writing it;
    whether it was built now."""
    if not enabled() or exists():
        return False
    try:
        return rebuild(wait_s=0, only_if_missing=True) is not None
    except LockBusy:
        return False


def _delete_chunked(ids: Sequence[int]) -> None:
    for start in range(0, len(ids), 5000):
        SearchOutbox.objects.filter(pk__in=ids[start : start + 5000]).delete()


def drop() -> None:
    """Remove the index (tests; a damaged index before a rebuild)."""
    _reader.forget()
    _generation_cache.clear()
    shutil.rmtree(index_dir(), ignore_errors=True)
