"""Industry pages in Chromium: the overview draws its charts and the map under the strict CSP, and a
coordinator runs a what-if on the bottleneck page and sees the binding input change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings

from tests.browser.conftest import Watched
from veille.industry.importers import IMPORTERS
from veille.kit.importers import no_progress
from veille.nations.access import Actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HE = "high explosive fill (TNT, HMX or RDX)"


@pytest.fixture
def industry(users: Any) -> None:
    importer = IMPORTERS["industry"]
    importer.run(settings.DATA_DIR / importer.default_path, Actor.system_process("tests"), no_progress, False)


def drawn(w: Watched, selector: str) -> int:
    chart = w.page.locator(selector)
    w.page.wait_for_function(
        "el => el.dataset.rendered === 'true' || el.textContent.includes('could not be drawn')",
        arg=chart.element_handle(),
        timeout=30000,
    )
    assert chart.get_attribute("data-rendered") == "true", chart.inner_text()
    return chart.locator("svg path, svg line, svg rect").count()


def test_the_overview_draws_a_chart_per_product(
    open_page: Callable[..., Watched], live_server: Any, industry: None
) -> None:
    w = open_page()
    w.page.goto(live_server.url + "/industry/")
    charts = w.page.locator(".chart[data-spec]")
    assert charts.count() >= 10
    for i in range(charts.count()):
        spec = charts.nth(i).get_attribute("data-spec")
        assert drawn(w, f'.chart[data-spec="{spec}"]') > 3
    shells = w.page.locator(
        '.chart[data-spec="chart-155-mm-artillery-shell"] svg path[aria-roledescription="point"]'
    )
    assert shells.count() >= 30  # every artillery-shell rate figure is a point
    w.screenshot("industry-overview")
    w.assert_clean()


def test_the_map_of_sites_draws_offline(
    open_page: Callable[..., Watched], live_server: Any, industry: None
) -> None:
    w = open_page()
    w.page.goto(live_server.url + "/industry/producers/")
    assert drawn(w, '.chart[data-spec="chart-sites"]') > 20  # country shapes
    w.screenshot("industry-producers-map")
    w.assert_clean()


def test_a_coordinator_runs_a_what_if_and_the_binding_input_changes(
    open_page: Callable[..., Watched], live_server: Any, industry: None
) -> None:
    w = open_page("alice")
    w.page.goto(live_server.url + "/industry/bottlenecks/")
    drawn(w, '.chart[data-spec="chart-bottlenecks"]')
    binding = w.page.locator('[data-testid="binding"]')
    assert f"input:{HE}" in binding.inner_text()
    he_row = w.page.locator(f'tr[data-input="{HE}"]')
    assert "binding" in he_row.inner_text()
    w.page.get_by_label(HE, exact=True).fill("20000")
    w.page.get_by_role("button", name="Solve again").click()
    w.page.wait_for_url("**/industry/bottlenecks/?w0=20000*")
    drawn(w, '.chart[data-spec="chart-bottlenecks"]')
    after = w.page.locator('[data-testid="binding"]').inner_text()
    assert "capacity:155 mm artillery shell" in after and f"input:{HE}" not in after.split("\n")[0]
    assert "binding" not in w.page.locator(f'tr[data-input="{HE}"]').inner_text().replace("what-if", "")
    w.screenshot("industry-what-if")
    w.assert_clean()
