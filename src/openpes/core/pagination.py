"""Limit/offset pagination for every list: `?limit=50&offset=100` → `{"items": [...], "count": 1234}`.

`@paginate(Pagination)` (ninja's) takes the handler's queryset and checks each item against the item schema
through ninja's getter, attribute by attribute of a model instance. A list that is read often uses
`@paginate_rows(reader)` instead: the same parameters and the same documented answer, but the page is read
by `reader` as plain rows (a selector's dicts of the item schema's keys, no model instance per row) and
checked by a plain pydantic copy of the item schema, a tenth of the cost. Its handler may also return a
`RowSource` that reads a page and counts by itself (a prepared query, see core.prepared)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, Protocol, cast, get_args

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.constants import NOT_SET
from ninja.operation import Operation
from ninja.pagination import LimitOffsetPagination, make_response_paginated
from ninja.utils import contribute_operation_args, contribute_operation_callback
from pydantic import BaseModel, PlainSerializer, TypeAdapter, create_model

from openpes.core.api import json_bytes_response

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 10_000_000


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}，默认 {DEFAULT_LIMIT}）"
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过前多少条（默认 0）")

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description="符合条件的总条数")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


RowReader = Callable[[QuerySet[Any]], list[dict[str, Any]]]


class RowSource(Protocol):
    """A list that reads its own pages: dicts of the item schema's keys, and the whole list's length."""

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]: ...

    def count(self) -> int: ...


class QueryRows:
    """A queryset as a RowSource, its pages read by `reader`."""

    def __init__(self, queryset: QuerySet[Any], reader: RowReader) -> None:
        self.queryset, self.reader = queryset, reader

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return self.reader(self.queryset[offset : offset + limit])

    def count(self) -> int:
        return self.queryset.count()


PAGINATION_ARG = "ninja_pagination"  # the name ninja's own @paginate gives the parameters


def paginate_rows(
    reader: RowReader,
) -> Callable[[Callable[..., QuerySet[Any] | RowSource]], Callable[..., HttpResponse]]:
    """`@paginate_rows(selectors.person_rows)` under `@router.get(..., response=responses(list[ItemOut]))`:
    the handler returns its queryset, whose page (`limit`, `offset`) is sliced and read by `reader`, or a
    RowSource; the rows must carry ItemOut's keys. The count is the page's own length when the page is the
    last one, else one COUNT query."""
    paginator = Pagination()
    checked: list[TypeAdapter[list[Any]]] = []  # set when ninja builds the operation

    def document(operation: Operation) -> None:
        make_response_paginated(paginator, operation)  # the same `Paged…` answer as @paginate
        for model in operation.response_models.values():
            if model is None or model is NOT_SET:
                continue
            paged = model.model_fields["response"].annotation
            if isinstance(paged, type) and issubclass(paged, Pagination.Output):
                (item,) = get_args(paged.model_fields["items"].annotation)
                checked.append(TypeAdapter(cast(Any, list)[_plain_copy(item)]))

    def decorate(handler: Callable[..., QuerySet[Any] | RowSource]) -> Callable[..., HttpResponse]:
        @wraps(handler)
        def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            page: Pagination.Input = kwargs.pop(PAGINATION_ARG)
            answer = handler(request, **kwargs)
            found = QueryRows(answer, reader) if isinstance(answer, QuerySet) else answer
            rows = found.page(page.offset, page.limit)
            last_page = len(rows) < page.limit and (rows or page.offset == 0)
            count = page.offset + len(rows) if last_page else found.count()
            # checked and written as JSON by pydantic's core in one pass (a third of the stdlib encoder's time)
            items = checked[0].dump_json(checked[0].validate_python(rows))
            return json_bytes_response(b'{"items":' + items + b',"count":' + str(count).encode() + b"}")

        contribute_operation_args(view, PAGINATION_ARG, Pagination.Input, Pagination.InputSource)
        contribute_operation_callback(view, document)
        return view

    return decorate


def _plain_copy(schema: type[BaseModel]) -> type[BaseModel]:
    """The schema's fields on a plain pydantic model: validated from a dict by pydantic's core alone,
    without ninja's per-attribute getter and resolvers. Times are written as every other answer writes
    them (Django's JSON encoder: milliseconds, `Z` for UTC), not as pydantic would."""
    fields: dict[str, Any] = {}
    for name, field in schema.model_fields.items():
        annotation: Any = field.annotation
        if annotation in _TIMES:
            annotation = Annotated[annotation, _AS_DJANGO_WRITES]
        fields[name] = (annotation, field)
    return create_model(f"{schema.__name__}Row", **fields)


_TIMES = {dt.datetime, dt.datetime | None, dt.time, dt.time | None}
_ENCODER = DjangoJSONEncoder()
_AS_DJANGO_WRITES = PlainSerializer(
    lambda value: None if value is None else _ENCODER.default(value), when_used="json"
)
