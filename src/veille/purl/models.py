"""PURL's tables: requirement lists and their approval trail, packages and their versions,
contributions (linked to the ledger, where the money lives), shipments. (Notifications are the
shared :mod:`veille.notices`.)

Invariants kept here or in :mod:`veille.purl.services`:

* a list's items change only while it is a draft (or returned); after approval only through an
  :class:`Amendment`, which reopens the approvals it affects (:mod:`veille.purl.workflow`);
* the quantities of an item placed in packages never exceed the item's quantity; what is shipped
  of a package item never exceeds what the package holds;
* money (pledges, commitments, allocations) is never stored here: :class:`FundingEvent` links a
  contribution to its ledger events, whose sizes, currencies and value dates are the ledger's;
* statuses (funded, delivered) are derived from quantities and ledger figures, never stored.
  The approval ``state`` of a list is the workflow's position, not a status of quantities.
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veille.nations.access import Releasable
from veille.nations.models import Nation


class Category(models.TextChoices):
    AIR_DEFENCE = "air_defence", _("Air defence")
    ARTILLERY = "artillery", _("Artillery ammunition")
    ARMOUR = "armour", _("Armour")
    DRONES = "drones", _("Drones")
    ELECTRONIC_WARFARE = "electronic_warfare", _("Electronic warfare")
    SPARE_PARTS = "spare_parts", _("Spare parts")
    OTHER = "other", _("Other")


class ListState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_NATO = "awaiting_nato", _("Awaiting NATO")
    AWAITING_USA = "awaiting_usa", _("Awaiting the United States")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Step(models.TextChoices):
    UKR = "UKR", _("Ukraine")
    NATO = "NATO", _("NATO")
    USA = "USA", _("United States")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")
    AMEND = "amend", _("Amended")


class RequirementList(Releasable):
    """Ukraine's ranked requirements for one month."""

    month = models.DateField(unique=True, help_text=_("First day of the month the list is for."))
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=16, choices=ListState.choices, default=ListState.DRAFT)
    round = models.CharField(max_length=20, blank=True, help_text=_("Steps of the current approval round."))
    version = models.PositiveIntegerField(default=1)
    synthetic = models.BooleanField(default=False, help_text=_("Generated demo data, not a real list."))
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.title


class RequirementItem(models.Model):
    requirement_list = models.ForeignKey(RequirementList, on_delete=models.PROTECT, related_name="items")
    rank = models.PositiveIntegerField()
    category = models.CharField(max_length=20, choices=Category.choices)
    description = models.CharField(max_length=300)
    quantity = models.PositiveIntegerField()
    unit = models.CharField(max_length=40)
    unit_cost_usd = models.DecimalField(max_digits=18, decimal_places=2)
    cost_source = models.CharField(max_length=500)
    justification = models.TextField()
    active = models.BooleanField(default=True, help_text=_("False once an amendment removed it."))

    class Meta:
        ordering = ["requirement_list", "-active", "rank", "id"]

    def __str__(self) -> str:
        return f"{self.rank}. {self.description}"

    @property
    def estimated_cost_usd(self) -> object:
        return self.unit_cost_usd * self.quantity


class Amendment(models.Model):
    """A change of an approved list: what changed, why, and which approvals it reopened."""

    requirement_list = models.ForeignKey(RequirementList, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveIntegerField()
    reason = models.TextField()
    changes = models.JSONField(default=list)
    reopened = models.CharField(max_length=20)
    at = models.DateTimeField()
    by = models.CharField(max_length=150)

    class Meta:
        ordering = ["requirement_list", "number"]
        constraints = [
            models.UniqueConstraint(fields=["requirement_list", "number"], name="purl_amendment_once")
        ]

    def __str__(self) -> str:
        return f"amendment {self.number} of list {self.requirement_list_id}"


class Approval(models.Model):
    """One entry of the approval trail: a step's decision with its comment."""

    requirement_list = models.ForeignKey(RequirementList, on_delete=models.PROTECT, related_name="trail")
    step = models.CharField(max_length=4, choices=Step.choices)
    decision = models.CharField(max_length=8, choices=Decision.choices)
    comment = models.TextField(blank=True)
    list_version = models.PositiveIntegerField()
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    by = models.CharField(max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["requirement_list", "at", "id"]

    def __str__(self) -> str:
        return f"{self.step} {self.decision} list {self.requirement_list_id}"


class Origin(models.TextChoices):
    WORKFLOW = "workflow", _("PURL workflow")
    ANNOUNCEMENT = "announcement", _("Public announcement")


class Package(Releasable):
    """A package of about 500 million USD: approved items (workflow) or an announced package."""

    number = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200, unique=True)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.WORKFLOW)
    target_usd = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # What an announcement said of the package as a whole (joint packages), exactly as published.
    announced_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    announced_currency = models.CharField(max_length=3, blank=True)
    announced_on = models.DateField(null=True, blank=True)
    announced_by = models.CharField(max_length=400, blank=True, help_text=_("Joint members, |DNK|EST|…|"))
    source = models.CharField(max_length=1000, blank=True)
    note = models.TextField(blank=True)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    # A coordinator releases the package's total funding to its recipient (the owner nation), who
    # may not see the contributions themselves (releasable to NATO): the total, never who gave what.
    funding_released_at = models.DateTimeField(null=True, blank=True)
    funding_released_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name

    evidence_name = _("PURL package")  # how the Council's evidence names it

    def get_absolute_url(self) -> str:
        return f"/purl/packages/{self.pk}/"

    @property
    def joint_members(self) -> list[str]:
        return [c for c in self.announced_by.split("|") if c]


class PackageItem(models.Model):
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="items")
    item = models.ForeignKey(RequirementItem, on_delete=models.PROTECT, related_name="package_items")
    quantity = models.PositiveIntegerField()
    unit_cost_usd = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["package", "item__rank", "id"]
        constraints = [models.UniqueConstraint(fields=["package", "item"], name="purl_item_once_per_package")]

    def __str__(self) -> str:
        return f"{self.quantity} x item {self.item_id} in package {self.package_id}"


class PackageVersion(models.Model):
    """Every state a package had: its value, target and composition, who changed it and why."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    value_usd = models.DecimalField(max_digits=18, decimal_places=2)
    target_usd = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    composition = models.JSONField(default=list)
    reason = models.CharField(max_length=300)
    at = models.DateTimeField()
    by = models.CharField(max_length=150)

    class Meta:
        ordering = ["package", "version"]
        constraints = [models.UniqueConstraint(fields=["package", "version"], name="purl_package_version")]

    def __str__(self) -> str:
        return f"package {self.package_id} v{self.version}"


class Contribution(Releasable):
    """A nation's pledge or commitment to a package, or to PURL in general. The amounts are the
    ledger's (:class:`FundingEvent`); an announcement without an amount has no ledger event."""

    nation = models.ForeignKey(Nation, on_delete=models.PROTECT, related_name="+")
    package = models.ForeignKey(
        Package, null=True, blank=True, on_delete=models.PROTECT, related_name="contributions"
    )
    currency = models.CharField(max_length=3, blank=True)
    share_pct = models.DecimalField(
        max_digits=7, decimal_places=4, null=True, blank=True, help_text=_("Share of a joint package")
    )
    joint_with = models.CharField(max_length=400, blank=True, help_text=_("Other funders, |DEU|POL|"))
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.WORKFLOW)
    amount_unknown = models.BooleanField(default=False)
    announced_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=1000, blank=True)
    where = models.CharField(max_length=200, blank=True, help_text=_("File and row of an announcement"))
    key = models.CharField(
        max_length=64, blank=True, db_index=True, help_text=_("Natural key of an announcement")
    )
    repeat_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
        help_text=_("The announcement this one repeats (counted once)."),
    )
    note = models.TextField(blank=True)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.nation_id} → {self.package or 'PURL'}"


class Role(models.TextChoices):
    PLEDGE = "pledge", _("Pledge")
    COMMITMENT = "commitment", _("Commitment")
    ALLOCATION = "allocation", _("Allocation")


class FundingEvent(models.Model):
    """A ledger event of a contribution; an allocation also names the package it funds."""

    contribution = models.ForeignKey(Contribution, on_delete=models.PROTECT, related_name="events")
    event = models.OneToOneField("ledger.LedgerEvent", on_delete=models.PROTECT, related_name="purl_link")
    role = models.CharField(max_length=10, choices=Role.choices)
    package = models.ForeignKey(
        Package, null=True, blank=True, on_delete=models.PROTECT, related_name="funding_events"
    )

    class Meta:
        ordering = ["event_id"]

    def __str__(self) -> str:
        return f"{self.role} #{self.event_id}"


class ShipmentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """A shipment is seen by whoever may see its package."""
        return self.filter(package_item__package__in=Package.objects.visible_to(user))


class Shipment(models.Model):
    """Part of a package item sent to Ukraine through a hub; Ukraine's editors confirm receipt."""

    package_item = models.ForeignKey(PackageItem, on_delete=models.PROTECT, related_name="shipments")
    quantity = models.PositiveIntegerField()
    hub = models.CharField(max_length=120)
    shipped_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)
    received_on = models.DateField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.CharField(max_length=150, blank=True)
    receipt_note = models.TextField(blank=True)
    received_quantity = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("How many arrived (all, unless the receipt says fewer).")
    )
    synthetic = models.BooleanField(default=False)
    # The ledger's materiel events of this delivery (a pooled shipment of the package, its receipt).
    ledger_event = models.OneToOneField(
        "ledger.LedgerEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="purl_shipment"
    )
    receipt_event = models.OneToOneField(
        "ledger.LedgerEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="purl_receipt"
    )

    objects = ShipmentQuerySet.as_manager()
    evidence_name = _("PURL delivery")  # how the Council's evidence names it

    class Meta:
        ordering = ["shipped_on", "id"]

    def __str__(self) -> str:
        return f"{self.quantity} of package item {self.package_item_id} via {self.hub}"

    def get_absolute_url(self) -> str:
        return f"/purl/packages/{self.package_item.package_id}/#shipment-{self.pk}"

    @property
    def received(self) -> int:
        """How many of it Ukraine confirmed (0 until the receipt)."""
        if self.received_on is None:
            return 0
        return self.quantity if self.received_quantity is None else self.received_quantity


class AnnouncementFile(models.Model):
    """One imported file of the public record."""

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    rows = models.PositiveIntegerField()
    imported_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.file_name}"
