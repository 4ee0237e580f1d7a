"""Fast writes of many new rows whose values are already clean (bulk registration, imports, the demo).

`bulk_create` compiles every value through the field API and builds a model instance per row: about 240 µs
per person row, more than a bulk registration's whole budget (benchmarks/registry.py). Here rows are plain
dicts (attname → value), keys are reserved up front, so that rows can point at each other before either is
written (a household's head, a person's household), and the rows go in as PostgreSQL's COPY or SQLite's
multi-row INSERT. Like `bulk_create`, no signals are sent and no `save()` runs: callers validate first.

Both databases check foreign keys at commit (Django declares them DEFERRABLE INITIALLY DEFERRED), so call
these inside `transaction.atomic()`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sqlite3
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup
from django.db.transaction import TransactionManagementError
from django.utils import timezone

# Columns whose Python value is already what the database driver takes; the others (dates, JSON, …) go
# through the field's get_db_prep_save.
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "CharField",
    "TextField",
    "ForeignKey",
    "OneToOneField",
    "BooleanField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
}


@functools.cache
def _defaulted_fields(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...]:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)


def new_row(model: type[models.Model]) -> dict[str, Any]:
    """Every column of a new row at its default, key excluded: copy it for each row and fill in the rest.
    (Defaults are computed afresh on each call: a callable default such as a time must not be frozen.)"""
    return {f.attname: f.get_default() for f in _defaulted_fields(model)}


def reserve_keys(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys that no other row has or will get, in ascending order.

    PostgreSQL draws them from the column's sequence. SQLite (Django's AutoField is AUTOINCREMENT there)
    raises the table's counter in `sqlite_sequence` in one statement, which takes the write lock, so a
    concurrent writer waits rather than reusing a key; a rollback gives the keys back."""
    if count <= 0:
        return []
    connection = connections[router.db_for_write(model)]
    pk = model._meta.pk
    assert pk is not None
    table, column = model._meta.db_table, str(pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [key for (key,) in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"reserve_keys does not support {connection.vendor}")
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s RETURNING seq", [count, table]
        )
        found = cursor.fetchone()
        if found is None:  # the table has never had a row: sqlite_sequence has no line for it yet
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT coalesce(max({quote(column)}), 0) FROM {quote(table)}")  # noqa: S608
            (top,) = cursor.fetchone()
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, top + count])
            last = top + count
        else:
            (last,) = found
    return list(range(last - count + 1, last + 1))


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert new rows, each a dict of every concrete column's attname to a clean value. The key is taken
    from the rows when they have one (from `reserve_keys`, for rows that others point at before they are
    written); rows without one get theirs from the database. auto_now and auto_now_add columns get one time
    for the whole call."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    pk = model._meta.pk
    assert pk is not None
    fields = [f for f in model._meta.concrete_fields if f is not pk or pk.attname in rows[0]]
    now = timezone.now()
    constants: dict[int, Any] = {}  # position → the value of an auto_now column
    adapted: list[tuple[int, models.Field[Any, Any]]] = []  # positions whose value goes through the field
    dates: list[int] = []  # positions of DateFields: a date goes straight to the backend's adapter
    for position, f in enumerate(fields):
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            constants[position] = f.get_db_prep_save(now, connection)
        elif f.get_internal_type() not in _PLAIN_TYPES:
            adapted.append((position, f))
            if f.get_internal_type() == "DateField":
                dates.append(position)
    take = itemgetter(*[f.attname for f in fields])
    # A missing value (NULL) needs no adapting, except in JSON, where None may mean JSON null.
    keeps_none = {position for position, f in adapted if not isinstance(f, models.JSONField)}
    adapt_date = connection.ops.adapt_datefield_value

    def values(row: dict[str, Any]) -> list[Any]:
        out = list(take(row))
        for position, constant in constants.items():
            out[position] = constant
        for position, field in adapted:
            value = out[position]
            if value is None and position in keeps_none:
                continue
            if type(value) is dt.date and position in dates:  # what the field's own path would give
                out[position] = adapt_date(value)
            else:
                out[position] = field.get_db_prep_save(value, connection)
        return out

    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(str(f.column)) for f in fields)
    # table and column names come from the model's meta, quoted; every value is a parameter
    if connection.vendor == "postgresql":
        made = [values(row) for row in rows]

        def write() -> None:
            with connection.cursor() as cursor:
                # psycopg's own copy(), so its errors are wrapped here (a unique violation → IntegrityError)
                with (
                    connection.wrap_database_errors,
                    cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
                ):
                    for row_values in made:
                        copy.write_row(row_values)
                _refresh_statistics(connection, cursor, table, len(made))

    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per_statement = max(1, min(1000, limit // len(fields)))
        placeholders = "(" + ", ".join(["?"] * len(fields)) + ")"
        statements = [
            (
                f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholders] * len(chunk))}",  # noqa: S608
                [value for row in chunk for value in values(row)],
            )
            for chunk in (rows[start : start + per_statement] for start in range(0, len(rows), per_statement))
        ]

        def write() -> None:
            # The driver's own execute, with sqlite3's ? placeholders, its errors wrapped here: Django's
            # cursor would rewrite every %s of a thousand-row statement with a regular expression (~5 µs a row).
            with connection.cursor() as cursor, connection.wrap_database_errors:
                for sql, params in statements:
                    sqlite3.Cursor.execute(cursor.cursor, sql, params)

    else:
        raise NotImplementedError(f"insert_rows does not support {connection.vendor}")
    behind = _BEHIND.get(connection)
    if behind is not None and threading.get_ident() == behind.owner:
        behind.submit(write)
    else:
        write()


def check_references_as_written(model: type[models.Model], *, except_for: tuple[str, ...] = ()) -> None:
    """For the rest of the transaction, have PostgreSQL check foreign keys at the end of each statement
    rather than at commit, except those of `model`'s fields named in `except_for` (rows that point at each
    other, such as a household naming its head: both are written before either is checked).

    Django declares foreign keys DEFERRABLE INITIALLY DEFERRED, so PostgreSQL checks every new row's
    references at commit, one by one, with nothing else to do meanwhile: 2.3 s of a 100,000-row survey. At
    a statement's end, with the statements written behind (`write_behind`), the checks overlap the caller's
    Python. A violation is then raised at its statement instead of at commit; either way nothing is kept.
    SQLite keeps a count of broken references as rows go in and checks only that count at commit: nothing
    to gain there, and nothing is done."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise TransactionManagementError("check_references_as_written needs a transaction")
    columns = [model._meta.get_field(name).column for name in except_for]  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
        kept = [
            name
            for name, about in constraints.items()
            if about["foreign_key"] and len(about["columns"]) == 1 and about["columns"][0] in columns
        ]
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if kept:
            cursor.execute(
                "SET CONSTRAINTS " + ", ".join(connection.ops.quote_name(n) for n in kept) + " DEFERRED"
            )


class _WriteBehind:
    """The helper thread of `write_behind` and the writes it has been handed, in order. Once a write has
    failed, the block is lost: the writes after it are skipped, and every statement or write the caller
    tries in the block raises that failure again."""

    def __init__(self) -> None:
        self.owner = threading.get_ident()
        self.helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="openpes-write-behind")
        self.pending: list[Future[None]] = []
        self.failure: BaseException | None = None
        self.planned_for: set[str] = set()  # tables the planner knows to be big (`_refresh_statistics`)

    def submit(self, write: Callable[[], None]) -> None:
        if self.failure is not None:
            raise self.failure
        self.pending.append(self.helper.submit(self._run, write))

    def _run(self, write: Callable[[], None]) -> None:
        if self.failure is not None:
            return
        try:
            write()
        except BaseException as exc:
            self.failure = exc

    def drain(self) -> None:
        """Wait until every write handed over is done; raise the failure, if one failed."""
        pending, self.pending = self.pending, []
        for future in pending:
            future.result()
        if self.failure is not None:
            raise self.failure


_BEHIND: weakref.WeakKeyDictionary[Any, _WriteBehind] = weakref.WeakKeyDictionary()


@contextmanager
def write_behind(model: type[models.Model]) -> Iterator[None]:
    """Inside a transaction, let `insert_rows` hand its statements to a helper thread and return at once,
    so that the caller makes the next rows (validation, encryption: Python) while the database writes
    these: SQLite's sqlite3 and psycopg let go of the GIL while the database works, and PostgreSQL's server
    is a process of its own, so the two overlap on two cores. The helper uses the caller's connection, in
    the caller's transaction, one write at a time, in order.

    Any other statement the caller runs on that connection first waits for every write handed over (a read
    sees them all, and audit rows and savepoints keep their order). What changes is where a write's error
    is raised: at that next statement (whatever it is), or when the block ends. So that it cannot be taken
    for that statement's own and passed over, a failed write fails the block for good (every later
    statement in it raises the failure again) and marks the transaction around the block for rollback. If
    the block itself raises, every write handed over is still made, as `insert_rows` promised."""
    connection = connections[router.db_for_write(model)]
    if not connection.in_atomic_block:
        raise TransactionManagementError("write_behind needs a transaction (transaction.atomic)")
    if connection in _BEHIND:  # nested: the outer block's helper serves
        yield
        return
    behind = _BEHIND[connection] = _WriteBehind()

    def drain_first(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if threading.get_ident() == behind.owner:
            behind.drain()
        return execute(sql, params, many, context)

    connection.inc_thread_sharing()
    _quicker_switches(+1)
    try:
        with connection.execute_wrapper(drain_first):
            yield
            behind.drain()
    finally:
        try:
            behind.helper.shutdown(wait=True)  # what was handed over is made, even after an error here
        finally:
            del _BEHIND[connection]
            _quicker_switches(-1)
            connection.dec_thread_sharing()
            if behind.failure is not None:
                connection.set_rollback(True)


# When the database hands a statement back, the helper needs the GIL to send the next one, and Python
# passes it on every 5 ms by default: a thousand statements of a survey waited about a second in all.
# At 1 ms the overlap is nearly whole (a bare sqlite3 test: 1.69 → 1.44 s for 1.3 s of writing beside
# 1.1 s of Python). The interval is the process's: set while any write-behind runs, then put back.
WRITE_BEHIND_SWITCH_INTERVAL = 0.001
_switches = {"count": 0, "saved": 0.0}
_switches_lock = threading.Lock()


def _quicker_switches(change: int) -> None:
    with _switches_lock:
        if change > 0 and _switches["count"] == 0:
            _switches["saved"] = sys.getswitchinterval()
            sys.setswitchinterval(min(_switches["saved"], WRITE_BEHIND_SWITCH_INTERVAL))
        _switches["count"] += change
        if change < 0 and _switches["count"] == 0:
            sys.setswitchinterval(_switches["saved"])


def _refresh_statistics(connection: Any, cursor: Any, table: str, inserted: int) -> None:
    """Analyze the table, in the writing transaction, when this transaction has written a thousand rows to a
    table PostgreSQL's planner last saw (nearly) empty (ANALYZE counts the transaction's own rows). Without
    it the queries that follow in the same transaction — reading back what was just written, as the survey
    import's derived records do — are planned for an empty table: at 100,000 rows the key-group look-up
    scanned every current membership once per key in its list (0.4–0.9 s a query, 88 → 311 µs a person,
    depending on whether autovacuum happened to analyze in time). Once is enough: the planner scales what
    an analysis saw per page to the table's pages now, so a table that grows on keeps its estimates up (an
    analysis each time the rows doubled cost a 100,000-row import 0.6 s).

    What it costs: the lock ANALYZE takes lasts until the transaction ends, so while a long import runs,
    autovacuum, a manual VACUUM or ANALYZE of that table, and a second import's own analysis wait or are
    skipped (reads and writes go on); the estimate it writes outlives a rollback until the next vacuum; and
    PostgreSQL's per-transaction insert counter may still hold a just-committed transaction's rows for about
    a second, which can only bring an analysis early. A role that does not own the table (docs/deployment.md)
    cannot analyze it, and is not asked to.

    Inside a write-behind block (one transaction) a table the planner knows to be big is not asked about
    again: in the helper each question waited about a millisecond for the caller's Python to let go of the
    GIL, and a 100,000-row survey asked 200 of them."""
    if inserted < ANALYZE_CHECK_ROWS:
        return
    behind = _BEHIND.get(connection)
    if behind is not None and table in behind.planned_for:
        return
    cursor.execute(
        "SELECT reltuples, pg_stat_get_xact_tuples_inserted(oid), pg_has_role(relowner, 'USAGE')"
        " FROM pg_class WHERE oid = %s::regclass",
        [table],
    )
    found = cursor.fetchone()
    if found is None or not found[2]:
        return
    believed, inserted_here, _ = found
    # reltuples is -1 before the first ANALYZE; after one in this transaction it counts these rows too
    if inserted_here >= ANALYZE_AFTER_ROWS and believed < ANALYZE_AFTER_ROWS:
        # SKIP_LOCKED: the lock ANALYZE takes lasts until the transaction ends, and a second import
        # writing the same table must not wait for the first; it goes on with the statistics there are
        cursor.execute(f"ANALYZE (SKIP_LOCKED) {table}")
    elif behind is not None and believed >= ANALYZE_AFTER_ROWS:
        # as PostgreSQL says, not as assumed: an ANALYZE skipped for a lock is tried again next time
        behind.planned_for.add(table)


ANALYZE_CHECK_ROWS = 100  # smaller writes do not change a plan
ANALYZE_AFTER_ROWS = 1_000


class AnyOf(Lookup[Any]):
    """`field__any_of=values`: the column is one of `values`, sent as one parameter whatever the count.

    Django's `__in` builds and binds an IN list value by value (about 30 µs a value, more than the query it
    feeds), and SQLite limits the number of bound parameters. On PostgreSQL this is `= ANY(array)`, which
    the planner runs as an index scan over the array or as a hashed filter, without the join that an
    `IN (SELECT unnest(…))` becomes: planned for a table it believes empty (rows written earlier in the
    same transaction), that join scanned the table once per value (20 ms a query at 2,000 values). SQLite
    reads the values from one JSON array. For lists of a few thousand keys or blind indexes; registered on
    every field by the core app."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        values = list(self.rhs)
        if None in values:
            raise ValueError("any_of: None is not a value (filter with __isnull for missing values)")
        return values

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        field = self.lhs.output_field
        if isinstance(field, models.ForeignKey):
            field = field.target_field
        numeric = isinstance(field, models.IntegerField)
        if not numeric and not isinstance(field, models.CharField | models.TextField):
            raise TypeError(f"any_of takes whole-number and text columns, not {type(field).__name__}")
        if connection.vendor == "postgresql":
            literal, array = _pg_array(values, numeric=numeric)
            return f"{lhs} = ANY(%s::{array})", (*lhs_params, literal)
        if connection.vendor == "sqlite":
            sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - the column, from the compiler
            return sql, (*lhs_params, json.dumps(values))
        raise NotImplementedError(f"any_of does not support {connection.vendor}")


def _pg_array(values: list[Any], *, numeric: bool) -> tuple[str, str]:
    """A PostgreSQL array's text form and type, made here: psycopg's list dumper runs a regular expression
    over each element in Python (~2 µs a key). Text elements are quoted as the array syntax wants."""
    if numeric:
        return "{" + ",".join(str(int(v)) for v in values) + "}", "bigint[]"
    quoted = ('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}", "text[]"


def existing_values(model: type[models.Model], attname: str, values: list[str]) -> set[str]:
    """Which of `values` are already in the column: one statement with one parameter, whatever the count
    (an IN list of 20,000 placeholders costs more to build and parse than to answer)."""
    if not values:
        return set()
    found = model._default_manager.filter(**{f"{attname}__any_of": values}).values_list(attname, flat=True)
    return set(found)
