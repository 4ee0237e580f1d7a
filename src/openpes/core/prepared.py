"""Querysets compiled once and run many times: the statement cache Django lacks, for the hottest reads.

Building a queryset and compiling it to SQL (the WHERE tree, quoting, each column's converters) cost a list
request of the API three times what running the SQL cost (benchmarks/request_profile.py). SQLAlchemy caches
compiled statements for this reason; Django compiles every queryset afresh. `PreparedRows` keeps, per
database connection, the SQL of a queryset built once from probe values, and the places those probes took
among its parameters; a call puts its own values in those places and runs the SQL through Django's cursor
(so query logging, the tests' query counts and the connection's wrappers all still see it).

    ROWS = PreparedRows(lambda low, high: Person.objects.filter(region_code__range=(low, high))
                        .order_by("region_code", "pk").values("id", "name"), str, str)
    ROWS.page(("430527000000", "430527999999"), offset=0, limit=20)   # [{"id": …, "name": …}, …]
    ROWS.count(("430527000000", "430527999999"))

Values are texts, whole numbers or aware datetimes. What the queryset does with a value must not depend
on the value: a value has to reach the parameters whole (`exact`, `range`, comparisons) or escaped inside a pattern (`contains`, `startswith`); a lookup that
changes the SQL with its value (`in` with a list, `isnull`) cannot take one. Compiling checks that every
probe was found and nothing else; `verify` compares a call's SQL with the ORM's for the same values (the
tests run it on both databases).
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

ProbeType = type[str] | type[int] | type[dt.datetime]
Slot = partial[Any]  # called with (values, connection)


class PreparedQueryError(Exception):
    """The queryset cannot be prepared: a value does not reach the SQL as a parameter of its own."""


def _probe(kind: ProbeType, index: int) -> Any:
    if kind is int:
        return -(10**15) - index  # no key or count is negative, so nothing else in a query is this number
    if kind is dt.datetime:  # a moment no record has, told apart by its microseconds
        return dt.datetime(1001, 1, 1, microsecond=index + 1, tzinfo=dt.UTC)
    # '%' and '_' are escaped in patterns: an escaped probe shows that the lookup escapes its value.
    return f"⟨openpes-probe-{index}-%_⟩"


TOTAL = "openpes_total"  # the column that carries the count beside each row of page_and_count()


@dataclass(frozen=True)
class _Compiled:
    rows_sql: str  # ends before LIMIT
    count_sql: str
    counted_sql: str  # rows_sql with the count as one more column (an uncorrelated subquery, run once)
    slots: tuple[Slot, ...]  # one per parameter of rows_sql
    count_slots: tuple[Slot, ...]  # one per parameter of count_sql
    counted_slots: tuple[Slot, ...]  # one per parameter of counted_sql
    names: tuple[str, ...]
    compiler: Any  # the SQL compiler of this connection, for its converters
    converters: dict[int, Any]


class PreparedRows:
    """A `.values(...)` queryset of `build(*values)`, compiled once per connection (see the module)."""

    def __init__(
        self, build: Callable[..., QuerySet[Any]], *kinds: ProbeType, using: str = "default"
    ) -> None:
        self.build = build
        self.kinds = kinds
        self.using = using
        self._compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Compiled] = (
            weakref.WeakKeyDictionary()
        )

    def page(self, values: Sequence[Any], *, offset: int, limit: int) -> list[dict[str, Any]]:
        return self._named(self._rows(values, offset, limit, counted=False))

    def page_and_count(
        self, values: Sequence[Any], *, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int | None]:
        """A page and the whole list's length in one statement (one round trip instead of two); the length
        is None when the page is empty (no row carries it: call count())."""
        rows = self._rows(values, offset, limit, counted=True)
        return self._named(rows), int(rows[0][-1]) if rows else None

    def count(self, values: Sequence[Any]) -> int:
        connection = connections[self.using]
        compiled = self._compiled_for(connection)
        with connection.cursor() as cursor:
            cursor.execute(compiled.count_sql, [slot(values, connection) for slot in compiled.count_slots])
            (total,) = cursor.fetchone()
        return int(total)

    def verify(self, values: Sequence[Any], *, offset: int, limit: int) -> None:
        """Raise AssertionError unless the prepared SQL and parameters for `values` are the ORM's own, for the
        page alone and for the page with its count."""
        connection = connections[self.using]
        compiled = self._compiled_for(connection)
        built = self.build(*values)
        for queryset, prepared_sql, slots in (
            (built, compiled.rows_sql, compiled.slots),
            (_with_total(built, connection), compiled.counted_sql, compiled.counted_slots),
        ):
            sql, params = queryset[offset : offset + limit].query.get_compiler(connection=connection).as_sql()
            expected_sql = f"{prepared_sql} LIMIT {limit}" + (f" OFFSET {offset}" if offset else "")
            assert sql == expected_sql, (sql, expected_sql)
            ours = [slot(values, connection) for slot in slots]
            assert list(params) == ours, (params, ours)

    def _rows(self, values: Sequence[Any], offset: int, limit: int, *, counted: bool) -> list[Any]:
        """A page's rows, their values converted as the ORM converts them (the count, when `counted`, last)."""
        connection = connections[self.using]
        compiled = self._compiled_for(connection)
        sql, slots = (
            (compiled.counted_sql, compiled.counted_slots) if counted else (compiled.rows_sql, compiled.slots)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql} LIMIT %s OFFSET %s", [*(slot(values, connection) for slot in slots), limit, offset]
            )
            rows: list[Any] = cursor.fetchall()
        if rows and compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        return rows

    def _named(self, rows: list[Any]) -> list[dict[str, Any]]:
        names = self._compiled_for(connections[self.using]).names
        width = len(names)
        return [dict(zip(names, row[:width], strict=True)) for row in rows]

    def _compiled_for(self, connection: BaseDatabaseWrapper) -> _Compiled:
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        return compiled

    def _compile(self, connection: BaseDatabaseWrapper) -> _Compiled:
        probes = [_probe(kind, i) for i, kind in enumerate(self.kinds)]
        queryset = self.build(*probes)
        query = queryset.query
        if query.low_mark or query.high_mark is not None:
            raise PreparedQueryError("build() must not slice: the page is given to page()")
        if not query.values_select and not query.annotation_select:
            raise PreparedQueryError("build() must end in .values(...): the rows are read as dicts")
        compiler = query.get_compiler(connection=connection)
        rows_sql, params = compiler.as_sql()
        slots = tuple(_slot(param, probes, connection) for param in params)
        # Every slot but a constant is a partial whose first argument is the index of the value it takes.
        used = {slot.args[0] for slot in slots if slot.func is not _constant}
        missing = [i for i in range(len(probes)) if i not in used]
        if missing:
            raise PreparedQueryError(f"value {missing[0]} does not reach the SQL as a parameter")
        # The rows themselves, unordered, counted: grouped rows count as groups, as QuerySet.count() has it;
        # both databases flatten the subquery, so its columns are never read for the count.
        count_query = queryset.order_by().query
        inner_sql, inner_params = count_query.get_compiler(connection=connection).as_sql()
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        # As Django's ValuesIterable names the columns: in the order values() gave them, when it knows it.
        names = (
            tuple(query.selected)
            if query.selected
            else (*query.extra_select, *query.values_select, *query.annotation_select)
        )
        counted_sql, counted_params = (
            _with_total(queryset, connection).query.get_compiler(connection=connection).as_sql()
        )
        return _Compiled(
            rows_sql=rows_sql,
            # Django's own SQL, its values all parameters: nothing of a caller's is pasted in.
            count_sql=f"SELECT COUNT(*) FROM ({inner_sql}) counted",  # noqa: S608
            counted_sql=counted_sql,
            slots=slots,
            count_slots=tuple(_slot(param, probes, connection) for param in inner_params),
            counted_slots=tuple(_slot(param, probes, connection) for param in counted_params),
            names=tuple(names),
            compiler=compiler,
            converters=compiler.get_converters(fields),
        )


def _with_total(queryset: QuerySet[Any], connection: BaseDatabaseWrapper) -> QuerySet[Any]:
    """The queryset with the count of its rows (unordered, as count_sql counts them) as a last column: Django's
    own SQL, every value a parameter."""
    inner_sql, inner_params = queryset.order_by().query.get_compiler(connection=connection).as_sql()
    total = RawSQL(f"SELECT COUNT(*) FROM ({inner_sql}) counted", inner_params)  # noqa: S608,S611
    return queryset.annotate(**{TOTAL: total})


def _value(index: int, values: Sequence[Any], connection: BaseDatabaseWrapper) -> Any:
    return values[index]


def _pattern(
    index: int, before: str, after: str, values: Sequence[Any], connection: BaseDatabaseWrapper
) -> str:
    return before + connection.ops.prep_for_like_query(values[index]) + after


def _moment(index: int, values: Sequence[Any], connection: BaseDatabaseWrapper) -> Any:
    return connection.ops.adapt_datetimefield_value(values[index])


def _constant(constant: Any, values: Sequence[Any], connection: BaseDatabaseWrapper) -> Any:
    return constant


def _slot(param: Any, probes: list[Any], connection: BaseDatabaseWrapper) -> Slot:
    """Where a compiled parameter comes from: a constant, a call's value, or a value escaped in a pattern."""
    for index, probe in enumerate(probes):
        if isinstance(probe, dt.datetime):
            if param == connection.ops.adapt_datetimefield_value(probe):  # a text on SQLite
                return partial(_moment, index)
            continue
        if param == probe and type(param) is type(probe):
            return partial(_value, index)
        if not (isinstance(param, str) and isinstance(probe, str)):
            continue
        escaped = connection.ops.prep_for_like_query(probe)
        if escaped in param:
            before, _, after = param.partition(escaped)
            others = [
                form
                for p in probes
                if isinstance(p, str)
                for form in (p, connection.ops.prep_for_like_query(p))
            ]
            if any(form in before or form in after for form in others):
                raise PreparedQueryError("two values in one parameter")
            return partial(_pattern, index, before, after)
        if probe in param:
            raise PreparedQueryError(f"value {index} reaches the SQL changed, not as a parameter")
    if any(param == p for p in probes):
        raise PreparedQueryError("a value reaches the SQL with another type")
    return partial(_constant, param)
