"""A phone held upright (390 by 844 px): with the demo loaded, every page the demo offers (the pages
linked from the navigation and from the pages' content, one of each kind) fits the screen's width:
tables scroll inside their own box, the header collapses behind a menu button that works with the
keyboard, and charts and the Arctic map take the width of the screen."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tests.browser.conftest import Watched

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
HEADER_MAX_PX = 80  # the name and the menu button on one line
SKIP = re.compile(r"\.(csv|json|geojson|png|svg|txt)(\?|$)|^/api/|^/admin|^/static/|/stream|/export|logout")


@pytest.fixture
def demo(users: Any, settings: Any, tmp_path: Path) -> Iterator[None]:
    """What ``veille demo`` loads (every app's ``demo.py``, then the shell's link proposals), with
    the AIS store in a temporary folder."""
    from veille.kit.registry import app_modules
    from veille.nations.access import Actor
    from veille.web.services import do_propose_links

    settings.AIS_STORE = tmp_path / "ais"
    console = Console(quiet=True)
    for _label, module in app_modules("demo"):
        module.load(console)
    do_propose_links(Actor.system_process("demo"))
    yield


def kind(path: str) -> str:
    """One page of each kind: ``/purl/packages/7/`` and ``/purl/packages/8/`` are the same kind."""
    return re.sub(r"\d+", "N", path.split("?")[0])


def links(w: Watched) -> list[str]:
    hrefs: list[str] = w.page.evaluate(
        "() => Array.from(document.querySelectorAll('header a[href], main a[href]'))"
        ".map(a => a.getAttribute('href'))"
    )
    return [h.split("#")[0] for h in hrefs if h.startswith("/") and not SKIP.search(h)]


def phone(browser: Any, live_server: Any, username: str | None, password: str) -> Watched:
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    w = Watched(context.new_page(), live_server.url)
    if username:
        w.page.goto(f"{live_server.url}/login/")
        w.page.fill("#id_username", username)
        w.page.fill("#id_password", password)
        w.page.click("form.stacked button[type=submit]")
        w.page.wait_for_url(f"{live_server.url}/")
    return w


def too_wide(w: Watched) -> list[str]:
    """What sticks out of the screen (outside the boxes that scroll on purpose)."""
    found: list[str] = w.page.evaluate(
        """() => Array.from(document.querySelectorAll('body *')).filter(el => {
             const r = el.getBoundingClientRect();
             return r.width > 0 && r.right > window.innerWidth + 1 && !el.closest('.table-scroll, .chart');
           }).slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + el.getAttribute('class') + ' → '
             + Math.round(el.getBoundingClientRect().right) + ' px')"""
    )
    return found


@pytest.mark.parametrize("username", [None, "alice", "olga"])
def test_no_page_the_demo_offers_is_wider_than_a_phone(
    demo: None, browser: Any, live_server: Any, password: str, username: str | None
) -> None:
    w = phone(browser, live_server, username, password)
    try:
        w.page.goto(live_server.url + "/")
        home_links = links(w)
        queue = list(dict.fromkeys(["/", *home_links]))
        seen_kinds: set[str] = set()
        problems: dict[str, Any] = {}
        visited = 0
        depth = {p: 1 for p in queue}
        while queue:
            path = queue.pop(0)
            if kind(path) in seen_kinds:
                continue
            seen_kinds.add(kind(path))
            response = w.page.goto(live_server.url + path)
            assert response is not None and response.status < 400, path
            w.page.wait_for_load_state("load")
            w.page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.chart[data-spec]'))"
                ".every(c => c.dataset.rendered)"
            )
            visited += 1
            width = w.page.evaluate("document.scrollingElement.scrollWidth")
            header = w.page.evaluate("document.querySelector('header.top').getBoundingClientRect().height")
            if width > PHONE["width"] or header > HEADER_MAX_PX:
                problems[path] = {"scroll_width": width, "header_px": header, "sticking_out": too_wide(w)}
            charts = w.page.evaluate(
                "() => Array.from(document.querySelectorAll('.chart[data-rendered] svg.marks'))"
                ".map(s => Math.round(s.getBoundingClientRect().width))"
            )
            if any(c > PHONE["width"] for c in charts):
                problems[path] = {"charts_px": charts}
            if depth[path] < 2:
                for link in links(w):
                    if link not in depth:
                        depth[link] = depth[path] + 1
                        queue.append(link)
            if path == "/arctic/":
                w.page.wait_for_selector("#arctic-map svg")
                box = w.page.locator("#arctic-map").bounding_box()
                assert box is not None and box["width"] <= PHONE["width"]
                svg = w.page.locator("#arctic-map svg").first.bounding_box()
                assert svg is not None and svg["width"] >= 0.8 * box["width"], "the map fills its box"
                assert box["height"] <= svg["height"] + 60, "no empty box below the map"
        assert visited >= (15 if username is None else 40), sorted(seen_kinds)
        assert problems == {}
        w.screenshot(f"phone-{username or 'anonymous'}-last")
    finally:
        w.page.context.close()


def test_the_header_collapses_behind_a_menu_button_that_works_with_the_keyboard(
    browser: Any, live_server: Any, users: Any, password: str
) -> None:
    w = phone(browser, live_server, "nora", password)
    try:
        page = w.page
        header = page.locator("header.top").bounding_box()
        assert header is not None and header["height"] <= HEADER_MAX_PX
        button = page.get_by_role("button", name=re.compile("^Menu"))
        nav = page.locator("nav.mechanisms")
        assert button.is_visible() and not nav.is_visible()
        assert button.get_attribute("aria-expanded") == "false"
        w.screenshot("phone-header-closed")
        # keyboard only: Tab from the skip link reaches the button; Enter opens, Escape closes
        page.keyboard.press("Tab")
        for _ in range(5):
            if page.evaluate("document.activeElement.classList.contains('menu-button')"):
                break
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('menu-button')")
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-expanded") == "true"
        assert nav.is_visible() and nav.get_by_role("link", name="Spending").is_visible()
        assert page.get_by_role("button", name="Log out").is_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        w.screenshot("phone-header-open")
        page.keyboard.press("Tab")  # into the menu
        page.keyboard.press("Escape")
        assert button.get_attribute("aria-expanded") == "false" and not nav.is_visible()
        assert page.evaluate("document.activeElement.classList.contains('menu-button')")
        page.get_by_role("button", name=re.compile("^Menu")).click()
        nav.get_by_role("link", name="Spending").click()
        page.wait_for_url(live_server.url + "/spending/")
        w.assert_clean()
    finally:
        w.page.context.close()


def test_on_a_wide_screen_the_header_shows_everything_without_a_menu_button(
    open_page: Callable[..., Watched], live_server: Any
) -> None:
    w = open_page("nora")
    assert not w.page.locator(".menu-button").is_visible()
    assert w.page.locator("nav.mechanisms").is_visible()
    assert w.page.get_by_role("button", name="Log out").is_visible()
