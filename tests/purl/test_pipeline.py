"""The delivery pipeline (issue 20, item 2): each item's milestones from the approval trail, the
package's versions, the ledger's funding history and the deliveries; lead-time distributions per
category and month; open items' ageing; the page for coordinators, its CSV and the API alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from tests.purl.conftest import item_data
from veille.kit.exports import read_csv_rows
from veille.ledger.models import LedgerEvent
from veille.purl import pipeline
from veille.purl.models import Approval
from veille.purl.queries import Rates
from veille.purl.services import (
    ContributionData,
    do_amend_list,
    do_change_package,
    do_commit,
    do_decide,
    do_receive,
    do_ship,
)

Act = Callable[[str], Any]
Client = Callable[[str | None], Any]
DAY = dt.date(2026, 10, 15)


def commit(actor: Any, amount: str, package: Any) -> Any:
    return do_commit(actor, ContributionData("NOR", amount, "USD", DAY, ["test"], package=package.pk))


def test_a_package_is_fully_funded_when_its_counted_funding_first_reaches_its_target(
    package: Any, actor_of: Act
) -> None:
    commit(actor_of("nora"), "60000000", package)
    assert pipeline.funded_at(actor_of("alice").user, package, Rates()) is None
    commit(actor_of("nora"), "40000000", package)
    reached = LedgerEvent.objects.order_by("-recorded_at").first()
    assert reached is not None
    assert pipeline.funded_at(actor_of("alice").user, package, Rates()) == reached.recorded_at
    # Raising the target later does not move the day the package was first fully funded.
    do_change_package(actor_of("alice"), package.pk, target_usd="150000000", reason="more needed")
    assert pipeline.funded_at(actor_of("alice").user, package, Rates()) == reached.recorded_at


def test_the_target_of_the_instant_counts_a_package_funded_only_after_its_raised_target_is_met(
    package: Any, actor_of: Act
) -> None:
    do_change_package(actor_of("alice"), package.pk, target_usd="150000000", reason="more needed")
    commit(actor_of("nora"), "100000000", package)
    assert pipeline.funded_at(actor_of("alice").user, package, Rates()) is None


def test_an_item_added_by_an_amendment_is_approved_when_that_amendments_round_ends(
    approved: Any, actor_of: Act
) -> None:
    first_round = Approval.objects.get(requirement_list=approved, step="USA", decision="approve").at
    added = item_data(3, description="Radars", quantity=2, unit="radars", unit_cost_usd="5000000")
    do_amend_list(actor_of("olga"), approved.pk, [{"add": added.__dict__}], "a radar is needed")
    do_decide(actor_of("alice"), approved.pk, "NATO", "approve", "ok")
    do_decide(actor_of("sam"), approved.pk, "USA", "approve", "ok")
    rounds = pipeline.approval_days(approved)
    assert rounds[0][0] == first_round and len(rounds) == 2 and rounds[1][1] == 1
    assert pipeline._added_by(approved) == {approved.items.get(rank=3).pk: 1}


def test_each_items_milestones_and_lead_times(package: Any, actor_of: Act) -> None:
    interceptors = package.items.get(item__rank=1)
    commit(actor_of("nora"), "100000000", package)
    today = timezone.now().date()
    s = do_ship(actor_of("sam"), interceptors.pk, 10, "Rzeszów", today)
    do_receive(actor_of("olga"), s.pk, today)
    rows = {r.package_item.pk: r for r in pipeline.pipeline(actor_of("alice").user)}
    done, open_ = rows[interceptors.pk].milestones, rows[package.items.get(item__rank=2).pk].milestones
    assert (done.approved, done.composed, done.funded, done.first_shipment, done.last_receipt) == (today,) * 5
    assert (open_.first_shipment, open_.last_receipt) == (None, None)
    assert rows[interceptors.pk].as_row()["total_days"] == 0
    stats = {(r["by"], r["group"], r["step"]): r for r in pipeline.stats_rows(list(rows.values()))}
    assert stats[("category", "air_defence", "total")]["n"] == 1
    assert stats[("category", "drones", "total")]["n"] == 0
    assert stats[("month", "2026-10", "approved_composed")]["n"] == 2
    ageing = pipeline.ageing_rows(list(rows.values()))
    assert [(a["item"], a["stage"], a["days_since_approval"]) for a in ageing] == [
        ("Drone kits", "funded", 0)
    ]


def test_the_page_the_csv_and_the_api_show_the_same_figures_to_coordinators_only(
    package: Any, actor_of: Act, client_as: Client
) -> None:
    commit(actor_of("nora"), "100000000", package)
    alice = client_as("alice")
    page = alice.get("/purl/pipeline/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-spec="pipeline-spec"' in html and "Drone kits" in html
    api = alice.get("/api/v1/purl/pipeline").json()
    rows = list(read_csv_rows(alice.get("/purl/leadtimes.csv").content.decode()))
    medians = {(r["by"], r["group"], r["step"]): r["median_days"] for r in rows}
    for r in api["stats"]:
        assert medians[(r["by"], r["group"], r["step"])] == (
            "" if r["median_days"] is None else str(r["median_days"])
        )
    assert {a["item"] for a in api["ageing"]} == {"Interceptor lot 1", "Drone kits"}
    for who in ("nora", "sam", "olga", "pawel"):
        assert client_as(who).get("/purl/pipeline/").status_code == 403
        assert client_as(who).get("/purl/pipeline.csv").status_code == 403
        assert client_as(who).get("/api/v1/purl/pipeline").status_code == 403
