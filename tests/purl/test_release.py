"""Ukraine sees a funded package as funded: the coverage a user may know, never a false zero. The
contributions are releasable to NATO, not to Ukraine; until a coordinator releases the package's
total funding to its recipient, Ukraine is told "funding not releasable to you"; after, it sees the
total and the coverage (never who gave what), on pages, API and exports alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from veille.audit.models import AuditEvent
from veille.core.errors import PermissionDenied
from veille.kit.exports import read_csv_rows
from veille.notices.queries import for_user
from veille.purl.exceptions import ReleaseUnchanged
from veille.purl.queries import coverage
from veille.purl.services import ContributionData, do_commit, do_release_funding

Act = Callable[[str], Any]
Client = Callable[[str | None], Any]
DAY = dt.date(2026, 10, 15)


@pytest.fixture
def funded(package: Any, actor_of: Act, dieter: Any) -> Any:
    """Package A (100 M USD) fully funded by Germany (EUR) and Norway (NOK), releasable to NATO."""
    do_commit(actor_of("dieter"), ContributionData("DEU", "50000000", "EUR", DAY, ["x"], package=package.pk))
    do_commit(actor_of("nora"), ContributionData("NOR", "500000000", "NOK", DAY, ["x"], package=package.pk))
    package.refresh_from_db()
    return package


def board_row(client: Any, package: Any) -> dict[str, Any]:
    return next(p for p in client.get("/api/v1/purl/packages").json()["items"] if p["id"] == package.pk)


def test_ukraine_is_told_the_funding_is_not_releasable_never_that_it_is_zero(
    funded: Any, client_as: Client, users: dict[str, Any]
) -> None:
    olga = client_as("olga")
    page = olga.get(f"/purl/packages/{funded.pk}/").content.decode()
    assert "funding not releasable to you" in page
    assert "0.0 % funded" not in page and "not funded yet" not in page and "fully funded" not in page
    board = olga.get("/purl/").content.decode()
    assert "funding not releasable to you" in board and "not funded yet" not in board
    row = board_row(olga, funded)
    assert (row["funded"], row["funding_access"], row["committed_usd"], row["coverage_pct"]) == (
        "withheld",
        "withheld",
        None,
        None,
    )
    (exported,) = [r for r in read_csv_rows(olga.get("/purl/packages.csv").content.decode())]
    assert (exported["funded"], exported["committed_usd"], exported["coverage_pct"]) == ("withheld", "", "")
    lists = olga.get("/purl/lists/").content.decode()
    assert 'data-testid="not-releasable"' in lists
    assert coverage(users["olga"], funded).fully_funded is False
    # Allies see it all, as before.
    assert board_row(client_as("pawel"), funded)["funded"] == "complete"
    assert board_row(client_as("nora"), funded)["funding_access"] == "all"


def test_a_coordinator_releases_the_total_funding_to_the_recipient(
    funded: Any, client_as: Client, actor_of: Act, users: dict[str, Any]
) -> None:
    alice = client_as("alice")
    assert 'data-testid="release-funding"' in alice.get(f"/purl/packages/{funded.pk}/").content.decode()
    response = alice.post(f"/purl/packages/{funded.pk}/release/", {"note": "agreed by the board"})
    assert response.status_code == 302
    (audited,) = AuditEvent.objects.filter(action="purl.package.release_funding")
    assert (audited.actor, audited.note, audited.after["recipient"]) == (
        "alice",
        "agreed by the board",
        "UKR",
    )
    assert f"purl:package:{funded.pk}:released" in [n.key for n in for_user(users["olga"]).new]
    olga = client_as("olga")
    page = olga.get(f"/purl/packages/{funded.pk}/").content.decode()
    assert 'data-testid="funding-released"' in page and "fully funded" in page
    # The total, never who gave what nor in which currency.
    assert "DEU" not in page and "NOR" not in page and "NOK" not in page
    funded.refresh_from_db()
    fund = coverage(users["olga"], funded)
    whole = coverage(users["alice"], funded)
    assert (fund.access, fund.fully_funded, fund.committed_usd) == ("released", True, whole.committed_usd)
    assert fund.by_nation == {} and fund.rates == []
    row = board_row(olga, funded)
    assert (row["funded"], row["funding_access"]) == ("complete", "released")
    assert row["committed_usd"] == str(whole.committed_usd)
    # Withheld again: back to "not releasable", and the news is cleared.
    do_release_funding(actor_of("alice"), funded.pk, release=False)
    assert board_row(olga, funded)["funded"] == "withheld"
    assert f"purl:package:{funded.pk}:released" not in [n.key for n in for_user(users["olga"]).new]
    assert AuditEvent.objects.filter(action="purl.package.withhold_funding").count() == 1


def test_only_coordinators_release_and_a_release_changes_something(
    funded: Any, actor_of: Act, client_as: Client
) -> None:
    for who in ("nora", "olga", "sam"):
        with pytest.raises(PermissionDenied):
            do_release_funding(actor_of(who), funded.pk)
        assert client_as(who).post(f"/purl/packages/{funded.pk}/release/").status_code == 403
    api = client_as("nora").post(
        f"/api/v1/purl/packages/{funded.pk}/funding-release",
        {"release": True},
        content_type="application/json",
    )
    assert api.status_code == 403
    with pytest.raises(ReleaseUnchanged) as exc:
        do_release_funding(actor_of("alice"), funded.pk, release=False)
    assert exc.value.field == "release"
    body = client_as("alice").post(
        f"/api/v1/purl/packages/{funded.pk}/funding-release",
        {"release": True},
        content_type="application/json",
    )
    assert body.status_code == 200 and body.json()["funding_access"] == "all"  # a coordinator sees all
    with pytest.raises(ReleaseUnchanged):
        do_release_funding(actor_of("alice"), funded.pk)
    assert not AuditEvent.objects.filter(action="purl.package.release_funding", actor="nora").exists()


def test_a_user_who_sees_part_of_the_funding_is_told_it_is_at_least_that(
    package: Any, actor_of: Act, client_as: Client, users: dict[str, Any]
) -> None:
    do_commit(actor_of("nora"), ContributionData("NOR", "100000000", "NOK", DAY, ["x"], package=package.pk))
    do_commit(
        actor_of("nora"),
        ContributionData(
            "NOR",
            "100000000",
            "NOK",
            DAY,
            ["y"],
            package=package.pk,
            releasable_to="NATIONS",
            releasable_nations=["NOR"],
            confirm_duplicate=True,  # a second one of the same size and day, on purpose
        ),
    )
    fund = coverage(users["pawel"], package)
    assert (
        fund.access == "partial" and fund.committed_usd * 2 == coverage(users["nora"], package).committed_usd
    )
    page = client_as("pawel").get(f"/purl/packages/{package.pk}/").content.decode()
    assert 'data-testid="funding-partial"' in page and "at least" in page
    assert coverage(users["nora"], package).access == "all"
