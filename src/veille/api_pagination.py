# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""Pagination of every API list: ``limit`` (capped at 1,000) and ``offset`` (at most 10⁹).

An offset beyond any real table is refused with the one error body (422) instead of reaching the
database, where a 70-digit offset overflows the integer type (found by the API fuzz test).
"""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, description=f"items per page; more than {MAX_LIMIT} is capped")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="items to skip")

    def __init__(self, max_limit: int = MAX_LIMIT, **kwargs: Any) -> None:
        super().__init__(max_limit=max_limit, **kwargs)
