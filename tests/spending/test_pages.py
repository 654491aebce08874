"""Pages, charts, exports, API and the command line, with the shipped files loaded."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.spending.conftest import Parsed
from veille.kit.exports import read_csv_rows


@pytest.fixture
def loaded(nato_loaded: None, load: Callable[[Parsed], Any], sipri_parsed: Parsed, users: Any) -> None:
    """NATO's tables, the press file and SIPRI's rows for the reference countries (the whole SIPRI
    import is tested in test_import.py; here it would only slow every test down)."""
    references = {"Russia", "China", "Ukraine", "Poland"}
    load(
        Parsed(
            sipri_parsed.source,
            [f for f in sipri_parsed.figures if f.entity in references and f.year >= 2010],
        )
    )


def spec(html: str, element_id: str) -> dict[str, Any]:
    m = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert m, f"no chart spec {element_id}"
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def test_the_overview_ranks_allies_with_lines_at_2_35_and_5_percent(loaded: None, client_as: Any) -> None:
    html = client_as(None).get("/spending/").content.decode()
    chart = spec(html, "chart-overview")
    bars = chart["layer"][0]["data"]["values"]
    assert bars[0]["ally"] == "Poland" and round(bars[0]["share"], 2) == 4.12 and len(bars) == 31
    assert [r["v"] for r in chart["layer"][1]["data"]["values"]] == [2.0, 3.5, 5.0]
    assert "23 / 31" in html and "2.71 %" in html
    assert "TABLE3" in html and "N32" in html  # every row can show its source cells
    assert "<script>" not in html  # CSP: no inline script; the spec is JSON rendered by veille.js


def test_the_overview_table_exports_as_csv_and_json(loaded: None, client_as: Any) -> None:
    rows = list(read_csv_rows(client_as(None).get("/spending/export.csv?year=2024").content.decode()))
    assert len(rows) == 31 and rows[0]["code"] == "POL" and rows[0]["share_cell"] == "TABLE3!N32"
    data = client_as(None).get("/spending/export.json").json()
    assert data["meta"]["sha256"] and data["meta"]["licence"] and data["rows"][-1]["code"] == "ESP"


def test_the_ally_page_shows_2014_to_the_latest_year_and_the_path_to_2035(
    loaded: None, client_as: Any
) -> None:
    html = client_as(None).get("/spending/ally/ESP/").content.decode()
    chart = spec(html, "chart-ally")
    actual = [v for v in chart["layer"][0]["data"]["values"] if v["series"].startswith("NATO")]
    assert [v["year"] for v in actual] == list(range(2014, 2025))
    path = client_as(None).get("/spending/ally/ESP/export.json?table=path").json()
    years = [r["year"] for r in path["rows"]]
    assert years == list(range(2024, 2036)) and path["rows"][-1]["core_pct"] == "3.50"
    assert float(path["rows"][-1]["core_gap_usd_m"]) > 0 and "GDP held" in path["meta"]["method"]
    assert "2029" in html and "below the 20 % guideline" not in html  # Spain: 30.3 % on equipment in 2024


def test_an_unknown_ally_is_not_found(loaded: None, client_as: Any) -> None:
    assert client_as(None).get("/spending/ally/RUS/").status_code == 404


def test_the_comparison_labels_russia_and_china_as_sipris_definition(loaded: None, client_as: Any) -> None:
    response = client_as(None).get("/spending/compare/?ally=POL&ally=DEU")
    html = response.content.decode()
    series = {v["series"] for v in spec(html, "chart-compare")["data"]["values"]}
    assert {
        "Poland (NATO)",
        "Germany (NATO)",
        "Russian Federation (SIPRI definition)",
        "China (SIPRI definition)",
    } <= series
    assert "SIPRI's definition" in html
    rows = list(read_csv_rows(client_as(None).get("/spending/compare/export.csv?ally=POL").content.decode()))
    assert {r["source"] for r in rows} == {"NATO", "SIPRI"}


def test_the_api_filters_figures_by_ally_year_and_source(loaded: None, client_as: Any) -> None:
    client = client_as("pawel")
    data = client.get("/api/v1/spending/figures?ally=POL&year=2024&source=nato&measure=share_gdp_pct").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert (item["cell"], item["raw"], item["estimate"]) == ("N32", "4.120190989357147", True)
    sipri = client.get("/api/v1/spending/figures?ally=RUS&source=sipri&year=2024").json()
    assert sipri["count"] == 3 and all(i["source"] == "sipri" for i in sipri["items"])
    total = client.get("/api/v1/spending/figures?ally=NATO&year=2024&measure=share_gdp_pct").json()
    assert total["items"][0]["value"].startswith("2.7127")
    overview = client.get("/api/v1/spending/overview?year=2024").json()
    assert overview["count"] == 31 and overview["items"][0]["code"] == "POL"
    assert client.get("/api/v1/spending/overview?year=2031").status_code == 404


def test_the_figures_page_traces_a_figure_to_its_cell(loaded: None, client_as: Any) -> None:
    html = client_as(None).get("/spending/figures/?ally=EST&year=2024&source=nato").content.decode()
    assert "TABLE3!N18" in html and "3.4314625890573818" in html


def test_the_command_prints_the_table_for_a_year(loaded: None) -> None:
    out = io.StringIO()
    call_command("spending", "table", "--year", "2024", "--format", "csv", stdout=out)
    rows = list(read_csv_rows(out.getvalue()))
    poland = next(r for r in rows if r["ally"] == "POL")
    assert poland["share_gdp_pct"] == "4.120190989357147" and poland["price_base"] == "2015"
    assert "TABLE3!N32" in poland["cells"] and "sha256" in poland["source"]
    out = io.StringIO()
    call_command("spending", "table", "--year", "2024", "--format", "json", stdout=out)
    assert len(json.loads(out.getvalue())["rows"]) == 31
    with pytest.raises(CommandError, match="no NATO figures for 2031"):
        call_command("spending", "table", "--year", "2031", stdout=io.StringIO())


@pytest.mark.django_db
def test_pages_read_without_data(nations: None, client: Any) -> None:
    for url in ("/spending/", "/spending/ally/POL/", "/spending/compare/", "/spending/figures/"):
        assert client.get(url).status_code == 200, url
