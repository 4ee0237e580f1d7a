"""Limit/offset pagination for every list: `?limit=50&offset=100` → `{"items": [...], "count": 1234}`."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

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
