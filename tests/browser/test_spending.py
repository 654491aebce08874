"""Spending pages in Chromium: the overview, an ally's path and the comparison draw their charts
under the strict CSP, from the real NATO and SIPRI workbooks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings

from tests.browser.conftest import Watched
from veille.kit.importers import no_progress
from veille.nations.access import Actor
from veille.spending.importers import IMPORTERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def spending(users: Any) -> None:
    for kind in ("nato-spending", "sipri"):
        importer = IMPORTERS[kind]
        importer.run(
            settings.DATA_DIR / importer.default_path, Actor.system_process("tests"), no_progress, False
        )


def drawn(w: Watched, spec: str) -> int:
    chart = w.page.locator(f'.chart[data-spec="{spec}"]')
    w.page.wait_for_function(
        "el => el.dataset.rendered === 'true' || el.textContent.includes('could not be drawn')",
        arg=chart.element_handle(),
        timeout=30000,
    )
    assert chart.get_attribute("data-rendered") == "true", chart.inner_text()
    return chart.locator("svg path, svg line, svg rect").count()


@pytest.mark.parametrize(
    "path, spec, shot",
    [
        ("/spending/", "chart-overview", "spending-overview"),
        ("/spending/ally/POL/", "chart-ally", "spending-ally-pol"),
        ("/spending/compare/?allies=POL&allies=DEU&allies=ESP", "chart-compare", "spending-compare"),
    ],
)
def test_the_spending_charts_draw(
    open_page: Callable[..., Watched], live_server: Any, spending: None, path: str, spec: str, shot: str
) -> None:
    w = open_page()
    w.page.goto(live_server.url + path)
    assert drawn(w, spec) > 10
    w.screenshot(shot)
    w.assert_clean()
