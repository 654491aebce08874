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


def test_the_overview_reads_in_french(industry: Any, client_as: Any) -> None:
    client = client_as(None)
    client.cookies["django_language"] = "fr"
    page = client.get("/industry/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Capacité déclarée par produit" in page and "Objectifs sans date" in page


def test_every_figure_on_the_overview_chart_carries_its_row_and_source(industry: Any, client_as: Any) -> None:
    import json
    import re

    page = client_as(None).get("/industry/").content.decode()
    specs = re.findall(r'<script id="chart-[^"]+" type="application/json">(.*?)</script>', page, re.S)
    assert len(specs) >= 10
    points = [p for s in specs for p in json.loads(s)["data"]["values"]]
    assert points and all(p["ref"].startswith("IND-") and p["source"] and p["conversion"] for p in points)
    assert {p["series"] for p in points} == {"actual", "target"}
    undated = [p["ref"] for p in points if p["undated"]]
    assert "IND-023" in undated and "IND-050" in undated


def test_a_bad_as_of_date_is_named_on_the_page(industry: Any, client_as: Any) -> None:
    page = client_as(None).get("/industry/?as_of=2025-13").content.decode()
    assert "is not a calendar date" in page


def test_an_export_is_stamped_with_the_files_it_comes_from(industry: Any, client_as: Any) -> None:
    from veille.industry.models import DataFile

    meta = client_as(None).get("/industry/export.json?as_of=2025-06").json()["meta"]
    assert meta["sha256"] == DataFile.objects.get().sha256 and meta["as_of"] == "2025-06-30"
    assert "capacity_announcements.csv" in meta["files"]


def test_the_demo_loads_the_dataset_once(users: Any) -> None:
    from veille.industry import demo
    from veille.industry.models import CapacityFigure

    first = demo.load(None)["industry"]
    second = demo.load(None)["industry"]
    assert "created 88" in first and "created 0, unchanged 88" in second
    assert CapacityFigure.objects.count() == 88
