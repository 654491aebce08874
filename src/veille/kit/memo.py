"""Reads computed once per request: a page that asks the same question several times (the tracker
releases in use, the donor figures under them) reads the database once.

:func:`per_request` marks a read whose answer cannot change while one request is served when
nothing is written in between; :func:`remembering` opens the memory (the web middleware opens it
around each ``GET`` and ``HEAD``, which write nothing those reads depend on). Outside it (a write, a
command, a test calling the function directly), the function runs each time.

>>> calls = []
>>> @per_request
... def square(n: int) -> int:
...     calls.append(n)
...     return n * n
>>> with remembering():
...     [square(3), square(3), square(4)]
[9, 9, 16]
>>> calls
[3, 4]
>>> square(3), calls
(9, [3, 4, 3])
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

__all__ = ["forget", "per_request", "remembering"]

P = ParamSpec("P")
R = TypeVar("R")

_memory: ContextVar[dict[Any, Any] | None] = ContextVar("veille_request_memory", default=None)


@contextlib.contextmanager
def remembering() -> Iterator[None]:
    """Remember the :func:`per_request` reads made inside the block (nested blocks share one memory)."""
    if _memory.get() is not None:
        yield
        return
    token = _memory.set({})
    try:
        yield
    finally:
        _memory.reset(token)


def forget() -> None:
    """Drop what the current block remembers (after a write inside it)."""
    memory = _memory.get()
    if memory is not None:
        memory.clear()


def per_request(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn``'s answer, computed once per set of (hashable) arguments inside :func:`remembering`.

    The answer is shared by every caller in the block: it is to be read, never changed in place.
    Arguments are keyed as bound, defaults applied: ``f()`` and ``f("summary")`` are one read when
    ``"summary"`` is the default."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        memory = _memory.get()
        if memory is None:
            return fn(*args, **kwargs)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:  # a wrong call: let the function say so
            return fn(*args, **kwargs)
        bound.apply_defaults()
        key = (fn, bound.args, tuple(sorted(bound.kwargs.items())))
        try:
            found = key in memory
        except TypeError:  # an argument that cannot be a key: no memory
            return fn(*args, **kwargs)
        if not found:
            memory[key] = fn(*args, **kwargs)
        result: R = memory[key]
        return result

    return wrapper
