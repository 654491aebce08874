"""Pages of an API list read from the database: :class:`MappedQuerySet` is what a paginated route
returns instead of a list, so that the pagination counts the rows with one query and turns only the
rows of the page asked for into their API shape (a route that built every row first took seconds
on the 30,000 spending figures, for a page of 50)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar, overload

from django.db.models import Model, QuerySet

__all__ = ["MappedQuerySet"]

M = TypeVar("M", bound=Model)
T = TypeVar("T")


class MappedQuerySet(Sequence[T], Generic[M, T]):
    """``queryset`` seen through ``shape``: ``len()`` is ``queryset.count()``, a slice reads only
    its rows (``LIMIT``/``OFFSET``) and shapes them."""

    def __init__(self, queryset: QuerySet[M], shape: Callable[[M], T]) -> None:
        self.queryset, self.shape = queryset, shape

    def __len__(self) -> int:
        return self.queryset.count()

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self.shape(row) for row in self.queryset[index]]
        return self.shape(self.queryset[index])

    def __iter__(self) -> Any:
        return (self.shape(row) for row in self.queryset.iterator())
