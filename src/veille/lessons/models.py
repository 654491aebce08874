"""Lessons learned, following NATO's cycle: an observation is analysed, a lesson is identified from
it, a remedial action is tasked to a body (an action of :mod:`veille.council`), implemented,
validated, and the lesson is learned (:mod:`veille.lessons.cycle`).

Invariants kept here or in :mod:`veille.lessons.services`:

* observations and lessons are releasable records: pages, the API, exports and the search read them
  through ``visible_to(user)`` only; a lesson's public summary is a record of its own, released
  separately by a coordinator;
* the stage of an observation or lesson changes only through a step of the cycle, by the role that
  takes it, and each step is kept in :class:`CycleStep`;
* :class:`SearchDoc` holds the searchable text of each observation, lesson and public summary with
  the releasability of its record, written in the same transaction as the record.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from veille.nations.access import Releasable


class Domain(models.TextChoices):
    AIR_DEFENCE = "air_defence", _("Air defence")
    DRONES = "drones", _("Drones")
    ELECTRONIC_WARFARE = "electronic_warfare", _("Electronic warfare")
    LOGISTICS = "logistics", _("Logistics")
    MEDICAL = "medical", _("Medical")
    TRAINING = "training", _("Training")


class Stage(models.TextChoices):
    OBSERVED = "observed", _("Observed")
    ANALYSED = "analysed", _("Analysed")
    IDENTIFIED = "identified", _("Lesson identified")
    TASKED = "tasked", _("Remedial action tasked")
    IMPLEMENTED = "implemented", _("Implemented")
    VALIDATED = "validated", _("Validated")
    LEARNED = "learned", _("Lesson learned")


class Tagged(models.Model):
    domains = models.CharField(max_length=200, blank=True, help_text=_("Domains, stored as |drones|medical|"))

    class Meta:
        abstract = True

    @property
    def domain_list(self) -> list[str]:
        return [d for d in self.domains.split("|") if d]

    @property
    def domain_labels(self) -> list[str]:
        return [str(Domain(d).label) for d in self.domain_list if d in Domain.values]


class Lesson(Releasable, Tagged):
    title = models.CharField(max_length=300)
    text = models.TextField(help_text=_("The lesson identified: what should change, and why"))
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.IDENTIFIED, db_index=True)
    stage_since = models.DateTimeField()
    action = models.OneToOneField(
        "council.Action", null=True, blank=True, on_delete=models.PROTECT, related_name="lesson"
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/lessons/{self.pk}/"


class Observation(Releasable, Tagged):
    """What a nation's forces observed. ``owner_nation`` is the observing nation."""

    title = models.CharField(max_length=300)
    text = models.TextField()
    observed_on = models.DateField()
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.OBSERVED, db_index=True)
    stage_since = models.DateTimeField()
    analysis = models.TextField(blank=True)
    lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.PROTECT, related_name="observations"
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-observed_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/lessons/observations/{self.pk}/"


class PublicSummary(models.Model):
    """A lesson's summary released to the public; the lesson itself keeps its releasability."""

    lesson = models.OneToOneField(Lesson, on_delete=models.PROTECT, related_name="public_summary")
    title = models.CharField(max_length=300, help_text=_("A public title: the lesson's own may not be"))
    text = models.TextField()
    released_at = models.DateTimeField()
    released_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-released_at"]

    def __str__(self) -> str:
        return f"summary of lesson {self.lesson_id}"


class CycleStep(models.Model):
    """One step of the cycle taken: who, when, from which stage to which, with its note."""

    observation = models.ForeignKey(
        Observation, null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(max_length=12)
    from_stage = models.CharField(max_length=12, choices=Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField()
    by = models.CharField(max_length=150)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.step}: {self.from_stage} → {self.to_stage}"


class DocKind(models.TextChoices):
    OBSERVATION = "observation", _("Observation")
    LESSON = "lesson", _("Lesson")
    SUMMARY = "summary", _("Public summary")


class SearchDoc(Releasable):
    """The searchable text of one record, with that record's releasability (the search filters on
    it inside the query). The full-text index is the database's own: a generated ``tsvector``
    column with a GIN index on PostgreSQL, an FTS5 table kept by triggers on SQLite (migration 0002)."""

    kind = models.CharField(max_length=12, choices=DocKind.choices)
    ref_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField()
    domains = models.CharField(max_length=200, blank=True)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "ref_id"], name="lessons_searchdoc_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref_id}"
