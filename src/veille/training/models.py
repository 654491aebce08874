"""Training of Ukrainian personnel: programmes, the nations that host them, cohorts, and the public
figures of people trained as dated statements.

Invariants kept here or in :mod:`veille.training.services`: a cohort ends on or after the day it
starts and counts zero trainees or more; a stated figure is kept as stated, with its qualifier
("over 50,000" stays a lower bound) and its source; conflicting figures stay separate rows; a
host nation is listed only with the page that says so.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from veille.core import statements
from veille.council.models import Sourced
from veille.nations.access import Releasable
from veille.nations.models import Nation


class Programme(models.Model):
    name = models.CharField(max_length=120, unique=True)
    provider = models.CharField(max_length=200, blank=True)
    coordinated_by_nsatu = models.BooleanField(
        null=True, help_text=_("Empty: not stated by any source found")
    )
    coordination_source_title = models.CharField(max_length=500, blank=True)
    coordination_source_url = models.CharField(max_length=1000, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/training/programmes/{self.pk}/"


class Hosting(Sourced):
    """A nation where a programme trains, with the page that says so."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="hostings")
    nation = models.ForeignKey(Nation, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["programme", "nation"]
        constraints = [models.UniqueConstraint(fields=["programme", "nation"], name="training_hosting_once")]

    def __str__(self) -> str:
        return f"{self.programme} in {self.nation_id}"


class Qualifier(models.TextChoices):
    EXACT = statements.EXACT, _("as stated")
    LOWER_BOUND = statements.LOWER_BOUND, _("lower bound (over, more than)")
    APPROXIMATE = statements.APPROXIMATE, _("approximate (about, around)")
    NEARLY = statements.NEARLY, _("just below (nearly)")


class TrainedFigure(Sourced):
    """A number of Ukrainian personnel trained, as one source stated it on one day."""

    key = models.CharField(max_length=40, unique=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="figures")
    date = models.DateField(help_text=_("First day the stated date can mean"))
    precision = models.CharField(max_length=5, default="day")
    provider = models.CharField(max_length=200, blank=True)
    trained_count = models.PositiveIntegerField()
    qualifier = models.CharField(max_length=12, choices=Qualifier.choices)
    cumulative = models.BooleanField(default=True, help_text=_("False for people in training at the time"))
    period_label = models.CharField(max_length=300)
    note = models.TextField(blank=True)
    conflicts_with = models.CharField(
        max_length=200, blank=True, help_text=_("Rows the note says it conflicts with")
    )

    class Meta:
        ordering = ["programme", "date", "key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.trained_count}"

    @property
    def shown(self) -> str:
        return statements.shown(self.trained_count, self.qualifier)

    @property
    def date_label(self) -> str:
        if self.precision == "year":
            return f"{self.date:%Y}"
        if self.precision == "month":
            return f"{self.date:%Y-%m}"
        return self.date.isoformat()


class Cohort(Releasable):
    """People of one specialty trained together in one programme and host nation.
    ``owner_nation`` is the host nation."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    host = models.ForeignKey(Nation, on_delete=models.PROTECT, related_name="+")
    specialty = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    trainees = models.PositiveIntegerField()
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)

    evidence_name = _("training cohort")  # how the Council's evidence names it

    class Meta:
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.programme}: {self.specialty}, {self.starts_on:%Y-%m-%d} ({self.trainees})"

    def get_absolute_url(self) -> str:
        return f"/training/cohorts/{self.pk}/"
