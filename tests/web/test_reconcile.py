"""PURL and the Kiel tracker, reconciled (issue 20, item 3): veille proposes which Kiel record counts
each PURL contribution, a coordinator confirms or rejects, a workbook's PURL-funded mark links by
itself, and support's pages and the claims page show per donor how much of its Kiel allocation is
PURL money, never adding the two."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.support.test_kiel import HEADER, workbook
from veille.audit.models import AuditEvent
from veille.core.errors import PermissionDenied
from veille.kit.importers import no_progress
from veille.ledger.models import LedgerLink
from veille.nations.access import Actor
from veille.purl.services import ContributionData, do_commit, do_import_announcements
from veille.support.exceptions import RowsRejected
from veille.support.models import DonorFigure
from veille.support.purl_share import purl_inside
from veille.support.services import do_import_workbook
from veille.web.services import do_propose_links

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system_process("tests")
CSV = Path(settings.DATA_DIR) / "purl" / "purl_contributions.csv"
Client = Callable[[str | None], Any]


@pytest.fixture
def both(kiel_release28: None) -> None:
    """Kiel's release 28 (donors' totals) and PURL's public record, both on the ledger."""
    do_import_announcements(Actor.system_process("import:purl-announcements"), CSV, no_progress)


def nld_link() -> LedgerLink:
    return LedgerLink.objects.get(party_id="NLD")


def test_veille_proposes_the_kiel_total_that_holds_each_public_purl_commitment(both: None) -> None:
    result = do_propose_links(SYSTEM)
    assert result.proposed and not result.marked and not result.refused
    link = nld_link()
    assert (link.state, link.scope, link.basis) == ("proposed", "total", "proposal")
    kiel = DonorFigure.objects.get(ledger_event=link.counted_in)
    assert (kiel.donor_id, kiel.aid_type, kiel.basis) == ("NLD", "military", "allocation")
    assert link.event.amount is not None and str(link.event.amount) == "500000000.00 EUR"
    assert all(link.party_id == link.counted_in.party_id for link in LedgerLink.objects.all())
    # Proposing again changes nothing; a proposal counts for nothing until confirmed.
    assert do_propose_links(SYSTEM).proposed == []
    assert purl_inside(None) == {}


def test_a_coordinator_confirms_and_the_support_pages_show_the_purl_money_inside_never_added(
    both: None, client_as: Client
) -> None:
    do_propose_links(SYSTEM)
    alice = client_as("alice")
    page = alice.post("/support/reconcile/", {"link": nld_link().pk, "decision": "confirm", "note": "MoD"})
    assert page.status_code == 302 and nld_link().state == "confirmed"
    assert AuditEvent.objects.filter(action="ledger.link.confirm").count() == 1
    html = client_as(None).get("/support/").content.decode()
    cell = html[html.index('data-testid="purl-NLD"') :][:120]
    assert "0.500 (4.79 %)" in cell  # EUR 0.5 bn of NLD's 10.442 bn (the sum of its published rows)
    row = html[html.rindex("<tr>", 0, html.index('data-testid="purl-NLD"')) :]
    assert "10.442" in row  # the Kiel total as before: nothing added
    claims = client_as(None).get("/support/claims/").content.decode()
    table = claims[claims.index('data-testid="purl-inside-table"') :]
    assert "Netherlands" in table and "0.500" in table
    api = client_as("pawel").get("/api/v1/ledger/balances?party=NLD").json()
    assert api["counted_elsewhere"] == [{"party": "NLD", "currency": "EUR", "amount": "500000000.00"}]
    kinds = {t["kind"]: t["original"] for t in api["totals"]}
    assert kinds == {"commitment": {"EUR": "500000000.00"}, "allocation": {"EUR": "10442000000.00"}}


def test_a_rejected_pair_is_never_proposed_again(both: None, client_as: Client) -> None:
    do_propose_links(SYSTEM)
    refused = client_as("alice").post("/support/reconcile/", {"link": nld_link().pk, "decision": "reject"})
    assert refused.status_code == 422 and "say why" in refused.content.decode()
    client_as("alice").post(
        "/support/reconcile/", {"link": nld_link().pk, "decision": "reject", "note": "not the same money"}
    )
    do_propose_links(SYSTEM)
    assert list(LedgerLink.objects.filter(party_id="NLD").values_list("state", flat=True)) == ["rejected"]


def test_only_coordinators_reconcile(both: None, client_as: Client) -> None:
    with pytest.raises(PermissionDenied):
        do_propose_links(Actor.for_user(client_as("nora").get("/").wsgi_request.user))
    assert client_as("nora").post("/support/reconcile/", {"action": "propose"}).status_code == 403
    assert not LedgerLink.objects.exists()
    assert client_as("alice").post("/support/reconcile/", {"action": "propose"}).status_code == 200
    assert LedgerLink.objects.exists()


def test_synthetic_purl_money_is_never_proposed(kiel_release28: None, users: dict[str, Any]) -> None:
    do_commit(
        Actor.system_process("demo"),
        ContributionData("NLD", "100", "EUR", dt.date(2025, 8, 4), ["synthetic demo figure"]),
        synthetic=True,
    )
    assert do_propose_links(SYSTEM).proposed == []


def test_a_workbook_row_marked_purl_funded_is_linked_by_its_mark(
    users: dict[str, Any], tmp_path: Path, client_as: Client
) -> None:
    do_import_announcements(Actor.system_process("import:purl-announcements"), CSV, no_progress)
    row = [
        9,
        "Netherlands",
        "2025-08-06",
        "Allocation",
        "Military",
        "Weapons",
        "EUR",
        500_000_000,
        505_000_000,
        "Patriot",
        None,
        "yes",
    ]
    do_import_workbook(SYSTEM, workbook(tmp_path, [row], header=[*HEADER, "purl_funded"]), no_progress)
    figure = DonorFigure.objects.get(donor_id="NLD")
    assert figure.purl_funded
    result = do_propose_links(SYSTEM)
    link = nld_link()
    assert result.marked == [link.pk] and (link.state, link.basis, link.scope) == (
        "confirmed",
        "mark",
        "record",
    )
    assert link.difference_pct == Decimal("1.00")
    assert purl_inside(None)["NLD"]["marked_eur"] == Decimal("505000000.00")


def test_a_bad_purl_mark_is_refused_with_its_sheet_and_row(users: dict[str, Any], tmp_path: Path) -> None:
    row = [
        9,
        "Netherlands",
        "2025-08-06",
        "Allocation",
        "Military",
        "Weapons",
        "EUR",
        1,
        1,
        "",
        None,
        "perhaps",
    ]
    with pytest.raises(RowsRejected) as err:
        do_import_workbook(SYSTEM, workbook(tmp_path, [row], header=[*HEADER, "purl_funded"]), no_progress)
    assert "row 3" in str(err.value) and "purl_funded: expected yes or no" in str(err.value)
    assert not DonorFigure.objects.exists()
