"""PURL from need to delivery in the browser: Ukraine drafts a list, Ukraine, NATO and the United
States approve it, a coordinator builds a package, Germany (EUR) and Norway (NOK) commit, the
package shows fully funded, a shipment is received and the package shows delivered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import Watched

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dieter(users: dict[str, Any]) -> Any:
    """An editor of Germany, a euro nation (the named users have none)."""
    from django.contrib.auth import get_user_model

    from veille.nations.access import Actor
    from veille.nations.services import DEMO_PASSWORD, do_set_membership

    user = get_user_model().objects.create_user("dieter", password=DEMO_PASSWORD)
    do_set_membership(Actor.system_process("tests"), user, "DEU", "editor")
    return user


def submit(w: Watched, fields: dict[str, str], selects: dict[str, str] | None = None) -> None:
    for name, value in fields.items():
        w.page.fill(f"#f-{name}", value)
    for name, value in (selects or {}).items():
        w.page.select_option(f"#f-{name}", value)
    w.page.click("main form.stacked button[type=submit]")
    w.page.wait_for_load_state()


def decide(open_page: Callable[..., Watched], who: str, url: str, step: str, comment: str) -> Watched:
    w = open_page(who)
    w.page.goto(url)
    w.page.click("[data-testid=decide]")
    submit(w, {"comment": comment}, {"step": step, "decision": "approve"})
    return w


def test_a_list_goes_from_need_to_delivery(
    open_page: Callable[..., Watched], live_server: Any, dieter: Any
) -> None:
    base = live_server.url
    # Ukraine drafts the list and ranks an item.
    olga = open_page("olga")
    olga.page.goto(base + "/purl/lists/new/")
    submit(olga, {"month": "2026-10", "title": "October 2026 requirements"})
    list_url = olga.page.url
    assert "/purl/lists/" in list_url
    olga.page.click("text=Add an item")
    submit(
        olga,
        {
            "rank": "1",
            "description": "Interceptor missiles",
            "quantity": "10",
            "unit": "missiles",
            "unit_cost_usd": "4000000.001",
            "cost_source": "US price list",
            "justification": "Protect the power grid",
        },
    )
    # A named error beside the field, nothing written; then the right figure.
    assert "has 3 decimals" in olga.page.locator("[data-testid=error-unit_cost_usd]").inner_text()
    submit(olga, {"unit_cost_usd": "4000000"})
    assert olga.page.url == list_url
    olga.screenshot("purl-list-draft")
    olga.page.click("[data-testid=decide]")
    submit(olga, {"comment": "Ukraine's first priority"}, {"step": "UKR", "decision": "approve"})
    assert olga.page.locator("[data-testid=list-state]").inner_text() == "Awaiting NATO"
    olga.assert_clean(allowed_statuses=(422,))

    # NATO, then the United States.
    decide(open_page, "alice", list_url, "NATO", "Validated by SACEUR").assert_clean()
    sam = decide(open_page, "sam", list_url, "USA", "Available for sale")
    assert sam.page.locator("[data-testid=list-state]").inner_text() == "Approved"
    assert sam.page.locator("[data-testid=trail] tbody tr").count() == 3
    sam.screenshot("purl-list-approved")
    sam.assert_clean()

    # A coordinator composes a package of the approved item.
    alice = open_page("alice")
    alice.page.goto(base + "/purl/packages/new/")
    qty = alice.page.locator("main form input[type=number]").first
    qty.fill("10")
    submit(alice, {"name": "Journey package"})
    package_url = alice.page.url
    assert "/purl/packages/" in package_url and "40.0" in alice.page.locator("main dl").inner_text()
    alice.assert_clean()

    # Germany commits in EUR, Norway in NOK (value date with an ECB rate).
    for who, amount, currency in (("dieter", "20000000", "EUR"), ("nora", "250000000", "NOK")):
        w = open_page(who)
        w.page.goto(package_url)
        w.page.click("text=Pledge or commit funds")
        submit(
            w,
            {"amount": amount, "currency": currency, "value_date": "2026-10-15", "source": f"{who} decision"},
        )
        assert w.page.url == package_url
        w.assert_clean()
    alice.page.goto(base + "/purl/")
    card = alice.page.locator("[data-testid=board] li", has_text="Journey package")
    assert card.locator("text=fully funded").is_visible()
    assert "DEU" in card.inner_text() and "NOR" in card.inner_text()
    alice.screenshot("purl-board-funded")

    # The United States ships; Ukraine confirms receipt.
    sam.page.goto(package_url)
    sam.page.click("text=Record a shipment")
    submit(sam, {"quantity": "10", "hub": "Rzeszów", "shipped_on": "2026-11-20"})
    assert sam.page.url == package_url
    olga.page.goto(package_url)
    olga.page.click("text=Confirm receipt")
    submit(olga, {"note": "All ten received"})
    assert olga.page.locator("[data-testid=delivered]").inner_text() == "delivered"
    olga.page.goto(base + "/purl/")
    assert (
        olga.page.locator("[data-testid=board] li", has_text="Journey package")
        .locator("text=delivered")
        .count()
        >= 1
    )
    alice.page.goto(package_url)
    assert alice.page.locator("[data-testid=funded]").inner_text() == "fully funded"
    assert alice.page.locator("[data-testid=delivered]").inner_text() == "delivered"
    alice.screenshot("purl-package-delivered")
    alice.page.goto(base + "/")
    assert alice.page.locator("[data-testid=counts]", has_text="New PURL notifications").is_visible()
    for w in (olga, alice, sam):
        w.assert_clean(allowed_statuses=(422,))
