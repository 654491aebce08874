"""The plan form reads shares of GDP as written in the page's language (veille.kit.forms)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from veille.spending.models import NationalPlan

pytestmark = pytest.mark.django_db

SOURCE = "https://www.regjeringen.no/plan"
Client = Callable[[str | None], Any]


@pytest.mark.parametrize(
    "language, core, resilience", [("fr", "3,5", "1,25"), ("en", "3.5", "1.25"), ("fr", "3.5", "1.25")]
)
def test_the_plan_form_reads_shares_in_the_pages_language(
    language: str, core: str, resilience: str, client_as: Client
) -> None:
    values = {"core_2035": core, "resilience_2035": resilience}
    response = client_as("nora").post(
        "/spending/plans/new/",
        {"nation": "NOR", **values, "source": SOURCE, "releasable_to": "NATO"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302, response.content.decode()[:500]
    year = NationalPlan.objects.get(nation_id="NOR").years.get(year=2035)
    assert (str(year.core_pct), str(year.resilience_pct)) == ("3.50", "1.25")


def test_a_french_comma_on_the_english_page_is_refused_naming_the_field(client_as: Client) -> None:
    response = client_as("nora").post(
        "/spending/plans/new/",
        {"nation": "NOR", "core_2035": "3,5", "source": SOURCE, "releasable_to": "NATO"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert "core_2035: &#x27;3,5&#x27; is ambiguous" in response.content.decode()
    assert not NationalPlan.objects.exists()


def test_the_form_says_how_to_write_a_share(client_as: Client) -> None:
    page = client_as("nora").get("/spending/plans/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1,000.50" in page and "1 000,50" in page
