"""The bottleneck programme on the shipped rows: the example scenario, a user's scenario (marked),
the what-if on the page, the API and the command line, and scenarios that cannot be solved."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from veille.industry import scenarios
from veille.industry.exceptions import (
    InfeasibleScenario,
    NoSuchFigure,
    NoSuchProduct,
    ScenarioError,
    UnboundedScenario,
)

HE = "high explosive fill (TNT, HMX or RDX)"


def test_the_example_names_the_binding_inputs_from_sourced_rows(industry: Any) -> None:
    r = scenarios.result(scenarios.build(scenarios.example(), None))
    assert r["binding"] == ["input:propellant powder", f"input:{HE}"]
    inputs = {i["name"]: i for i in r["inputs"]}
    assert inputs[HE]["origin"]["ref"] == "IND-082" and inputs[HE]["origin"]["bound"] == "increment"
    assert inputs[HE]["dual"] == pytest.approx(1 / 0.0108)  # shells per extra tonne of explosive
    shells = next(p for p in r["products"] if p["name"] == "155 mm artillery shell")
    assert shells["output"] == pytest.approx(4300 / 0.0108) and shells["origin"]["ref"] == "IND-010"
    reqs = {q["product"]: q["origin"] for q in r["requirements"]}
    assert reqs["155 mm artillery shell"]["ref"] == "INP-001"
    assert "÷ 500,000" in reqs["155 mm modular propellant charge"]["conversion"]
    assert r["user_values"] is False


def test_a_what_if_moves_the_binding_constraint(industry: Any) -> None:
    built = scenarios.build(scenarios.example(), None)
    r = scenarios.result(built, scenarios.what_if_values(built, {HE: "20000"}))
    assert r["binding_before"] == ["input:propellant powder", f"input:{HE}"]
    assert r["binding"] == ["input:propellant powder", "capacity:155 mm artillery shell"]
    assert r["user_values"] is True


def test_the_page_runs_the_what_if_and_refuses_a_negative_capacity(industry: Any, client_as: Any) -> None:
    page = client_as("alice").get("/industry/bottlenecks/?w0=20000").content.decode()
    assert "capacity:155 mm artillery shell" in page and "Before the change" in page
    bad = client_as("alice").get("/industry/bottlenecks/?w0=-1")
    assert bad.status_code == 200 and "greater than or equal to 0" in bad.content.decode()
    french = client_as("alice").get("/industry/bottlenecks/?w0=20+000,5", HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 200 and "Avant le changement" in french.content.decode()


def test_a_users_scenario_is_marked_as_such(industry: Any) -> None:
    spec = {
        "name": "mine",
        "products": [
            {"product": "155 mm artillery shell", "capacity": {"value": "30000", "unit": "per month"}}
        ],
        "inputs": [{"input": "TNT", "capacity": {"value": "10000", "unit": "tonnes per year"}}],
        "requirements": [
            {"product": "155 mm artillery shell", "input": "TNT", "quantity": "10", "unit": "kg per shell"}
        ],
    }
    r = scenarios.result(scenarios.build(spec, None))
    assert r["user_values"] is True
    assert (
        r["products"][0]["origin"]["kind"] == "scenario"
        and "× 12 = 360,000 per year" in r["products"][0]["origin"]["conversion"]
    )
    assert r["requirements"][0]["origin"]["kind"] == "scenario"
    assert r["binding"] == ["capacity:155 mm artillery shell"]


@pytest.mark.parametrize(
    "change, error, field",
    [
        ({"products": [{"product": "laser cannon"}]}, NoSuchProduct, "products[0].product"),
        (
            {"products": [{"product": "155 mm artillery shell", "capacity": {"row": "IND-999"}}]},
            NoSuchFigure,
            "products[0].capacity",
        ),
        (
            {"products": [{"product": "155 mm artillery shell", "capacity": {"row": "IND-008"}}]},
            ScenarioError,
            "products[0].capacity",
        ),
        (
            {"products": [{"product": "155 mm artillery shell", "weight": "-1"}]},
            ScenarioError,
            "products[0].weight",
        ),
        (
            {"inputs": [{"input": "propellant powder", "capacity": {"value": "-3"}}]},
            ScenarioError,
            "inputs[0].capacity.value",
        ),
        ({"products": [{"product": "GMLRS rocket"}]}, UnboundedScenario, "products"),
        ({"requirements": 7}, ScenarioError, "requirements"),
        ({"inputs": "powder"}, ScenarioError, "inputs"),
        (
            {
                "products": [
                    {"product": "155 mm artillery shell", "capacity": {"row": "IND-010"}, "minimum": "900000"}
                ]
            },
            InfeasibleScenario,
            f"inputs.{HE}",
        ),
    ],
)
def test_a_scenario_that_cannot_be_solved_says_what_and_where(
    industry: Any, change: dict, error: type, field: str
) -> None:
    spec = {**scenarios.example(), **change}
    with pytest.raises(error) as err:
        scenarios.result(scenarios.build(spec, None))
    assert err.value.field == field


def test_the_api_solves_a_scenario_with_a_what_if(industry: Any, client_as: Any) -> None:
    c = client_as("pawel")
    assert c.get("/api/v1/industry/bottlenecks").json()["binding"][1] == f"input:{HE}"
    r = c.post(
        "/api/v1/industry/bottlenecks",
        json.dumps({"what_if": {HE: "20000"}}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["binding"][1] == "capacity:155 mm artillery shell"
    spec = {**scenarios.example(), "products": [{"product": "GMLRS rocket"}]}
    bad = c.post(
        "/api/v1/industry/bottlenecks", json.dumps({"scenario": spec}), content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["error"]["type"] == "UnboundedScenario"


def test_the_command_line_solves_a_scenario_file(industry: Any, tmp_path: Path) -> None:
    out = StringIO()
    call_command("industry", "bottlenecks", "--what-if", f"{HE}=20000", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["binding"] == [
        "input:propellant powder",
        "capacity:155 mm artillery shell",
    ]
    path = tmp_path / "s.json"
    path.write_text(json.dumps({**scenarios.example(), "products": [{"product": "GMLRS rocket"}]}))
    with pytest.raises(CommandError) as err:
        call_command("industry", "bottlenecks", "--scenario", str(path), stdout=StringIO())
    assert err.value.returncode == 2 and "GMLRS rocket" in str(err.value)


def test_the_command_line_gives_capacity_and_targets(industry: Any) -> None:
    out = StringIO()
    call_command(
        "industry",
        "capacity",
        "--product",
        "155-mm-artillery-shell",
        "--as-of",
        "2025-07",
        "--format",
        "json",
        stdout=out,
    )
    rows = {r["subject"]: r for r in json.loads(out.getvalue())["rows"]}
    assert rows["USA"]["refs"] == "IND-018" and rows["USA"]["per_year"] == "480000.0000"
    assert "40,000 per month × 12 = 480,000 per year" in rows["USA"]["conversions"]
    out = StringIO()
    call_command("industry", "targets", "--format", "csv", stdout=out)
    assert "IND-011,artillery shell,EU,2024-03-15,2025-12" in out.getvalue()
    with pytest.raises(CommandError) as err:
        call_command("industry", "capacity", "--as-of", "2025-13", stdout=StringIO())
    assert err.value.returncode == 2


def test_the_api_filters_capacity_and_figures(industry: Any, client_as: Any) -> None:
    c = client_as("pawel")
    rows = c.get("/api/v1/industry/capacity?product=pac-3-mse-interceptor&as_of=2024-12").json()
    # Lockheed's 500 made in 2024 (IND-055) was stated in August 2025: not known at the end of 2024
    assert {r["subject"]: r["refs"] for r in rows} == {"USA": "IND-053"}
    undated = c.get("/api/v1/industry/figures?undated=true&limit=100").json()
    assert undated["count"] == 8
    bad = c.get("/api/v1/industry/capacity?as_of=yesterday")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "as_of"


def test_the_claim_shows_the_eu_series_against_the_goal(industry: Any, client_as: Any) -> None:
    from veille.industry.claims import claim_checks

    (check,) = claim_checks()
    assert check.holds is None and check.pending
    assert check.detail["goal_ref"] == "IND-011" and check.detail["status"] == "overdue"
    assert set(check.detail["actual_refs"]) == {"IND-010", "IND-014", "IND-033", "IND-037"}
    page = client_as(None).get("/industry/claims/").content.decode()
    assert "IND-014" in page and "chart-claim" in page
    assert "industry-production" in client_as(None).get("/support/claims/").content.decode()
