"""National plans: who may record them, every version kept, credibility flags, releasability."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from veille.audit.models import AuditEvent
from veille.core.errors import PermissionDenied
from veille.nations.exceptions import WrongNation
from veille.spending.exceptions import InvalidPlan
from veille.spending.models import NationalPlan
from veille.spending.services import do_record_plan

CREDIBLE = {2025: ("2.2", "0.3"), 2029: ("2.9", "1.0"), 2035: ("3.5", "1.5")}
FALLING = {2025: ("3.0", "0"), 2026: ("2.8", "0"), 2035: ("3.5", "1.5")}
SOURCE = "https://www.regjeringen.no/ (long-term defence plan)"


def test_editor_records_a_plan_for_their_own_nation(actor_of: Callable[[str], Any]) -> None:
    plan = do_record_plan(actor_of("nora"), "NOR", CREDIBLE, source=SOURCE)
    assert (plan.nation_id, plan.version, plan.credible, plan.reasons) == ("NOR", 1, True, [])
    assert plan.owner_nation_id == "NOR" and plan.recorded_by_label == "nora"
    assert [(y.year, y.core_pct) for y in plan.years.all()] == [
        (2025, Decimal("2.20")),
        (2029, Decimal("2.90")),
        (2035, Decimal("3.50")),
    ]
    assert AuditEvent.objects.filter(
        action="spending.plan.record", object_id=str(plan.pk), actor="nora"
    ).exists()


def test_editor_cannot_record_a_plan_for_another_nation(actor_of: Callable[[str], Any]) -> None:
    with pytest.raises(WrongNation):
        do_record_plan(actor_of("nora"), "POL", CREDIBLE, source=SOURCE)
    assert not NationalPlan.objects.exists()


@pytest.mark.parametrize("who", ["pawel", "eve"])
def test_viewers_and_outsiders_cannot_record_a_plan(actor_of: Callable[[str], Any], who: str) -> None:
    with pytest.raises(PermissionDenied):
        do_record_plan(actor_of(who), "POL", CREDIBLE, source=SOURCE)
    assert not NationalPlan.objects.exists()


def test_a_partner_nation_has_no_plan_to_record(actor_of: Callable[[str], Any]) -> None:
    with pytest.raises(InvalidPlan, match="not an ally"):
        do_record_plan(actor_of("olga"), "UKR", CREDIBLE, source=SOURCE)


def test_coordinators_record_for_any_ally(actor_of: Callable[[str], Any]) -> None:
    assert do_record_plan(actor_of("alice"), "POL", CREDIBLE, source=SOURCE).nation_id == "POL"


def test_a_plan_that_is_not_credible_is_accepted_and_flagged_with_the_reason(
    actor_of: Callable[[str], Any],
) -> None:
    plan = do_record_plan(actor_of("nora"), "NOR", FALLING, source=SOURCE)
    assert plan.pk is not None and plan.credible is False
    assert "core falls from 3.0 % in 2025 to 2.8 % in 2026" in plan.reasons
    event = AuditEvent.objects.get(action="spending.plan.record", object_id=str(plan.pk))
    assert event.note.startswith("not credible: core falls")


def test_a_plan_s_reasons_are_kept_as_written_and_shown_in_the_reader_s_language(
    actor_of: Callable[[str], Any], client_as: Callable[[str], Any]
) -> None:
    from django.utils import translation

    from veille.core.spending import PlanYear, assess_plan
    from veille.spending.reasons import shown

    plan = do_record_plan(actor_of("nora"), "NOR", {2025: ("3.0", "2"), 2026: ("2.8", "0")}, source=SOURCE)
    assert plan.reasons[0] == "core falls from 3.0 % in 2025 to 2.8 % in 2026"  # the record, as made
    with translation.override("fr"):
        assert plan.reasons_shown == [
            "la part cœur baisse de 3,0 % en 2025 à 2,8 % en 2026",
            "cœur et résilience ensemble baissent de 4,5 % en 2025 à 2,8 % en 2026",
            "le plan s'arrête en 2026, avant 2035",
            "la part cœur atteint 2,8 % en 2026, en deçà de 3,5 %",
            "cœur et résilience atteignent 2,8 % en 2026, en deçà de 5 %",
            "la résilience au-delà de 1,5 % en 2025 ne compte que jusqu'à 1,5 %",
        ]
        assert shown("the plan gives no year up to 2035") == "le plan ne donne aucune année jusqu'à 2035"
        assert shown(assess_plan([PlanYear(2036, Decimal(4))]).reasons[0]) == (
            "le plan ne donne aucune année jusqu'à 2035"
        )
        assert shown("a reason of another form") == "a reason of another form"
    with translation.override("en"):
        assert plan.reasons_shown == plan.reasons
    client = client_as("nora")
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    for page in ("/spending/plans/", "/spending/ally/NOR/"):
        html = client.get(page).content.decode()
        assert "la part cœur baisse de 3,0 % en 2025" in html, page
        assert "core falls from" not in html, page


def test_every_version_is_kept(actor_of: Callable[[str], Any]) -> None:
    first = do_record_plan(actor_of("nora"), "NOR", FALLING, source=SOURCE)
    second = do_record_plan(
        actor_of("nora"), "NOR", CREDIBLE, source=SOURCE, note="revised after the 2029 review"
    )
    assert (first.version, second.version) == (1, 2)
    assert NationalPlan.objects.filter(nation_id="NOR").count() == 2
    first.refresh_from_db()
    assert first.credible is False and first.years.count() == 3


@pytest.mark.parametrize(
    "years, field",
    [
        ({2040: ("3.5", "1.5")}, "years"),
        ({2030: ("3,55x", "1")}, "core_2030"),
        ({2030: ("3.555", "1")}, "core_2030"),
        ({2030: ("-1", "1")}, "core_2030"),
        ({}, "years"),
    ],
)
def test_a_wrong_year_or_share_is_refused_naming_the_field(
    actor_of: Callable[[str], Any], years: Any, field: str
) -> None:
    with pytest.raises(InvalidPlan) as exc:
        do_record_plan(actor_of("nora"), "NOR", years, source=SOURCE)
    assert exc.value.field == field


def test_a_plan_needs_a_source(actor_of: Callable[[str], Any]) -> None:
    with pytest.raises(InvalidPlan) as exc:
        do_record_plan(actor_of("nora"), "NOR", CREDIBLE, source="  ")
    assert exc.value.field == "source"


@pytest.fixture
def norway_only(actor_of: Callable[[str], Any]) -> NationalPlan:
    """A Norwegian plan releasable to Norway and the United States only."""
    return do_record_plan(
        actor_of("nora"),
        "NOR",
        CREDIBLE,
        source=SOURCE,
        note="NOR-USA only",
        releasable_to="NATIONS",
        releasable_nations=["USA"],
    )


@pytest.mark.parametrize(
    "who, sees",
    [
        ("nora", True),
        ("sam", True),
        ("alice", True),
        ("pawel", False),
        ("olga", False),
        ("eve", False),
        (None, False),
    ],
)
def test_a_plan_releasable_to_listed_nations_is_hidden_from_others_everywhere(
    norway_only: NationalPlan, client_as: Callable[[str | None], Any], who: str | None, sees: bool
) -> None:
    client = client_as(who)
    pages = [
        client.get("/spending/plans/").content.decode(),
        client.get("/spending/ally/NOR/").content.decode(),
        client.get("/spending/plans/export.csv").content.decode(),
        client.get("/spending/ally/NOR/export.json?table=plans").content.decode(),
    ]
    assert all(("NOR-USA only" in page) is sees for page in pages), who
    if who is not None:
        api = client.get("/api/v1/spending/plans?ally=NOR").json()
        assert (api["count"] == 1) is sees


def test_the_form_records_a_plan_for_the_editors_nation(client_as: Callable[[str | None], Any]) -> None:
    client = client_as("nora")
    form = client.get("/spending/plans/new/")
    assert form.status_code == 200 and 'value="NOR"' in form.content.decode()
    assert 'value="POL"' not in form.content.decode()  # an editor is offered their own nation only
    response = client.post(
        "/spending/plans/new/",
        {
            "nation": "NOR",
            "core_2025": "2.2",
            "core_2035": "3.5",
            "resilience_2035": "1.5",
            "source": SOURCE,
            "releasable_to": "NATO",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith("/spending/ally/NOR/")
    assert NationalPlan.objects.get(nation_id="NOR").credible


def test_the_form_shows_the_error_beside_the_field(client_as: Callable[[str | None], Any]) -> None:
    response = client_as("nora").post(
        "/spending/plans/new/",
        {"nation": "POL", "core_2035": "3.5", "source": SOURCE, "releasable_to": "NATO"},
    )
    assert (
        response.status_code == 422 and "may not record a spending plan for POL" in response.content.decode()
    )
    assert not NationalPlan.objects.exists()


def test_the_api_records_a_plan_and_refuses_another_nations(client_as: Callable[[str | None], Any]) -> None:
    body = {
        "nation": "USA",
        "source": SOURCE,
        "years": [{"year": 2035, "core_pct": "3.5", "resilience_pct": "1.5"}],
    }
    ok = client_as("sam").post("/api/v1/spending/plans", json.dumps(body), content_type="application/json")
    assert ok.status_code == 201 and ok.json()["credible"] is True and ok.json()["version"] == 1
    refused = client_as("nora").post(
        "/api/v1/spending/plans", json.dumps(body), content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["error"]["type"] == "WrongNation"
