"""Stated figures of people trained: kept as stated ("over 50,000" stays a lower bound), conflicting
figures as separate rows shown as such, lower-confidence sources marked, hosts only with a source."""

from __future__ import annotations

import json
from typing import Any

import pytest

from veille.kit.exports import read_csv_rows
from veille.training import charts, queries
from veille.training.models import Hosting, Programme, TrainedFigure

pytestmark = pytest.mark.django_db


def rows_by_key() -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in queries.figure_rows()}


def test_over_fifty_thousand_stays_a_lower_bound(council_data: Any) -> None:
    rows = rows_by_key()
    assert (rows["tr-uk-11"]["trained_count"], rows["tr-uk-11"]["shown"]) == (50000, "≥ 50,000")
    assert rows["tr-eu-09"]["shown"] == "≈ 63,000" and rows["tr-ca-03"]["shown"] == "< 40,000"
    assert rows["tr-eu-03"]["shown"] == "24,000"


def test_conflicting_figures_stay_separate_rows_shown_as_conflicting(council_data: Any) -> None:
    rows = rows_by_key()
    assert rows["tr-eu-10"]["falls_below"] == "tr-eu-09" and rows["tr-eu-10"]["conflicts_with"] == "tr-eu-09"
    assert rows["tr-eu-09"]["conflict"] and rows["tr-eu-10"]["conflict"]
    assert (
        rows["tr-uk-05"]["conflicts_with"] == "tr-uk-08" and rows["tr-uk-08"]["conflicts_with"] == "tr-uk-05"
    )
    assert not rows["tr-eu-11"]["conflict"]
    # people in training at the time are not a total: no conflict with the 16,000 trained later
    assert not rows["tr-eu-01"]["cumulative"] and not rows["tr-eu-01"]["conflict"]


def test_the_added_figure_carries_its_own_official_source(council_data: Any) -> None:
    added = TrainedFigure.objects.get(key="tr-eu-12")
    assert (added.trained_count, added.qualifier, added.precision) == (75000, "lower_bound", "month")
    assert added.source_class == "official" and added.where == "training_figures_added.csv row 2"


def test_host_nations_come_with_their_source(council_data: Any) -> None:
    eumam = Programme.objects.get(name="EUMAM Ukraine")
    assert sorted(eumam.hostings.values_list("nation_id", flat=True)) == ["DEU", "POL"]
    assert eumam.coordinated_by_nsatu is False and "eeas" in eumam.coordination_source_url
    assert all(h.source_url.startswith("https://") for h in Hosting.objects.all())
    assert Programme.objects.get(name="Operation Interflex").coordinated_by_nsatu is None  # not stated


def test_the_curve_draws_totals_with_their_qualifiers_and_rings_conflicts(council_data: Any) -> None:
    rows = queries.figure_rows()
    spec = charts.curve_spec(rows, "t")
    points = spec["layer"][1]["data"]["values"]
    assert {p["key"] for p in points} == {r["key"] for r in rows if r["cumulative"]}
    assert "tr-eu-01" not in {p["key"] for p in points}
    ringed = {p["key"] for p in spec["layer"][2]["data"]["values"]}
    assert {"tr-eu-09", "tr-eu-10", "tr-uk-05", "tr-uk-08"} <= ringed
    assert "expr" not in json.dumps(spec) and "filter" not in json.dumps(spec)  # no expression under the CSP


def test_the_pages_and_exports_show_the_figures_as_stated(council_data: Any, client_as: Any) -> None:
    eumam = Programme.objects.get(name="EUMAM Ukraine")
    page = client_as(None).get(f"/training/programmes/{eumam.pk}/").content.decode()
    assert "≈ 60,000" in page and page.count('data-testid="conflict"') == 2
    assert "state news agency: lower confidence" in page  # tr-eu-07 rests on TASS
    data = list(read_csv_rows(client_as(None).get("/training/figures.csv").content.decode()))
    uk11 = next(r for r in data if r["key"] == "tr-uk-11")
    assert (uk11["trained_count"], uk11["qualifier"], uk11["shown"]) == ("50000", "lower_bound", "≥ 50,000")
    api = client_as("pawel").get(f"/api/v1/training/figures?programme={eumam.pk}&limit=100").json()
    assert api["count"] == 12
    hosts = client_as("pawel").get("/api/v1/training/hosts").json()["items"]
    assert {(h["nation"], h["programme"]) for h in hosts} >= {
        ("LVA", "Operation UNIFIER"),
        ("DEU", "EUMAM Ukraine"),
    }


def _index_queries(client: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as seen:
        assert client.get("/training/").status_code == 200
    return len(seen)


def test_the_index_queries_do_not_grow_with_the_programmes(council_data: Any, client_as: Any) -> None:
    """Each programme's number of figures is counted in the programmes' query (it was one query each)."""
    client = client_as("alice")
    _index_queries(client)  # the nations' names the page shows are read once, then cached
    before = _index_queries(client)
    for k in range(4):
        Programme.objects.create(name=f"Test programme {k}", provider="test")
    assert _index_queries(client) == before
    rows = {r["name"]: r for r in queries.programmes()}
    assert rows["Test programme 0"]["figures"] == 0
    for name, row in rows.items():
        assert row["figures"] == TrainedFigure.objects.filter(programme__name=name).count()
