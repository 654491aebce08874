"""Products, producers and sites; stated capacity figures, contracts and input requirements.

Invariants kept here:

* a figure is never changed or deleted once stored (``save`` on a stored figure and ``delete``
  raise): a new announcement is a new row, a corrected row of a dataset is a new *revision* of its
  ``ref`` and the earlier revision stays;
* quantities are kept as stated, with the unit as stated; money is an amount and its ISO currency;
* figures are public unless an editor records them otherwise (``Releasable``).
"""

from __future__ import annotations

from typing import Any, Self

from django.db import models
from django.utils.translation import gettext_lazy as _

from veille.core.errors import Conflict
from veille.nations.access import Releasability, Releasable, ReleasableQuerySet
from veille.nations.models import Nation


class Category(models.TextChoices):
    MUNITION = "munition", _("Munition")
    INTERCEPTOR = "interceptor", _("Interceptor")
    AIR_DEFENCE_SYSTEM = "air_defence_system", _("Air-defence system")
    ENERGETICS = "energetics", _("Energetics")
    ROCKET = "rocket", _("Rocket")


class Kind(models.TextChoices):
    ACTUAL_CAPACITY = "actual_capacity", _("Capacity reached")
    TARGET_CAPACITY = "target_capacity", _("Target")
    PRODUCTION_ACTUAL = "production_actual", _("Production")
    CONTRACT = "contract", _("Contract")
    INVESTMENT = "investment", _("Investment")


class Bound(models.TextChoices):
    NONE = "", _("as stated")
    RANGE_LOWER = "range_lower", _("lower bound of a range")
    UPPER_BOUND = "upper_bound", _("upper bound")
    INCREMENT = "increment", _("increment, not a total")


class SubjectKind(models.TextChoices):
    SITE = "site", _("Site")
    COMPANY = "company", _("Company")
    NATION = "nation", _("Nation")
    GROUP = "group", _("Several nations")
    EU = "eu", _("European Union")
    EUROPE = "europe", _("Europe")
    ALLIANCE = "alliance", _("NATO")


class DataFile(models.Model):
    """One imported file, stored once per SHA-256."""

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    licence = models.CharField(max_length=300)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.sha256[:12]})"


class Product(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True, help_text=_("As the sources name it"))
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    family = models.CharField(
        max_length=120, help_text=_("Labels that count the same thing at another precision share a family")
    )

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class Producer(models.Model):
    name = models.CharField(max_length=120, unique=True)
    nation = models.ForeignKey(Nation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """A plant or place named by a source. Coordinates only with the source they come from."""

    name = models.CharField(max_length=120, unique=True)
    producer = models.ForeignKey(
        Producer, null=True, blank=True, on_delete=models.PROTECT, related_name="sites"
    )
    nation = models.ForeignKey(Nation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lat = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    lon = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    coordinates_source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FigureQuerySet(ReleasableQuerySet):
    def current(self) -> Self:
        """The latest revision of each ``ref`` (earlier revisions stay stored and listed)."""
        newer = CapacityFigure.objects.filter(
            ref=models.OuterRef("ref"), revision__gt=models.OuterRef("revision")
        )
        return self.exclude(models.Exists(newer))


class CapacityFigure(Releasable):
    """One figure as a source stated it: who it speaks of, for which product, what kind, how much."""

    ref = models.CharField(
        max_length=24, help_text=_("The dataset's row id (IND-001) or a recorded figure's id")
    )
    revision = models.PositiveSmallIntegerField(default=1)
    data_file = models.ForeignKey(DataFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="figures")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    quantity = models.DecimalField(max_digits=24, decimal_places=4)
    raw = models.CharField(max_length=40, help_text=_("The quantity exactly as read"))
    unit = models.CharField(max_length=30)
    bound = models.CharField(max_length=12, choices=Bound.choices, blank=True, default="")
    period_label = models.CharField(max_length=120, blank=True)
    target_date = models.CharField(max_length=10, blank=True, help_text=_("YYYY, YYYY-MM or YYYY-MM-DD"))
    stated = models.CharField(max_length=10, help_text=_("When the figure was said: YYYY-MM or YYYY-MM-DD"))
    stated_on = models.DateField(help_text=_("The last day of the statement's date, from which it is known"))
    subject_kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    subject_label = models.CharField(max_length=120)
    nation = models.ForeignKey(Nation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    producer = models.ForeignKey(
        Producer, null=True, blank=True, on_delete=models.PROTECT, related_name="figures"
    )
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="figures")
    actor = models.CharField(max_length=200)
    actor_type = models.CharField(max_length=20)
    country = models.CharField(max_length=80, blank=True, help_text=_("As the dataset gives it"))
    source_title = models.CharField(max_length=400)
    source_url = models.CharField(max_length=600)
    source_date = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.CharField(max_length=150)

    objects = FigureQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ref", "revision"], name="industry_figure_revision_once")
        ]
        indexes = [models.Index(fields=["product", "kind"]), models.Index(fields=["ref"])]
        ordering = ["ref", "revision"]

    def __str__(self) -> str:
        return f"{self.ref} {self.product_id} {self.raw} {self.unit}"

    @property
    def subject_key(self) -> str:
        return f"{self.subject_kind}:{self.subject_label}"

    @property
    def is_public(self) -> bool:
        return self.releasable_to == Releasability.PUBLIC

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Conflict(f"{self.ref} is stored: figures are never changed; record a new one", field="ref")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Conflict(f"{self.ref} is stored: figures are never deleted", field="ref")


class Contradiction(models.Model):
    """Figures that sources state differently, kept side by side (the dataset's list)."""

    number = models.PositiveSmallIntegerField(unique=True)
    refs = models.CharField(max_length=200, help_text=_("Row ids separated by spaces"))
    what = models.TextField()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}: {self.refs}"

    @property
    def ref_list(self) -> list[str]:
        return self.refs.split()


class BuyerKind(models.TextChoices):
    NATION = "nation", _("Nation")
    NSPA = "nspa", _("NSPA")
    EU = "eu", _("EU joint procurement")
    JOINT = "joint", _("Several nations")
    NOT_STATED = "", _("not stated in the row")


class Contract(Releasable):
    """An order for a product: buyer, supplier, quantity or value, signing date; tied to its figure."""

    figure = models.OneToOneField(
        CapacityFigure, null=True, blank=True, on_delete=models.PROTECT, related_name="contract"
    )
    ref = models.CharField(max_length=24, db_index=True, help_text=_("Its figure's ref"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="contracts")
    buyer_kind = models.CharField(max_length=8, choices=BuyerKind.choices, blank=True)
    buyer_label = models.CharField(max_length=120, blank=True)
    buyer_nation = models.ForeignKey(
        Nation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supplier = models.ForeignKey(
        Producer, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    quantity = models.DecimalField(max_digits=20, decimal_places=3, null=True, blank=True)
    quantity_unit = models.CharField(max_length=12, blank=True)
    value_amount = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    value_currency = models.CharField(max_length=3, blank=True)
    signed = models.CharField(max_length=10)
    signed_on = models.DateField()
    delivery_label = models.CharField(max_length=120, blank=True)

    evidence_name = _("industry contract")  # how the Council's evidence names it

    class Meta:
        ordering = ["-signed_on", "ref"]

    def __str__(self) -> str:
        return self.ref

    def get_absolute_url(self) -> str:
        return f"/industry/contracts/#c-{self.ref}"

    @property
    def value(self) -> Any:
        from veille.core.money import Money

        if self.value_amount is None:
            return None
        return Money(self.value_amount, self.value_currency)


class DeliveryLine(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="deliveries")
    due = models.CharField(max_length=10)
    due_on = models.DateField()
    quantity = models.DecimalField(max_digits=20, decimal_places=3)

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.due}: {self.quantity}"


class Input(models.Model):
    """What products are made of (explosive fill, propellant powder), with the unit of its capacity."""

    name = models.CharField(max_length=120, unique=True)
    unit = models.CharField(max_length=20, default="tonnes")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InputRequirement(models.Model):
    """How much of an input a unit of product takes, as a source published it."""

    ref = models.CharField(max_length=24, unique=True)
    data_file = models.ForeignKey(DataFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="requirements")
    input = models.ForeignKey(Input, on_delete=models.PROTECT, related_name="requirements")
    quantity = models.DecimalField(max_digits=20, decimal_places=6)
    unit = models.CharField(
        max_length=60, help_text=_("As published: 'kg per shell', 'tonnes per 500000 charges'")
    )
    per_unit_tonnes = models.DecimalField(max_digits=20, decimal_places=12)
    conversion = models.CharField(max_length=200)
    source_title = models.CharField(max_length=400)
    source_url = models.CharField(max_length=600)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["ref"]

    def __str__(self) -> str:
        return f"{self.product_id} ← {self.quantity} {self.unit} {self.input_id}"

    @property
    def conversion_of(self) -> Any:
        """The ratio's arithmetic (a :class:`veille.core.industry.Conversion`), for pages to write in
        their reader's format; ``None`` when its unit is not one veille reads."""
        from veille.core.errors import VeilleError
        from veille.core.industry import per_unit_tonnes

        try:
            return per_unit_tonnes(self.quantity, self.unit)
        except VeilleError:
            return None


class CategoryMapping(models.Model):
    """Which products answer a PURL requirement category; coordinators edit it."""

    purl_category = models.CharField(max_length=40)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="mappings")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["purl_category", "product"], name="industry_mapping_once")
        ]
        ordering = ["purl_category", "product__name"]

    def __str__(self) -> str:
        return f"{self.purl_category} → {self.product_id}"
