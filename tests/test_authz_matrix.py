"""Every route, as every named user and an anonymous visitor, against the table in authz_table.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.authz_table import PREFIX_RULES, ROUTES, USERS, WRITES, Expect


def walk(patterns: list[Any], prefix: str = "", namespace: str | None = None) -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = p.name or f"<unnamed {prefix}{p.pattern}>"
            yield (f"{namespace}:{name}" if namespace else name), prefix + str(p.pattern)


def registered_routes() -> dict[str, str]:
    return dict(walk(get_resolver().url_patterns))


def sample_path(route: str) -> str:
    """A concrete path for an admin route: every parameter becomes 1 (or 'nations' for app_label)."""
    path = "/" + route.lstrip("^").rstrip("$")
    path = re.sub(r"<(?:\w+:)?app_label>", "nations", path)
    path = re.sub(r"<(?:\w+:)?url>", "x", path)
    path = re.sub(r"<[^>]+>", "1", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    return path.replace("\\", "")


def expectation(name: str, route: str) -> Expect | None:
    if name in ROUTES:
        return ROUTES[name]
    for prefix, status in PREFIX_RULES.items():
        if name.startswith(prefix):
            return Expect(sample_path(route), status)
    return None


def test_every_route_is_in_the_table() -> None:
    missing = [
        f"{name}  (/{route})"
        for name, route in registered_routes().items()
        if expectation(name, route) is None
    ]
    assert not missing, "routes missing from tests/authz_table.py:\n  " + "\n  ".join(missing)


def test_the_table_names_no_route_that_does_not_exist() -> None:
    stale = set(ROUTES) - set(registered_routes())
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("who", USERS)
def test_authorization_matrix(who: str, client_as: Any) -> None:
    client = client_as(None if who == "anon" else who)
    failures = []
    for name, route in sorted(registered_routes().items()):
        expect = expectation(name, route)
        if expect is None:
            continue
        response = getattr(client, expect.method)(expect.path)
        wanted = expect.for_user(who)
        if response.status_code != wanted:
            failures.append(
                f"{name} {expect.method.upper()} {expect.path}: got {response.status_code}, want {wanted}"
            )
    assert not failures, f"as {who}:\n  " + "\n  ".join(failures)


def test_the_writes_name_existing_routes() -> None:
    names = registered_routes()
    assert [n for n, _ in WRITES if n not in names] == []


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("index", range(len(WRITES)), ids=[f"{n}-{e.method}" for n, e in WRITES])
def test_authorization_matrix_for_changes(who: str, index: int, client_as: Any) -> None:
    name, expect = WRITES[index]
    client = client_as(None if who == "anon" else who)
    response = getattr(client, expect.method)(expect.path, expect.data or {})
    assert response.status_code == expect.for_user(who), (
        f"as {who}: {name} {expect.method.upper()} {expect.path}: got {response.status_code}"
    )
