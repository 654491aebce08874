"""Reads remembered for one request: inside :func:`remembering` only, per argument, and never across
two requests nor for a write."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse

from veille.kit.memo import forget, per_request, remembering
from veille.web.middleware import RequestMemoryMiddleware

calls: list[Any] = []


@per_request
def read(key: Any) -> list[Any]:
    calls.append(key)
    return [key]


@pytest.fixture(autouse=True)
def _no_calls() -> None:
    calls.clear()


def test_remembered_inside_the_block_per_argument() -> None:
    with remembering():
        assert read(1) is read(1)
        read(2)
        with remembering():  # a nested block shares the memory
            read(1)
    assert calls == [1, 2]
    read(1)
    assert calls == [1, 2, 1]


def test_forget_and_unhashable_arguments() -> None:
    with remembering():
        read(1)
        forget()
        read(1)
        read([3])
        read([3])
    assert calls == [1, 1, [3], [3]]


def _request(method: str) -> HttpRequest:
    request = HttpRequest()
    request.method = method
    return request


def test_the_middleware_remembers_for_reads_only() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        read("a")
        read("a")
        return HttpResponse()

    middleware = RequestMemoryMiddleware(view)
    middleware(_request("GET"))
    assert calls == ["a"]
    middleware(_request("GET"))  # a new request reads again
    assert calls == ["a", "a"]
    calls.clear()
    middleware(_request("POST"))
    assert calls == ["a", "a"]


@per_request
def with_default(kind: str = "summary") -> str:
    calls.append(kind)
    return kind


def test_a_default_argument_is_the_same_read() -> None:
    with remembering():
        with_default()
        with_default("summary")
        with_default(kind="summary")
        with_default("workbook")
    assert calls == ["summary", "workbook"]
