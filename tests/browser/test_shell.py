"""Each named user logs in and sees the right navigation; the language switch works; nothing is
requested from any host but the server itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import Watched

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MECHANISMS = ["PURL", "Support to Ukraine", "Spending", "Industry", "Training & Council", "Arctic"]


def nav_labels(w: Watched) -> list[str]:
    return [t.strip() for t in w.page.locator("nav.mechanisms a").all_inner_texts()]


def test_the_home_page_for_an_anonymous_visitor(open_page: Callable[..., Watched], live_server: Any) -> None:
    w = open_page()
    w.page.goto(live_server.url + "/")
    assert nav_labels(w) == MECHANISMS
    assert w.page.locator("[data-testid=counts] .value").first.inner_text() == "32"
    assert w.page.get_by_role("link", name="Log in").is_visible()
    w.screenshot("home")
    w.assert_clean()


@pytest.mark.parametrize(
    "username, badge, audit",
    [
        ("alice", "alice · NATO staff · Coordinator", True),
        ("nora", "nora · NOR · Editor", False),
        ("pawel", "pawel · POL · Viewer", False),
        ("olga", "olga · UKR · Editor", False),
        ("eve", "eve · no membership", False),
    ],
)
def test_each_demo_user_logs_in_and_sees_the_right_navigation(
    open_page: Callable[..., Watched], username: str, badge: str, audit: bool
) -> None:
    w = open_page(username)
    who = " ".join(w.page.locator("[data-testid=who]").inner_text().split())
    assert who == badge
    assert nav_labels(w) == MECHANISMS
    assert w.page.get_by_role("link", name="Audit").count() == (1 if audit else 0)
    assert w.page.get_by_role("link", name="API tokens").is_visible()
    if username in ("alice", "nora"):
        w.screenshot(f"home-{username}")
    w.page.get_by_role("button", name="Log out").click()
    assert w.page.get_by_role("link", name="Log in").is_visible()
    w.assert_clean()


def test_the_language_switch_turns_the_interface_french_and_back(
    open_page: Callable[..., Watched], live_server: Any
) -> None:
    w = open_page("nora")
    w.page.goto(live_server.url + "/nations/")
    w.page.select_option("#language", "fr")
    w.page.get_by_role("button", name="Change").click()
    w.page.wait_for_url(live_server.url + "/nations/")
    assert w.page.locator("html").get_attribute("lang") == "fr"
    assert "Soutien à l'Ukraine" in nav_labels(w)
    assert w.page.get_by_role("button", name="Se déconnecter").is_visible()
    assert w.page.locator("table caption").inner_text().endswith(w.page.locator("#on").input_value())
    w.screenshot("nations-fr")
    w.page.select_option("#language", "en")
    w.page.get_by_role("button", name="Changer").click()
    assert w.page.locator("html").get_attribute("lang") == "en"
    w.assert_clean()


def test_a_wrong_password_then_the_right_one(
    open_page: Callable[..., Watched], live_server: Any, password: str
) -> None:
    w = open_page()
    w.page.goto(live_server.url + "/login/")
    w.page.fill("#id_username", "pawel")
    w.page.fill("#id_password", "wrong")
    w.page.click("form.stacked button[type=submit]")
    assert w.page.get_by_role("alert").inner_text() == "Wrong user name or password."
    w.page.fill("#id_password", password)
    w.page.click("form.stacked button[type=submit]")
    w.page.wait_for_url(live_server.url + "/")
    w.assert_clean(allowed_statuses=(401,))


def test_tables_sort_by_keyboard(open_page: Callable[..., Watched], live_server: Any) -> None:
    w = open_page()
    w.page.goto(live_server.url + "/nations/?kind=ally")
    header = w.page.locator("table.sortable thead th").nth(3)  # NATO accession
    header.focus()
    w.page.keyboard.press("Enter")
    first = w.page.locator("table.sortable tbody tr").first.locator("td").nth(3).inner_text()
    assert first == "1949-04-04"
    w.page.keyboard.press("Enter")
    first = w.page.locator("table.sortable tbody tr").first.locator("td").nth(3).inner_text()
    assert first == "2024-03-07"
    w.assert_clean()


def test_the_api_docs_load_from_the_server_alone(open_page: Callable[..., Watched], live_server: Any) -> None:
    w = open_page()
    w.page.goto(live_server.url + "/api/v1/docs")
    w.page.wait_for_selector(".swagger-ui .info", timeout=15000)
    # the operations are drawn after the description: axe (when the page closes) checks them too
    w.page.wait_for_selector(".swagger-ui .opblock .opblock-summary-control", timeout=15000)
    assert "veille API" in w.page.locator(".swagger-ui .info").inner_text()
    w.screenshot("api-docs")
    assert w.foreign_requests() == []
