"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium); never a downloaded browser.

Every page load records the requests the page makes; a request to any host but the test server
fails the test (veille must run air-gapped), and so does a Content-Security-Policy violation.
Every page a test visits is checked for accessibility by axe-core (vendored from npm under the
static vendor/ folder; no page loads it): ``assert_clean`` checks the page as it is, and the pages
visited but not checked that way are opened again at the end of the test and checked; a serious
or critical violation fails the test. axe runs under the page's own Content-Security-Policy: it is
evaluated through the DevTools protocol (as a console would), not injected as a script element.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "src" / "veille" / "web" / "static" / "vendor" / "axe.min.js"
#: the impacts that fail a test
AXE_FAILING = ("serious", "critical")
_AXE_RUN = """async () => {
  const result = await window.axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")) }));
}"""
# Screenshots go to var/screenshots/ so that a test run leaves the work tree as it found it;
# `make screenshots` sets SCREENSHOTS_DIR=docs/screenshots to refresh the committed ones.
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / os.environ.get("SCREENSHOTS_DIR", "var/screenshots")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def ledger_rows_removed_after_the_test() -> Iterator[None]:
    """Browser tests run in real transactions, emptied after each test. On SQLite Django empties
    tables with DELETE, which the ledger's append-only trigger refuses (PostgreSQL uses TRUNCATE):
    lift that trigger for the flush only, then put it back."""
    yield
    import importlib

    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    triggers = importlib.import_module("veille.ledger.migrations.0002_append_only_triggers")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS ledger_event_no_delete")
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(triggers.SQLITE_UP[1])


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watched:
    """A page that remembers every request and every console error."""

    def __init__(self, page: Any, origin: str) -> None:
        self.page = page
        self.origin = origin
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.visited: list[str] = []  # the HTML pages loaded (GET, 200), in order
        self.axe_checked: set[str] = set()
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", self._document)
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def _document(self, response: Any) -> None:
        request = response.request
        if request.resource_type != "document" or request.method != "GET" or response.status != 200:
            return
        if request.frame != self.page.main_frame:
            return
        if "text/html" in (response.headers.get("content-type") or "") and response.url not in self.visited:
            self.visited.append(response.url)

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's serious and critical violations on the page as it is now."""
        page = self.page
        page.wait_for_load_state("load")
        # charts and the map draw after the load: check them drawn (one that never draws, as it is)
        with contextlib.suppress(Exception):
            page.wait_for_function(
                "() => [...document.querySelectorAll('.chart[data-spec], #arctic-map')]"
                ".every(e => e.dataset.rendered || e.textContent.includes('could not'))",
                timeout=15000,
            )
        if not page.evaluate("() => Boolean(window.axe)"):
            page.evaluate(AXE.read_text(encoding="utf-8"))
        self.axe_checked.add(page.url)
        found = page.evaluate(_AXE_RUN)
        return [v | {"page": page.url} for v in found if v["impact"] in AXE_FAILING]

    def assert_accessible(self) -> None:
        bad = self.axe()
        assert bad == [], f"axe-core: {len(bad)} serious or critical violation(s): {bad}"

    def foreign_requests(self) -> list[str]:
        host = urlsplit(self.origin).netloc
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme not in ("data", "blob", "about") and urlsplit(u).netloc != host
        ]

    def assert_clean(self, *, allowed_statuses: tuple[int, ...] = ()) -> None:
        """No foreign request, no CSP violation, no console error (but for documents answered with an
        expected error status, which Chromium logs as 'Failed to load resource')."""
        assert self.foreign_requests() == [], f"requests to other hosts: {self.foreign_requests()}"
        csp = [e for e in self.console_errors if "Content Security Policy" in e or "Refused to" in e]
        assert csp == [], f"CSP violations: {csp}"
        expected = tuple(f"status of {status} " for status in allowed_statuses)
        errors = [e for e in self.console_errors if not any(x in e for x in expected)]
        assert errors == [], f"console errors: {errors}"
        if self.page.url.startswith(self.origin):
            self.assert_accessible()

    def check_visited(self) -> list[dict[str, Any]]:
        """axe on every page visited and not checked yet, opened again (GET) as the same user."""
        bad: list[dict[str, Any]] = []
        for url in [u for u in self.visited if u not in self.axe_checked]:
            try:
                self.page.goto(url)
            except Exception:  # noqa: S112 - a page that no longer opens was checked by its test
                continue
            if self.page.url.startswith(self.origin):
                bad += self.axe()
        return bad

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def open_page(
    browser: Any, live_server: Any, users: dict[str, Any], password: str
) -> Iterator[Callable[..., Watched]]:
    contexts: list[Any] = []
    pages: list[Watched] = []

    def make(username: str | None = None, *, locale: str = "en-GB", width: int = 1280) -> Watched:
        context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
        contexts.append(context)
        watched = Watched(context.new_page(), live_server.url)
        pages.append(watched)
        if username:
            watched.page.goto(f"{live_server.url}/login/")
            watched.page.fill("#id_username", username)
            watched.page.fill("#id_password", password)
            watched.page.click("form.stacked button[type=submit]")
            watched.page.wait_for_url(f"{live_server.url}/")
        return watched

    yield make
    bad: list[dict[str, Any]] = []
    for watched in pages:
        if not watched.page.is_closed():
            bad += watched.check_visited()
    for context in contexts:
        context.close()
    # the pages' alert streams run in the live server's threads until their next poll: end them
    # before the test's database is emptied (a stream reading it then locks SQLite's schema)
    from veille.arctic import alerts

    alerts.ENDING.set()
    try:
        deadline = time.monotonic() + 10
        while alerts.open_streams() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        alerts.ENDING.clear()
    assert bad == [], f"axe-core: {len(bad)} serious or critical violation(s) on the pages visited: {bad}"
