"""Industry pages read from the shipped dataset: every page answers, in English and French."""

from __future__ import annotations

from typing import Any

import pytest

PAGES = [
    "/industry/",
    "/industry/?as_of=2024-12",
    "/industry/products/155-mm-artillery-shell/",
    "/industry/producers/",
    "/industry/map/countries.geojson",
    "/industry/contracts/",
    "/industry/figures/",
    "/industry/figures/?undated=1",
    "/industry/claims/",
    "/industry/bottlenecks/",
    "/industry/bottlenecks/?w0=20000",
    "/industry/mapping/",
    "/industry/export.csv",
    "/industry/export.json?table=targets",
    "/industry/figures/export.csv",
    "/industry/bottlenecks/export.json",
    "/industry/contracts/export.csv",
    "/industry/producers/export.json",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_industry_page_answers(path: str, industry: Any, client_as: Any) -> None:
    response = client_as(None).get(path)
    assert response.status_code == 200, response.content[:500]
