"""Links between two sources' records of the same money (veille.ledger.links): proposed, marked or
made by a coordinator, checked by one rule, audited, counted once, "as of" any instant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from veille.audit.models import AuditEvent
from veille.core.errors import PermissionDenied
from veille.core.money import Money
from veille.ledger import services
from veille.ledger.exceptions import (
    AlreadyLinked,
    EventNotFound,
    LinkDecided,
    LinkExceedsRecord,
    OutsideTolerance,
    PartyMismatch,
    SyntheticMix,
    WrongParent,
)
from veille.ledger.links import queries as links
from veille.ledger.links.services import (
    LinkData,
    do_confirm_link,
    do_link,
    do_link_by_mark,
    do_propose_link,
    do_reject_link,
)
from veille.ledger.models import LedgerEvent, LedgerLink, LinkState
from veille.ledger.queries import CONSOLE
from veille.nations.access import Actor

from .conftest import SRC

Write = Callable[..., LedgerEvent]
SYSTEM = Actor.system_process("tests")
AUG = dt.date(2025, 8, 4)


def purl(
    write: Write, party: str = "NLD", amount: str = "500000000", currency: str = "EUR", **kw: object
) -> LedgerEvent:
    return write(
        "commitment",
        party=party,
        amount=amount,
        currency=currency,
        value_date=AUG,
        reference="purl:package:1",
        **kw,
    )


def kiel(
    write: Write, party: str = "NLD", amount: str = "510000000", day: dt.date = AUG, **kw: object
) -> LedgerEvent:
    return write(
        "allocation",
        party=party,
        amount=amount,
        currency="EUR",
        value_date=day,
        reference="kiel:29:row 3",
        releasable_to="PUBLIC",
        **kw,
    )


def counts() -> tuple[int, int]:
    return LedgerLink.objects.count(), AuditEvent.objects.count()


def test_a_proposal_counts_once_a_coordinator_confirms_it(
    write: Write, actor_of: Callable[[str], Actor]
) -> None:
    p, k = purl(write), kiel(write)
    link = do_propose_link(SYSTEM, LinkData(event=p.pk, counted_in=k.pk))
    assert (link.state, link.basis, link.difference_pct) == ("proposed", "proposal", Decimal("2.00"))
    assert links.overlaps(CONSOLE).by_party == {}
    do_confirm_link(actor_of("alice"), link.pk, "checked against the MoD's release")
    assert links.overlaps(CONSOLE).of_party("NLD", "EUR") == Money.parse("500000000", "EUR")
    assert AuditEvent.objects.filter(action="ledger.link.confirm", object_id=str(link.pk)).exists()


def test_the_overlap_follows_the_events_sizes_and_never_exceeds_the_record(write: Write) -> None:
    p, k = purl(write, amount="100"), kiel(write, amount="100")
    do_link(SYSTEM, LinkData(event=p.pk, counted_in=k.pk))
    services.do_amend(SYSTEM, services.Change(event=p.pk, amount="4", sources=SRC))  # 104 now
    assert links.overlaps(CONSOLE).by_record[k.pk] == Money.parse("100", "EUR")
    services.do_reverse(SYSTEM, services.Change(event=p.pk, sources=SRC))
    assert links.overlaps(CONSOLE).by_record[k.pk] == Money.parse("0", "EUR")


def test_money_in_another_currency_is_compared_at_its_value_dates_rate(write: Write) -> None:
    p = purl(write, amount="640000000", currency="USD")  # about EUR 553m on 2025-08-04
    k = kiel(write, amount="500000000")
    with pytest.raises(OutsideTolerance):
        do_propose_link(SYSTEM, LinkData(event=p.pk, counted_in=k.pk))
    link = do_propose_link(SYSTEM, LinkData(event=p.pk, counted_in=k.pk, tolerance_pct="10"))
    do_confirm_link(SYSTEM, link.pk)
    rows = links.link_rows(CONSOLE)
    assert rows[0].overlap == Money.parse("500000000", "EUR")  # capped at the record
    assert links.overlaps(CONSOLE).rates[0].currency == "USD"


def test_a_link_to_another_donors_record_is_refused_and_writes_nothing(write: Write) -> None:
    p, k = purl(write), kiel(write, party="NOR")
    before = counts()
    with pytest.raises(PartyMismatch) as err:
        do_propose_link(SYSTEM, LinkData(event=p.pk, counted_in=k.pk))
    assert err.value.field == "party" and "NOR" in str(err.value)
    assert counts() == before


def test_amounts_or_dates_beyond_the_stated_tolerance_are_refused_and_write_nothing(write: Write) -> None:
    p = purl(write)
    far = kiel(write, amount="530000000")
    late = kiel(write, day=AUG + dt.timedelta(days=45))
    before = counts()
    with pytest.raises(OutsideTolerance) as err:
        do_link(SYSTEM, LinkData(event=p.pk, counted_in=far.pk))
    assert err.value.field == "amount" and "6.00 %" in str(err.value) and "tolerance is 5 %" in str(err.value)
    with pytest.raises(OutsideTolerance) as err:
        do_link(SYSTEM, LinkData(event=p.pk, counted_in=late.pk))
    assert err.value.field == "value_date"
    assert counts() == before


def test_a_total_holds_contributions_up_to_its_size(write: Write) -> None:
    total = kiel(write, amount="1000", day=dt.date(2026, 4, 21))
    a, b = purl(write, amount="600"), purl(write, amount="500")
    do_link(SYSTEM, LinkData(event=a.pk, counted_in=total.pk, scope="total"))
    before = counts()
    with pytest.raises(LinkExceedsRecord) as err:
        do_propose_link(SYSTEM, LinkData(event=b.pk, counted_in=total.pk, scope="total"))
    assert err.value.field == "amount" and counts() == before
    later = write("commitment", party="NLD", amount="1", currency="EUR", value_date=dt.date(2026, 5, 1))
    with pytest.raises(OutsideTolerance) as err:
        do_propose_link(SYSTEM, LinkData(event=later.pk, counted_in=total.pk, scope="total"))
    assert err.value.field == "value_date"


def test_an_event_is_counted_in_one_record_at_a_time(write: Write) -> None:
    p, k1, k2 = purl(write), kiel(write), kiel(write, amount="500000000")
    first = do_propose_link(SYSTEM, LinkData(event=p.pk, counted_in=k1.pk))
    with pytest.raises(AlreadyLinked):
        do_propose_link(SYSTEM, LinkData(event=p.pk, counted_in=k2.pk))
    do_reject_link(SYSTEM, first.pk, "another activity of the same day")
    do_propose_link(SYSTEM, LinkData(event=p.pk, counted_in=k2.pk))
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database keeps it so
        LedgerLink.objects.create(**{**_values(first), "state": "proposed"})


def _values(link: LedgerLink) -> dict[str, object]:
    return {
        f.attname: getattr(link, f.attname) for f in LedgerLink._meta.concrete_fields if f.attname != "id"
    }


def test_a_decided_link_is_not_decided_again_and_a_rejection_needs_a_reason(write: Write) -> None:
    link = do_propose_link(SYSTEM, LinkData(event=purl(write).pk, counted_in=kiel(write).pk))
    with pytest.raises(Exception, match="why"):
        do_reject_link(SYSTEM, link.pk, "")
    do_confirm_link(SYSTEM, link.pk)
    with pytest.raises(LinkDecided):
        do_reject_link(SYSTEM, link.pk, "changed my mind")


def test_only_coordinators_link_and_decide(write: Write, actor_of: Callable[[str], Actor]) -> None:
    p, k = purl(write), kiel(write)
    with pytest.raises(PermissionDenied):
        do_propose_link(actor_of("nora"), LinkData(event=p.pk, counted_in=k.pk))
    link = do_propose_link(SYSTEM, LinkData(event=p.pk, counted_in=k.pk))
    with pytest.raises(PermissionDenied):
        do_confirm_link(actor_of("sam"), link.pk)


def test_only_live_counted_money_is_linked_and_never_demo_data_with_real(write: Write) -> None:
    k = kiel(write)
    pledge = write("pledge", party="NLD", amount="500000000", currency="EUR", value_date=AUG)
    with pytest.raises(WrongParent):
        do_link(SYSTEM, LinkData(event=pledge.pk, counted_in=k.pk))
    demo = purl(write, synthetic=True)
    with pytest.raises(SyntheticMix):
        do_link(SYSTEM, LinkData(event=demo.pk, counted_in=k.pk))
    with pytest.raises(EventNotFound):
        do_link(SYSTEM, LinkData(event=99999, counted_in=k.pk))


def test_a_tracker_mark_links_without_a_proposal(write: Write) -> None:
    link = do_link_by_mark(SYSTEM, LinkData(event=purl(write).pk, counted_in=kiel(write).pk))
    assert (link.state, link.basis, link.decided_by) == ("confirmed", "mark", "system:tests")


def test_as_of_an_instant_a_link_counts_only_if_confirmed_by_then(write: Write) -> None:
    link = do_propose_link(SYSTEM, LinkData(event=purl(write).pk, counted_in=kiel(write).pk))
    before = timezone.now()
    do_confirm_link(SYSTEM, link.pk)
    assert [r.state for r in links.link_rows(CONSOLE, as_of=before)] == [LinkState.PROPOSED]
    assert links.overlaps(CONSOLE, as_of=before).by_party == {}
    assert links.overlaps(CONSOLE).of_party("NLD", "EUR").amount == Decimal("500000000.00")


def test_a_reader_sees_a_link_only_if_it_may_see_both_records(write: Write, users: dict[str, object]) -> None:
    p = purl(write, releasable_to="NATIONS", releasable_nations=["NLD"])
    do_link(SYSTEM, LinkData(event=p.pk, counted_in=kiel(write).pk))
    assert links.link_rows(users["pawel"]) == []
    assert links.overlaps(users["pawel"]).by_party == {}
    assert len(links.link_rows(users["alice"])) == 1


def test_the_api_links_confirms_and_shows_the_overlap_in_the_balances(
    write: Write, client_as: Callable[[str | None], object]
) -> None:
    p, k = purl(write, releasable_to="PUBLIC"), kiel(write)
    alice = client_as("alice")
    made = alice.post(  # type: ignore[attr-defined]
        "/api/v1/ledger/links",
        {"event": p.pk, "counted_in": k.pk, "propose": True},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["state"] == "proposed"
    refused = client_as("nora").post(  # type: ignore[attr-defined]
        f"/api/v1/ledger/links/{made.json()['id']}/confirm", {}, content_type="application/json"
    )
    assert refused.status_code == 403
    done = alice.post(  # type: ignore[attr-defined]
        f"/api/v1/ledger/links/{made.json()['id']}/confirm",
        {"note": "same MoD release"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["overlap"] == "500000000.00 EUR"
    balances = client_as("pawel").get("/api/v1/ledger/balances?party=NLD").json()  # type: ignore[attr-defined]
    assert balances["counted_elsewhere"] == [{"party": "NLD", "currency": "EUR", "amount": "500000000.00"}]
    listed = client_as("pawel").get("/api/v1/ledger/links").json()  # type: ignore[attr-defined]
    assert [r["state"] for r in listed["items"]] == ["confirmed"]


def test_the_api_names_the_error_of_a_link_to_another_donor(
    write: Write, client_as: Callable[[str | None], object]
) -> None:
    p, k = purl(write), kiel(write, party="NOR")
    response = client_as("alice").post(  # type: ignore[attr-defined]
        "/api/v1/ledger/links", {"event": p.pk, "counted_in": k.pk}, content_type="application/json"
    )
    assert response.status_code == 422
    assert (response.json()["error"]["type"], response.json()["error"]["field"]) == ("PartyMismatch", "party")
    assert not LedgerLink.objects.exists()
