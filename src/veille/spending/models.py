"""Published spending figures with their provenance, and nations' plans for the Hague pledge.

Invariants kept here: a source file is stored once per kind and SHA-256; a figure belongs to one
source and is unique there for its measure, entity, price base, year and edition; a national plan is
never changed once recorded — a new version is recorded instead, and every version is kept.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veille.nations.access import Releasable
from veille.nations.models import Nation
from veille.spending.workbooks import MEASURES


class SourceKind(models.TextChoices):
    NATO = "nato", _("NATO, Defence Expenditure of NATO Countries (official)")
    SIPRI = "sipri", _("SIPRI Military Expenditure Database (SIPRI's definition)")
    PRESS = "press", _("NATO figures transcribed from press reports (lower confidence)")


class Source(models.Model):
    """One imported file: what it is, whose, which edition, under which licence, and its hash."""

    kind = models.CharField(max_length=8, choices=SourceKind.choices)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    publisher = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    edition = models.CharField(max_length=120, blank=True)
    edition_date = models.DateField(null=True, blank=True)
    licence = models.CharField(max_length=300)
    url = models.URLField(max_length=300, blank=True)
    confidence = models.CharField(max_length=12)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "sha256"], name="spending_source_once")]
        ordering = ["kind", "-edition_date", "-imported_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.edition or self.file_name})"


class Figure(models.Model):
    """One published number, as printed, with the sheet, table and cell (or row) it was read from."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="figures")
    nation = models.ForeignKey(Nation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entity = models.CharField(max_length=80, help_text=_("The country or aggregate as the source names it"))
    aggregate = models.CharField(
        max_length=12, blank=True, help_text=_("NATO or NATO-EUCA for aggregate lines")
    )
    year = models.PositiveSmallIntegerField()
    measure = models.CharField(max_length=32, choices=list(MEASURES.items()))
    price_base = models.CharField(max_length=8, blank=True)
    value = models.DecimalField(max_digits=32, decimal_places=14)
    raw = models.CharField(max_length=40, help_text=_("The value exactly as read from the file"))
    scale = models.PositiveSmallIntegerField(default=1, help_text=_("value = raw times scale"))
    unit = models.CharField(max_length=40)
    estimate = models.BooleanField(default=False)
    uncertain = models.BooleanField(default=False)
    sheet = models.CharField(max_length=40, blank=True)
    table = models.CharField(max_length=160, blank=True)
    cell = models.CharField(max_length=20)
    currency = models.CharField(max_length=40, blank=True)
    marker = models.CharField(max_length=20, blank=True)
    source_url = models.URLField(max_length=300, blank=True)
    note = models.CharField(max_length=300, blank=True)
    edition = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "measure", "entity", "price_base", "year", "edition"],
                name="spending_figure_once",
            )
        ]
        indexes = [models.Index(fields=["measure", "year"]), models.Index(fields=["nation", "measure"])]
        ordering = ["measure", "entity", "year"]

    def __str__(self) -> str:
        return f"{self.entity} {self.year} {self.measure} = {self.raw}"

    @property
    def exact(self) -> Decimal:
        """The published number at full precision (a database may keep fewer digits of ``value``)."""
        return Decimal(self.raw.replace(",", "")) * self.scale

    @property
    def where(self) -> str:
        return " · ".join(
            p for p in (self.sheet, self.table if self.table.startswith("Table") else "", self.cell) if p
        )


class NationalPlan(Releasable):
    """A version of a nation's annual plan towards the pledge. Recording again adds a version."""

    nation = models.ForeignKey(Nation, on_delete=models.PROTECT, related_name="spending_plans")
    version = models.PositiveIntegerField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    source = models.CharField(
        max_length=300, help_text=_("Where the plan is published (a URL or a reference)")
    )
    credible = models.BooleanField()
    reasons = models.JSONField(default=list, blank=True)
    review_year = models.PositiveSmallIntegerField()
    on_path_at_review = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nation", "version"], name="spending_plan_version_once")
        ]
        ordering = ["nation_id", "-version"]

    def __str__(self) -> str:
        return f"{self.nation_id} plan v{self.version}"

    @property
    def reasons_shown(self) -> list[str]:
        """The reasons in the reader's language (they are stored as they were written)."""
        from veille.spending.reasons import shown_all

        return shown_all(self.reasons)


class PlanYear(models.Model):
    plan = models.ForeignKey(NationalPlan, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField()
    core_pct = models.DecimalField(max_digits=5, decimal_places=2)
    resilience_pct = models.DecimalField(max_digits=5, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="spending_plan_year_once")]
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.core_pct} + {self.resilience_pct}"
