"""Support pages in Chromium: the charts draw (with their tooltips) under the strict CSP, and the claim
page answers a change of definition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings

from tests.browser.conftest import Watched
from veille.kit.importers import no_progress
from veille.nations.access import Actor
from veille.support.services import do_import_summary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def release28(users: Any) -> None:
    do_import_summary(
        Actor.system_process("tests"),
        settings.DATA_DIR / "ukraine_aid" / "kiel_release28_summary_engelde.json",
        no_progress,
    )


def test_the_donor_charts_draw_and_show_tooltips(
    open_page: Callable[..., Watched], live_server: Any, release28: None
) -> None:
    w = open_page()
    w.page.goto(live_server.url + "/support/")
    for spec in ("donor-spec", "month-spec", "weapon-spec"):
        chart = w.page.locator(f'.chart[data-spec="{spec}"]')
        chart.locator("svg").wait_for(timeout=15000)
        assert chart.get_attribute("data-rendered") == "true"
        assert chart.locator("svg .mark-rect path, svg .mark-area path").count() > 0, spec
    bar = w.page.locator('.chart[data-spec="donor-spec"] svg .mark-rect path').first
    bar.hover()
    w.page.locator("#vg-tooltip-element.visible").wait_for(timeout=5000)
    assert "United States" in w.page.locator("#vg-tooltip-element").inner_text()
    w.screenshot("support-donors")
    w.assert_clean()


def test_the_claim_changes_with_its_definition(
    open_page: Callable[..., Watched], live_server: Any, release28: None
) -> None:
    w = open_page()
    w.page.goto(live_server.url + "/support/claims/")
    computed = w.page.locator("[data-testid=computed]")
    assert "99.26" in computed.inner_text()
    w.page.select_option("#aid_type", "financial")
    w.page.get_by_role("button", name="Compute").click()
    w.page.wait_for_load_state()
    assert "99.26" not in computed.inner_text()
    assert w.page.locator("#aid_type").input_value() == "financial"
    w.page.locator('.chart[data-spec="share-spec"] svg').wait_for(timeout=15000)
    w.screenshot("support-claims")
    w.assert_clean()
