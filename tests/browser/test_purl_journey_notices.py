"""The PURL journey as its users live it (issue 22): Ukraine drafts a list, corrects it (changes an
item, ranks the items again), and approves it; NATO and the United States approve it; a coordinator
builds a package; Norway pledges in NOK dated today and commits the pledge; Ukraine is told the
funding is not releasable to it until the coordinator releases it; the United States ships and
Ukraine confirms receipt. At each step the notices are raised for the users who must act and
cleared once the action is done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import Watched
from veille.core.fx import RateTable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(w: Watched, fields: dict[str, str], selects: dict[str, str] | None = None) -> None:
    for name, value in fields.items():
        w.page.fill(f"#f-{name}", value)
    for name, value in (selects or {}).items():
        w.page.select_option(f"#f-{name}", value)
    w.page.click("main form.stacked button[type=submit]")
    w.page.wait_for_load_state()


def to_do(w: Watched, base: str) -> list[str]:
    """The keys of what waits for the user, as their home page shows it."""
    w.page.goto(base + "/")
    return w.page.locator("[data-testid=notices-to-do] li").evaluate_all("els => els.map(e => e.dataset.key)")


def news(w: Watched, base: str) -> list[str]:
    w.page.goto(base + "/")
    return w.page.locator("[data-testid=notices-new] li").evaluate_all("els => els.map(e => e.dataset.key)")


def ranked(w: Watched) -> list[str]:
    rows = w.page.locator("[data-testid=items] tbody tr:not(.removed)")
    return [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())]


def test_the_purl_journey_with_its_notices(open_page: Callable[..., Watched], live_server: Any) -> None:
    base = live_server.url
    today = dt.date.today()

    # Ukraine drafts the list, adds two items, corrects the first and ranks the drones first.
    olga = open_page("olga")
    olga.page.goto(base + "/purl/lists/new/")
    submit(olga, {"title": "Winter requirements"})
    list_url = olga.page.url
    list_id = list_url.rstrip("/").rsplit("/", 1)[-1]
    for rank, (description, quantity, unit, cost, category) in enumerate(
        [
            ("Interceptor missiles", "10", "missiles", "4000000", "air_defence"),
            ("Drone kits", "100", "kits", "100000", "drones"),
        ],
        start=1,
    ):
        olga.page.goto(list_url)
        olga.page.click("text=Add an item")
        submit(
            olga,
            {
                "rank": str(rank),
                "description": description,
                "quantity": quantity,
                "unit": unit,
                "unit_cost_usd": cost,
                "cost_source": "US price list",
                "justification": "Protect the power grid",
            },
            {"category": category},
        )
    olga.page.locator("[data-testid=items] tr", has_text="Interceptor").locator(
        "a[data-testid^=edit-]"
    ).click()
    assert olga.page.input_value("#f-quantity") == "10"
    submit(olga, {"quantity": "12"})
    assert olga.page.url == list_url
    assert "12 missiles" in olga.page.locator("[data-testid=items]").inner_text()
    olga.page.locator("[data-testid=items] tr", has_text="Drone kits").locator(
        "button[data-testid^=up-]"
    ).click()
    olga.page.wait_for_load_state()
    assert ranked(olga) == ["Drone kits", "Interceptor missiles"]
    olga.screenshot("purl-draft-corrected")
    olga.page.click("[data-testid=decide]")
    submit(olga, {"comment": "Ukraine's priorities"}, {"step": "UKR", "decision": "approve"})
    assert olga.page.locator("[data-testid=list-state]").inner_text() == "Awaiting NATO"
    olga.assert_clean()

    # NATO's turn: the coordinator is asked, the United States not yet.
    key = f"purl:list:{list_id}:decision"
    alice, sam = open_page("alice"), open_page("sam")
    assert key in to_do(alice, base) and key not in to_do(sam, base)
    alice.page.goto(list_url)
    alice.page.click("[data-testid=decide]")
    submit(alice, {"comment": "Validated by SACEUR"}, {"step": "NATO", "decision": "approve"})
    # Done by NATO: cleared for the coordinator, raised for the United States.
    assert key not in to_do(alice, base) and key in to_do(sam, base)
    sam.screenshot("home-a-list-awaits-approval")
    sam.page.goto(list_url)
    sam.page.click("[data-testid=decide]")
    submit(sam, {"comment": "Available for sale"}, {"step": "USA", "decision": "approve"})
    assert sam.page.locator("[data-testid=list-state]").inner_text() == "Approved"
    assert key not in to_do(sam, base) and key not in to_do(alice, base)
    assert f"purl:list:{list_id}:approved" in news(olga, base)

    # A coordinator builds a package of both items.
    alice.page.goto(base + "/purl/packages/new/")
    alice.page.locator("main form p", has_text="Interceptor missiles").locator("input").fill("12")
    alice.page.locator("main form p", has_text="Drone kits").locator("input").fill("100")
    submit(alice, {"name": "Winter package"})
    package_url = alice.page.url
    package_id = package_url.rstrip("/").rsplit("/", 1)[-1]
    alice.assert_clean()

    # Norway pledges in NOK, dated today (the form's default), then commits its pledge.
    nora = open_page("nora")
    nora.page.goto(package_url)
    nora.page.click("text=Pledge or commit funds")
    assert nora.page.input_value("#f-value_date") == today.isoformat()
    pledge = {"amount": "700000000", "currency": "NOK", "source": "Storting decision"}
    submit(nora, pledge, {"kind": "pledge"})
    assert nora.page.url == package_url
    # The same pledge again is held back, with the offer to confirm it.
    nora.page.goto(base + f"/purl/contribute/?package={package_id}")
    submit(nora, pledge, {"kind": "pledge"})
    assert nora.page.locator("[data-testid=error-confirm_duplicate]").is_visible()
    assert nora.page.locator("#f-confirm_duplicate").is_visible()
    nora.screenshot("purl-same-pledge-twice")
    nora.page.goto(base + "/purl/contributions/?nation=NOR")
    assert nora.page.locator("[data-testid=contributions] tbody tr").count() == 1
    nora.page.click('[data-testid=contributions] a[href$="/commit/"]')
    assert nora.page.input_value("#f-value_date") == today.isoformat()
    submit(nora, {"amount": "700000000", "currency": "NOK", "source": "Storting decision"})
    nora.page.goto(package_url)
    assert nora.page.locator("[data-testid=funded]").inner_text() == "fully funded"
    if today > RateTable.bundled().source.last_date:
        assert nora.page.locator("[data-testid=provisional]").is_visible()
    nora.screenshot("purl-package-funded-today")
    nora.assert_clean(allowed_statuses=(409,))
    assert f"purl:package:{package_id}:funded" in news(alice, base)

    # Ukraine is told the funding is not releasable to it, never that it is 0 % funded.
    olga.page.goto(package_url)
    assert olga.page.locator("[data-testid=funded]").inner_text() == "funding not releasable to you"
    assert "0.0 %" not in olga.page.locator("main").inner_text()
    olga.screenshot("purl-package-funding-withheld")
    # The coordinator releases the package's total funding to Ukraine.
    alice.page.goto(package_url)
    alice.page.click("[data-testid=release-funding]")
    submit(alice, {"note": "Agreed by the coordination board"})
    assert alice.page.url == package_url
    assert f"purl:package:{package_id}:released" in news(olga, base)
    olga.page.goto(package_url)
    assert olga.page.locator("[data-testid=funded]").inner_text() == "fully funded"
    assert olga.page.locator("[data-testid=funding-released]").is_visible()
    assert "NOR" not in olga.page.locator("main").inner_text()  # the total, not who gave it
    olga.screenshot("purl-package-funding-released")

    # The United States ships; the shipment waits for Ukraine's receipt until it is confirmed.
    sam.page.goto(package_url)
    sam.page.click("text=Record a shipment")
    submit(
        sam,
        {"quantity": "12", "hub": "Rzeszów"},
        {
            "package_item": sam.page.locator("#f-package_item option", has_text="Interceptor").get_attribute(
                "value"
            )
            or ""
        },
    )
    assert sam.page.url == package_url
    waiting = [k for k in to_do(olga, base) if k.startswith("purl:shipment:")]
    assert len(waiting) == 1 and waiting[0].endswith(":receipt")
    olga.screenshot("home-a-shipment-awaits-receipt")
    olga.page.locator("[data-testid=notices-to-do] li", has_text="A shipment awaits your receipt").locator(
        "a"
    ).click()
    submit(olga, {"note": "All twelve received"})
    assert olga.page.url == package_url
    assert not [k for k in to_do(olga, base) if k.startswith("purl:shipment:")]
    assert waiting[0].replace(":receipt", ":received") in news(sam, base)
    sam.screenshot("home-a-delivery-was-received")
    for w in (olga, alice, sam, nora):
        w.assert_clean(allowed_statuses=(409,))
