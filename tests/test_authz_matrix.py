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


#: Who reads the items of a list releasable to the United States only: its owner (Ukraine), the
#: United States and the coordinators.
READS_USA_ONLY_LIST = {"alice": True, "olga": True, "sam": True}


@pytest.fixture
def public_package_of_a_usa_only_list(actor_of: Any) -> Any:
    """A package made PUBLIC (as one could before the rule) from a list releasable to the USA only."""
    from veille.purl.models import Package
    from veille.purl.services import ItemData, do_add_item, do_create_list, do_create_package, do_decide

    lst = do_create_list(actor_of("olga"), "2026-10", "October list", "NATIONS", ["USA"])
    item = ItemData(
        1, "air_defence", "Secret interceptor lot", 10, "missiles", "4000000", "price list", "grid"
    )
    do_add_item(actor_of("olga"), lst.pk, item)
    for who, step in (("olga", "UKR"), ("alice", "NATO"), ("sam", "USA")):
        do_decide(actor_of(who), lst.pk, step, "approve", "ok")
    first = lst.items.get()
    package = do_create_package(actor_of("alice"), "Package U", {first.pk: 10}, None, "NATIONS", ["USA"])
    Package.objects.filter(pk=package.pk).update(releasable_to="PUBLIC", releasable_nations="")
    return package


@pytest.mark.parametrize("who", USERS)
def test_a_package_never_shows_more_than_its_list_releases(
    who: str, client_as: Any, public_package_of_a_usa_only_list: Any
) -> None:
    client = client_as(None if who == "anon" else who)
    reads = READS_USA_ONLY_LIST.get(who, False)
    page = client.get(f"/purl/packages/{public_package_of_a_usa_only_list.pk}/")
    assert page.status_code == 200
    assert (b"Secret interceptor lot" in page.content) is reads
    export = client.get("/purl/package_items.csv")
    assert (b"Secret interceptor lot" in export.content) is reads
    if who != "anon":
        api = client.get("/api/v1/purl/package_items.csv")
        assert (b"Secret interceptor lot" in api.content) is reads
