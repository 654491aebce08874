"""How much of each donor's Kiel allocations is PURL money (EUR), read from what the ledger and the
tracker say, never guessed:

* a row the tracker's workbook marks as PURL-funded is PURL money as a whole;
* a PURL contribution a coordinator confirmed as counted in a Kiel record (a ledger link, proposed
  by veille by donor, date and amount, or made by the mark) is PURL money inside that record, at the
  contribution's size converted at its value date, never more than the record.

Support never imports PURL: the links are the ledger's, and PURL's ledger events carry references
that begin with :data:`PURL_REFERENCE`. A reader sees a link only if it may see both records; the
figures are as of now, in EUR (the tracker's unit). Synthetic demo records are never linked to the
tracker's real data (the ledger refuses it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from veille.ledger.links import queries as links
from veille.ledger.models import LinkState
from veille.support.models import DonorFigure, TrackerRelease

__all__ = ["PURL_REFERENCE", "purl_inside", "with_purl_inside"]

#: The references PURL's ledger events carry (``purl:package:7``, ``purl:general``).
PURL_REFERENCE = "purl:"
ZERO = Decimal("0.00")


def purl_inside(user: Any, releases: list[TrackerRelease] | None = None) -> dict[str, dict[str, Any]]:
    """Per donor: PURL money inside its Kiel allocations (``purl_eur``), as marked rows and as
    confirmed links, and the records it is in."""
    from veille.support.queries import releases_in_use

    releases = releases if releases is not None else releases_in_use()
    figures = list(
        DonorFigure.objects.filter(release__in=releases, basis="allocation", ledger_event__isnull=False).only(
            "id", "donor_id", "value_eur", "purl_funded", "ledger_event_id", "where", "release_id"
        )
    )
    by_event = {f.ledger_event_id: f for f in figures}
    linked: dict[int, Decimal] = {}
    for link in links.link_rows(user, state=LinkState.CONFIRMED):
        if link.overlap is None or link.counted_in.pk not in by_event:
            continue
        if not link.event.reference.startswith(PURL_REFERENCE) or link.overlap.currency != "EUR":
            continue
        linked[link.counted_in.pk] = linked.get(link.counted_in.pk, ZERO) + link.overlap.amount
    out: dict[str, dict[str, Any]] = {}
    for f in figures:
        marked = bool(f.purl_funded) and f.value_eur is not None
        through_links = linked.get(f.ledger_event_id or 0, ZERO)
        if not marked and not through_links:
            continue
        row = out.setdefault(
            f.donor_id,
            {"donor": f.donor_id, "purl_eur": ZERO, "marked_eur": ZERO, "linked_eur": ZERO, "records": []},
        )
        # A marked row is PURL money as a whole; links into it are inside that, not added to it.
        inside = (f.value_eur or ZERO) if marked else min(through_links, f.value_eur or ZERO)
        row["purl_eur"] += inside
        row["marked_eur" if marked else "linked_eur"] += inside
        row["records"].append(f.where)
    return out


def with_purl_inside(rows: list[dict[str, Any]], user: Any) -> dict[str, dict[str, Any]]:
    """Add ``purl_eur`` and ``purl_pct`` (of the donor's total allocations) to donor rows."""
    inside = purl_inside(user)
    for row in rows:
        found = inside.get(row["donor"])
        row["purl_eur"] = found["purl_eur"] if found else ZERO
        total = row.get("total") or ZERO
        row["purl_pct"] = (
            (row["purl_eur"] * 100 / total).quantize(Decimal("0.01")) if total and found else None
        )
    return inside
