"""French pages (issue 22, item 8): with the demo loaded and the interface in French, the charts
speak French (axis titles, legends, month names) and write their numbers as French does ("1 234,5",
never "1,234.5"), and the visible text of the pages holds none of the interface's own English terms
(the English texts of the catalogues whose French differs, short ones left out) and no number in
English format."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import Watched
from tests.browser.test_phone import demo  # noqa: F401 - the fixture: what `veille demo` loads
from tests.web.test_french_pages import around, interface_terms, stored_text, without

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# "1,234.5" or "2.71": English; "3,873" is French for 3.873 and stays allowed; "0.1.0" is a version
ENGLISH_NUMBER = re.compile(r"\d,\d{3}[,.]\d|(?<![\d.])\d+\.\d+(?![\d.])")
CHART_ENGLISH_NUMBER = re.compile(r"\d,\d{3}|(?<![\d.])\d+\.\d+(?![\d.])")
ENGLISH_MONTHS = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
    r"|\b(January|February|April|June|July|August|September|October|November|December)\b"
)
CHART_PAGES = [
    "/spending/",
    "/spending/ally/POL/",
    "/spending/compare/",
    "/support/",
    "/support/claims/",
    "/purl/",
    "/purl/pipeline/",
    "/training/programmes/",
    "/training/timeline/",
    "/industry/products/155-mm-artillery-shell/",
    "/industry/bottlenecks/",
]
#: Pages whose visible text, as the browser shows it once the scripts have run (the charts, the
#: Arctic map's panels), is checked against the interface's English terms and English numbers; every
#: page is checked in its server-rendered form by tests/web/test_french_pages.py.
TEXT_PAGES = list(
    dict.fromkeys(
        [
            "/",
            "/support/",
            "/support/claims/",
            "/notices/",
            "/purl/notifications/",
            "/purl/record/",
            "/training/",
            "/lessons/",
            "/arctic/",
            "/arctic/coverage/",
            "/arctic/alerts/",
            "/spending/plans/",
            "/council/",
            "/council/milestones/",
            *CHART_PAGES,
        ]
    )
)


VISIBLE_TEXT = """() => {
  const clone = document.body.cloneNode(true);
  const skipped = 'code, pre, script, style, svg, [lang=en], [translate=no], .vega-embed details';
  clone.querySelectorAll(skipped).forEach(e => e.remove());
  // a detached clone has no layout: a space after each element keeps cells and lines apart
  clone.querySelectorAll('*').forEach(e => e.append(' '));
  return clone.textContent;
}"""
CHART_TEXT = (
    """() => Array.from(document.querySelectorAll('.chart svg text')).map(t => t.textContent).join('\\n')"""
)


@pytest.fixture
def french(browser: Any, live_server: Any, users: Any, password: str) -> Iterator[Watched]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    w = Watched(context.new_page(), live_server.url)
    w.page.goto(f"{live_server.url}/login/")
    w.page.fill("#id_username", "alice")
    w.page.fill("#id_password", password)
    w.page.click("form.stacked button[type=submit]")
    w.page.wait_for_url(f"{live_server.url}/")
    w.page.select_option("#language", "fr")
    w.page.get_by_role("button", name="Change").click()
    w.page.wait_for_function("document.documentElement.lang === 'fr'")
    yield w
    context.close()


def open_rendered(w: Watched, url: str) -> None:
    response = w.page.goto(url)
    assert response is not None and response.status == 200, url
    w.page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.chart[data-spec]')).every(c => c.dataset.rendered)"
    )


def test_charts_speak_french_and_write_numbers_as_french_does(
    demo: None,  # noqa: F811
    french: Watched,
    live_server: Any,
) -> None:
    problems: dict[str, Any] = {}
    drawn = 0
    for path in CHART_PAGES:
        open_rendered(french, live_server.url + path)
        text = french.page.evaluate(CHART_TEXT)
        drawn += bool(text.strip())
        numbers = sorted(set(CHART_ENGLISH_NUMBER.findall(text)))
        months = sorted({m[0] or m[1] for m in ENGLISH_MONTHS.findall(text)})
        if numbers or months:
            problems[path] = {"numbers": numbers[:6], "months": months}
    assert drawn >= 8
    # a time axis that shows months: stated capacity of 155 mm shells by date
    open_rendered(french, live_server.url + "/industry/products/155-mm-artillery-shell/")
    months = french.page.evaluate(CHART_TEXT)
    assert re.search(r"\b(avril|juillet|octobre)\b", months), months[:300]
    assert re.search(r"\d\u202f000", months), "thousands grouped as French does"
    assert problems == {}
    french.screenshot("charts-fr")
    french.assert_clean()


def test_pages_in_french_hold_no_english_interface_term_and_no_english_number(
    demo: None,  # noqa: F811
    french: Watched,
    live_server: Any,
) -> None:
    terms = interface_terms()
    assert len(terms) > 300
    stored = stored_text()  # what the database holds is shown as stored (see tests/web/test_french_pages.py)
    problems: dict[str, Any] = {}
    for path in TEXT_PAGES:
        open_rendered(french, live_server.url + path)
        text = without(re.sub(r"\s+", " ", french.page.evaluate(VISIBLE_TEXT)), stored)
        english = [t for t in terms if re.search(r"(?<![\w-])" + re.escape(t) + r"(?![\w-])", text)]
        numbers = sorted(set(ENGLISH_NUMBER.findall(text)))
        if english or numbers:
            problems[path] = {"english": english[:8], "numbers": [around(text, n) for n in numbers[:8]]}
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
