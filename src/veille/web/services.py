"""The shell's writes that set two mechanisms side by side: reconciling PURL's contributions with the
Kiel tracker's records of the same money (issue 20).

Neither mechanism imports the other; both post to the ledger, and the links between their records
are the ledger's (:mod:`veille.ledger.links`). This module reads both sides, finds the pairs with the
one rule of :mod:`veille.core.reconcile` and writes each link through the ledger's services:

* a Kiel row the workbook marks as PURL-funded is linked by its mark (confirmed: the tracker says it);
* any other pair is a proposal, which counts once a coordinator confirms it (``/support/reconcile/``);
* a pair a coordinator rejected is never proposed again; an event is counted in one record at a time.

Candidates are PURL's live commitments (money a nation committed; allocations of general
contributions are parts of them); records are the Kiel tracker's military allocations of the
releases in use: one activity of a workbook is the same aid (scope ``record``, within the stated
tolerance and window), a donor's release total holds it (scope ``total``). Synthetic demo records
are never candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from veille.core.errors import VeilleError
from veille.core.money import Money
from veille.core.reconcile import Candidate, Record, Rule, propose
from veille.ledger import rates
from veille.ledger.links import services as links
from veille.ledger.models import LedgerLink, LinkScope, LinkState
from veille.ledger.services import is_reversed, size_of
from veille.nations.access import Actor, require_coordinator
from veille.purl.models import FundingEvent, Role
from veille.support.models import DonorFigure
from veille.support.queries import releases_in_use
from veille.web.models import IdempotentAnswer

__all__ = ["ReconcileResult", "check_propose_links", "do_propose_links", "do_remember_answer"]


@dataclass
class ReconcileResult:
    proposed: list[int] = field(default_factory=list)
    marked: list[int] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.proposed)} proposed, {len(self.marked)} linked by the tracker's mark"


def check_propose_links(actor: Actor) -> None:
    require_coordinator(actor, "reconcile PURL with the Kiel tracker")


def _candidates() -> dict[int, Candidate]:
    """PURL's live, real commitments, each in EUR (the tracker's unit) at its own value date, as the
    link's check converts it."""
    fx = rates.converter()
    out: dict[int, Candidate] = {}
    links_ = FundingEvent.objects.filter(role=Role.COMMITMENT, contribution__synthetic=False).select_related(
        "event"
    )
    for fe in links_:
        e = fe.event
        if e.synthetic or not e.counted or e.measure != "money" or is_reversed(e.pk):
            continue
        size = size_of(e.pk)
        if size <= 0:
            continue
        money = Money.from_minor(size, e.currency)
        try:
            eur = money if money.currency == "EUR" else fx.convert(money, "EUR", e.value_date).amount
        except VeilleError:
            continue  # no ECB rate for it: it cannot be compared, so it is not proposed
        out[e.pk] = Candidate(e.pk, e.party_id, e.value_date, eur.amount)
    return out


def do_propose_links(actor: Actor, rule: Rule | None = None) -> ReconcileResult:
    """Propose (or, for marked rows, make) the links between PURL's commitments and Kiel's records."""
    check_propose_links(actor)
    rule = rule or Rule()
    releases = releases_in_use()
    figures = list(
        DonorFigure.objects.filter(
            release__in=releases, basis="allocation", aid_type="military", ledger_event__isnull=False
        ).select_related("ledger_event")
    )
    records: dict[int, Record] = {}
    for f in figures:
        e = f.ledger_event
        if e is None or e.synthetic or is_reversed(e.pk):
            continue
        scope = LinkScope.TOTAL if f.announced is None else LinkScope.RECORD
        size = Money.from_minor(size_of(e.pk), e.currency).amount
        records[e.pk] = Record(e.pk, e.party_id, e.value_date, size, scope, f.purl_funded)
    candidates = _candidates()
    live = LedgerLink.objects.exclude(state=LinkState.REJECTED).select_related("event", "counted_in")
    taken: dict[int, Decimal] = {}
    for link in live:
        if link.counted_in_id in records:
            taken[link.counted_in_id] = (
                taken.get(link.counted_in_id, Decimal(0))
                + links.overlap_in(link.event, link.counted_in).amount
            )
    result = ReconcileResult()
    found = propose(
        candidates.values(),
        records.values(),
        rule,
        taken=taken,
        linked=[link.event_id for link in live],
        refused=LedgerLink.objects.filter(state=LinkState.REJECTED).values_list("event_id", "counted_in_id"),
    )
    for p in found:
        data = links.LinkData(
            event=p.candidate,
            counted_in=p.record,
            scope=p.scope,
            tolerance_pct=rule.tolerance_pct,
            window_days=rule.window_days,
            note="the tracker marks the row as PURL-funded" if p.marked else "",
        )
        try:
            if p.marked:
                result.marked.append(links.do_link_by_mark(actor, data).pk)
            else:
                result.proposed.append(links.do_propose_link(actor, data).pk)
        except VeilleError as exc:  # a pair the ledger refuses (sizes moved since): named, not written
            result.refused.append(f"#{p.candidate} in #{p.record}: {exc}")
    return result


# --- answers of API writes sent with an Idempotency-Key ------------------------------------------


def do_remember_answer(
    user: Any, endpoint: str, key: str, body_sha256: str, status: int, content_type: str, answer: bytes
) -> IdempotentAnswer:
    """Keep the first answer to an API write sent with ``Idempotency-Key`` (in the write's own
    transaction: the change and its answer are kept together or not at all). Not audited itself:
    the write it answers is. A second writer with the same key fails on the unique constraint."""
    return IdempotentAnswer.objects.create(
        user=user,
        endpoint=endpoint[:300],
        key=key,
        body_sha256=body_sha256,
        status=status,
        content_type=content_type[:100],
        answer=answer,
        at=timezone.now(),
    )
