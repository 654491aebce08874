"""Support to Ukraine as published by trackers: releases and the figures read from them.

All of it is public data. Each figure keeps the release it came from and where in the file (JSON
path, or sheet and row); figures that are events (a donor's allocation or commitment) are also
posted to the ledger, linked here by ``ledger_event``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from veille.nations.models import Nation


class AidType(models.TextChoices):
    MILITARY = "military", _("Military")
    FINANCIAL = "financial", _("Financial")
    HUMANITARIAN = "humanitarian", _("Humanitarian")


class Basis(models.TextChoices):
    ALLOCATION = "allocation", _("Allocations")
    COMMITMENT = "commitment", _("Commitments")


class TrackerRelease(models.Model):
    """One imported file of a tracker release (the summary or the full workbook)."""

    tracker = models.CharField(max_length=40, default="kiel")
    number = models.PositiveIntegerField()
    kind = models.CharField(
        max_length=10, choices=[("summary", _("Release summary")), ("workbook", _("Full workbook"))]
    )
    last_updated = models.DateField(null=True, blank=True)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    source_name = models.CharField(max_length=200)
    source_url = models.URLField(blank=True)
    licence = models.CharField(max_length=200)
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-number", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["tracker", "number", "kind"], name="support_release_once")
        ]

    def __str__(self) -> str:
        return f"{self.source_name}, release {self.number} ({self.kind})"


class DonorFigure(models.Model):
    """A donor's support of one type: for the whole release (``month`` empty) or one activity."""

    release = models.ForeignKey(TrackerRelease, on_delete=models.PROTECT, related_name="donor_figures")
    donor = models.ForeignKey(Nation, on_delete=models.PROTECT, related_name="+")
    aid_type = models.CharField(max_length=12, choices=AidType.choices)
    basis = models.CharField(max_length=10, choices=Basis.choices)
    announced = models.DateField(
        null=True, blank=True, help_text=_("Announcement date, when the record has one")
    )
    measure = models.CharField(
        max_length=200, blank=True, help_text=_("Kind of aid, as the tracker names it")
    )
    currency = models.CharField(max_length=3, default="EUR", help_text=_("Currency the donor reported in"))
    value = models.DecimalField(
        max_digits=22, decimal_places=2, null=True, blank=True, help_text=_("Value in the reporting currency")
    )
    value_eur = models.DecimalField(max_digits=22, decimal_places=2, null=True, blank=True)
    item = models.CharField(max_length=300, blank=True)
    where = models.CharField(max_length=300, help_text=_("Where in the file: JSON path, or sheet and row"))
    ledger_event = models.ForeignKey(
        "ledger.LedgerEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purl_funded = models.BooleanField(
        default=False, help_text=_("The tracker marks the record as funded through PURL.")
    )

    class Meta:
        ordering = ["release", "donor", "aid_type"]
        indexes = [models.Index(fields=["release", "aid_type", "basis"], name="support_fig_idx")]

    def __str__(self) -> str:
        return f"{self.donor_id} {self.aid_type} {self.basis} {self.value_eur} EUR"


class MonthFigure(models.Model):
    """All donors' allocations of one type in one month."""

    release = models.ForeignKey(TrackerRelease, on_delete=models.PROTECT, related_name="month_figures")
    month = models.DateField()
    aid_type = models.CharField(max_length=12, choices=AidType.choices)
    value_eur = models.DecimalField(max_digits=22, decimal_places=2)
    where = models.CharField(max_length=300)

    class Meta:
        ordering = ["month", "aid_type"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.aid_type} {self.value_eur} EUR"


class WeaponFigure(models.Model):
    """Military allocations by weapon category, overall (``donor`` empty) or for one donor."""

    release = models.ForeignKey(TrackerRelease, on_delete=models.PROTECT, related_name="weapon_figures")
    donor = models.ForeignKey(Nation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=100)
    value_eur = models.DecimalField(max_digits=22, decimal_places=2)
    records = models.PositiveIntegerField(null=True, blank=True)
    where = models.CharField(max_length=300)

    class Meta:
        ordering = ["-value_eur"]

    def __str__(self) -> str:
        return f"{self.donor_id or 'all'} {self.category} {self.value_eur} EUR"
