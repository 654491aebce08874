"""The ledger: one append-only table of events, money and materiel, from pledge to receipt.

A row is written once and never changed (DESIGN.md §4, invariant 6): triggers reject UPDATE and
DELETE in the database (migration 0002), and the model and its queryset refuse them in Python. A
correction is a reversal of the wrong event plus a new event.

Besides what the caller gave (kind, parent, party, amount or quantity, dates, sources…), each row
carries four figures fixed when it is written, so that every balance is a plain SQL sum:

* ``counts_as``: the kind whose totals the row changes (an amendment or a reversal changes the
  totals of the kind it amends or reverses);
* ``size_of``: the event whose size the row changes (empty: the row's own size);
* ``draws_on`` and ``draw``: the event the row draws from (its chain parent) and by how much, in
  that event's own unit (minor units of its currency, or its count), with the rate when converted;
* ``counted``: false on a pass-through leg and below it, so that money is counted once.

Materiel: a shipment or a receipt counts an ``item`` (in its own unit: quantities of different
items are never added) and may carry its value (``amount_minor``/``currency``) with the method that
valued it. A *pooled* shipment, one that delivers what several donors funded together (a PURL
package), starts a chain of its own: it is written by the deliverer, not counted for it
(``counted`` false), and carries the pool's key as its ``reference``; each funder's share of it is
derived at report time (:mod:`veille.ledger.pools`).

Two records of the same money written by two sources (a PURL commitment and the Kiel tracker's
allocation that counts it) are tied by a :class:`LedgerLink`, proposed by veille or marked by the
tracker and confirmed by a coordinator, so that no total adds them twice
(:mod:`veille.ledger.links`).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veille.core.money import Money
from veille.ledger.exceptions import AppendOnly
from veille.nations.access import Releasable, ReleasableQuerySet
from veille.nations.models import Nation


class Kind(models.TextChoices):
    PLEDGE = "pledge", _("Pledge")
    COMMITMENT = "commitment", _("Commitment")
    ALLOCATION = "allocation", _("Allocation")
    CONTRACT = "contract", _("Contract")
    DISBURSEMENT = "disbursement", _("Disbursement")
    SHIPMENT = "shipment", _("Shipment")
    RECEIPT = "receipt", _("Receipt")
    AMENDMENT = "amendment", _("Amendment")
    REVERSAL = "reversal", _("Reversal")


#: The kinds that carry a figure of their own (amendments and reversals change another's).
FLOW_KINDS = (
    Kind.PLEDGE,
    Kind.COMMITMENT,
    Kind.ALLOCATION,
    Kind.CONTRACT,
    Kind.DISBURSEMENT,
    Kind.SHIPMENT,
    Kind.RECEIPT,
)

#: Which parent each kind may have (None: it may start a chain).
ALLOWED_PARENTS: dict[str, tuple[str | None, ...]] = {
    Kind.PLEDGE: (None,),
    Kind.COMMITMENT: (None, Kind.PLEDGE),
    # An allocation may start a chain: trackers (Kiel) report allocations without the commitment
    # they draw on, and a donor may earmark aid it never announced as a commitment.
    Kind.ALLOCATION: (None, Kind.COMMITMENT, Kind.ALLOCATION),
    Kind.CONTRACT: (Kind.COMMITMENT, Kind.ALLOCATION),
    Kind.DISBURSEMENT: (Kind.COMMITMENT, Kind.ALLOCATION, Kind.CONTRACT),
    Kind.SHIPMENT: (Kind.COMMITMENT, Kind.ALLOCATION, Kind.CONTRACT),
    Kind.RECEIPT: (Kind.DISBURSEMENT, Kind.SHIPMENT),
}


class Measure(models.TextChoices):
    MONEY = "money", _("Money")
    QUANTITY = "quantity", _("Quantity")


class Status(models.TextChoices):
    """Derived from quantities, never stored (invariant 7)."""

    NONE = "none", _("None")
    PARTIAL = "partial", _("Partial")
    COMPLETE = "complete", _("Complete")
    REVERSED = "reversed", _("Reversed")


def derive_status(size: int, drawn: int, reversed_: bool = False) -> Status:
    """none / partial / complete from an event's size and what its children drew from it.

    >>> [derive_status(100, 0).value, derive_status(100, 40).value, derive_status(100, 100).value]
    ['none', 'partial', 'complete']
    >>> derive_status(100, 100, reversed_=True).value
    'reversed'
    """
    if reversed_ or size == 0:
        return Status.REVERSED if reversed_ else Status.NONE
    if drawn <= 0:
        return Status.NONE
    return Status.COMPLETE if drawn >= size else Status.PARTIAL


class LedgerEventQuerySet(ReleasableQuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("ledger events are never changed: record an amendment or a reversal")

    def delete(self) -> NoReturn:
        raise AppendOnly("ledger events are never deleted: record a reversal")

    def recorded_by(self, as_of: Any) -> LedgerEventQuerySet:
        """Events veille knew at ``as_of`` (None: all)."""
        return self if as_of is None else self.filter(recorded_at__lte=as_of)


class LedgerEvent(Releasable):
    kind = models.CharField(max_length=12, choices=Kind.choices)
    measure = models.CharField(max_length=8, choices=Measure.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The event it follows, or the one it amends or reverses."),
    )
    party = models.ForeignKey(
        Nation,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The donor: the aid counts for this nation."),
    )
    counterparty = models.ForeignKey(
        Nation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The recipient or the nation paid, when it is a nation."),
    )
    counterparty_name = models.CharField(
        max_length=200, blank=True, help_text=_("A fund, a package, a company: any other counterparty.")
    )
    currency = models.CharField(max_length=3, blank=True)
    amount_minor = models.BigIntegerField(
        null=True, blank=True, help_text=_("The amount as given, in minor units of its currency (cents).")
    )
    item = models.CharField(max_length=200, blank=True)
    quantity = models.BigIntegerField(null=True, blank=True)
    valuation_method = models.CharField(
        max_length=60, blank=True, help_text=_("How the amount of a quantity was valued.")
    )
    value_date = models.DateField(help_text=_("The date whose exchange rate applies."))
    effective_at = models.DateTimeField(help_text=_("When it happened."))
    recorded_at = models.DateTimeField(help_text=_("When veille learnt it."))
    sources = models.JSONField(default=list)
    note = models.TextField(blank=True)
    reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.CharField(max_length=150)
    pass_through_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pass_through_legs",
        help_text=_("The donor's event this leg passes on (not counted again)."),
    )
    # Fixed at write time (see the module docstring).
    counts_as = models.CharField(max_length=12, choices=Kind.choices)
    size_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    draws_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    draw = models.BigIntegerField(null=True, blank=True)
    draw_rate = models.DecimalField(max_digits=30, decimal_places=15, null=True, blank=True)
    draw_rate_date = models.DateField(null=True, blank=True)
    counted = models.BooleanField(default=True)
    # Demo records made by a seeded generator: marked wherever they are shown and left out of totals
    # unless the reader asks for them. Nullable so that adding the column is a plain ALTER TABLE ADD
    # COLUMN (SQLite would otherwise rebuild the table and, with it, drop the append-only triggers);
    # rows written before it are NULL, that is real.
    synthetic = models.BooleanField(
        null=True, blank=True, help_text=_("Generated demo data (seeded generator), not a real record.")
    )

    objects = LedgerEventQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [
            # Covers the balance query (GROUP BY in this order, sums of the two figures, the as-of
            # filter): an index-only scan, no sort.
            models.Index(
                fields=[
                    "party",
                    "counts_as",
                    "currency",
                    "value_date",
                    "counted",
                    "item",
                    "amount_minor",
                    "quantity",
                    "recorded_at",
                ],
                name="ledger_balance_cover_idx",
            ),
            models.Index(fields=["draws_on", "recorded_at"], name="ledger_draws_idx"),
            models.Index(fields=["size_of", "recorded_at"], name="ledger_size_idx"),
            models.Index(fields=["recorded_at"], name="ledger_recorded_idx"),
            # Whether any synthetic record exists (a partial index: it holds the demo's rows only).
            models.Index(
                fields=["synthetic"], name="ledger_synthetic_idx", condition=models.Q(synthetic=True)
            ),
            models.Index(fields=["reference"], name="ledger_reference_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="ledger_money_or_quantity",
                condition=(
                    models.Q(measure="money", amount_minor__isnull=False, quantity__isnull=True)
                    | models.Q(measure="quantity", quantity__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="ledger_amount_has_currency",
                condition=models.Q(amount_minor__isnull=True) | ~models.Q(currency=""),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.party_id} {self.figure}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnly("ledger events are never changed: record an amendment or a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("ledger events are never deleted: record a reversal")

    @property
    def amount(self) -> Money | None:
        """The amount as given (or the valuation of a quantity), exact."""
        if self.amount_minor is None:
            return None
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def units(self) -> int:
        """The row's figure in its measure's own unit: minor units of money, or a count."""
        value = self.quantity if self.measure == Measure.QUANTITY else self.amount_minor
        return int(value or 0)

    @property
    def figure(self) -> str:
        if self.measure == Measure.QUANTITY:
            valued = f" ({self.amount}, {self.valuation_method})" if self.amount is not None else ""
            return f"{self.quantity} x {self.item}{valued}"
        return str(self.amount)

    def unit_label(self) -> str:
        return self.item if self.measure == Measure.QUANTITY else self.currency


class LedgerFigure(models.Model):
    """The current size, draws and status of one flow event, kept by the services.

    Derived, not a record: the services update it in the transaction that writes the event (the
    events themselves are never changed), and :func:`veille.ledger.figures.rebuild` recomputes it
    from the events alone (a test compares the two). It describes the whole ledger now, so reports
    use it only for a reader who sees every event and asks about the present; a past instant, or a
    reader who sees part of the ledger, is answered from the events.
    """

    event = models.OneToOneField(LedgerEvent, primary_key=True, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Nation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    size = models.BigIntegerField()
    drawn = models.BigIntegerField(default=0)
    reversed = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices)

    class Meta:
        # Serves both the status counts (kind, party, status) and the open pledges (kind = pledge).
        indexes = [models.Index(fields=["kind", "party", "status"], name="ledger_figure_kind_idx")]

    def __str__(self) -> str:
        return f"#{self.event_id} {self.status}"


class LedgerDaySum(models.Model):
    """Sums of the events of one (party, kind counted, currency, value date, counted, item), kept by
    the services like :class:`LedgerFigure` and rebuildable from the events: the groups a balance
    converts, one rate each, without reading every event."""

    party = models.ForeignKey(Nation, on_delete=models.PROTECT, related_name="+")
    counts_as = models.CharField(max_length=12, choices=Kind.choices)
    currency = models.CharField(max_length=3, blank=True)
    value_date = models.DateField()
    counted = models.BooleanField()
    item = models.CharField(max_length=200, blank=True)
    amount_minor = models.BigIntegerField(default=0)
    quantity = models.BigIntegerField(default=0)
    events = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["party", "counts_as", "currency", "value_date", "counted", "item"],
                name="ledger_daysum_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.party_id} {self.counts_as} {self.currency} {self.value_date}"


class LinkScope(models.TextChoices):
    """What the record that counts an event is: the same aid recorded again, or a total that holds it."""

    RECORD = "record", _("The same aid, recorded by another source")
    TOTAL = "total", _("Inside a total of another source")


class LinkState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class LinkBasis(models.TextChoices):
    PROPOSAL = "proposal", _("Proposed by veille (donor, date and amount)")
    MARK = "mark", _("Marked by the tracker")
    COORDINATOR = "coordinator", _("Linked by a coordinator")


class LedgerLink(models.Model):
    """``event`` (a PURL commitment, say) is money that ``counted_in`` (the Kiel tracker's record of
    the same donor) counts too: totals that would hold both count the overlap once.

    Not an event: a reconciliation of two events, proposed by veille (same donor, dates and amounts
    within a stated window and tolerance), marked by the tracker itself, or linked by a coordinator;
    a proposal counts only once a coordinator confirms it. The overlap is derived at report time
    (:mod:`veille.ledger.links.queries`): the event's current size, converted to the record's currency
    at the event's value date, never more than the record's current size. Every change is audited;
    ``decided_at`` lets a report "as of" a past instant use only the links confirmed by then.
    """

    event = models.ForeignKey(LedgerEvent, on_delete=models.PROTECT, related_name="links_counted_elsewhere")
    counted_in = models.ForeignKey(LedgerEvent, on_delete=models.PROTECT, related_name="links_counting")
    party = models.ForeignKey(Nation, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=8, choices=LinkScope.choices)
    basis = models.CharField(max_length=12, choices=LinkBasis.choices)
    state = models.CharField(max_length=10, choices=LinkState.choices)
    tolerance_pct = models.DecimalField(max_digits=5, decimal_places=2)
    window_days = models.PositiveIntegerField()
    difference_pct = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, help_text=_("How far the amounts differed.")
    )
    note = models.TextField(blank=True)
    proposed_at = models.DateTimeField()
    proposed_by = models.CharField(max_length=150)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["party", "proposed_at", "id"]
        constraints = [
            # An event is counted in at most one other record at a time (a rejected proposal frees it).
            models.UniqueConstraint(
                fields=["event"], condition=~models.Q(state="rejected"), name="ledger_link_once"
            ),
        ]
        indexes = [models.Index(fields=["counted_in", "state"], name="ledger_link_record_idx")]

    def __str__(self) -> str:
        return f"#{self.event_id} counted in #{self.counted_in_id} ({self.state})"
