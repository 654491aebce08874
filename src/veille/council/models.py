"""The NATO-Ukraine Council's records: meetings → decisions → actions → evidence; the milestones of
NSATU, JATEC, PURL and the CAP; who edits for which body; notices (on veille.notices).

Invariants kept here or in :mod:`veille.council.services`:

* no meeting before the Council existed (12 July 2023); one meeting a day (its key ``nuc-DATE``);
* an action's status (open, in progress, done, overdue) is never stored: it is derived from its due
  date and its evidence (:mod:`veille.core.actions`);
* evidence that points at one of veille's records names it generically (content type and id),
  only among the models the apps offer as evidence (:mod:`veille.council.evidence`);
* every row read from a public source keeps that source, its class (official, press, state news
  agency, aggregator) and the file and row it came from.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from veille.core import statements
from veille.nations.access import Releasable


class Level(models.TextChoices):
    HEADS_OF_STATE = "heads_of_state", _("Heads of state and government")
    FOREIGN_MINISTERS = "foreign_ministers", _("Foreign ministers")
    DEFENCE_MINISTERS = "defence_ministers", _("Defence ministers")
    AMBASSADORS = "ambassadors", _("Ambassadors")
    POLITICAL_ADVISERS = "political_advisers", _("Political advisers")


class SourceClass(models.TextChoices):
    OFFICIAL = statements.OFFICIAL, _("Official")
    PRESS = statements.PRESS, _("Press")
    STATE_AGENCY = statements.STATE_AGENCY, _("State news agency (lower confidence)")
    AGGREGATOR = statements.AGGREGATOR, _("Aggregator or copy (lower confidence)")


class SourceFile(models.Model):
    """One imported file of the shipped data: its name, SHA-256 and rows."""

    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "-imported_at"]
        constraints = [models.UniqueConstraint(fields=["name", "sha256"], name="council_sourcefile_once")]

    def __str__(self) -> str:
        return self.name


class Sourced(models.Model):
    """A row that rests on one public page."""

    source_title = models.CharField(max_length=500, blank=True)
    source_url = models.CharField(max_length=1000, blank=True)
    source_class = models.CharField(max_length=12, choices=SourceClass.choices, default=SourceClass.PRESS)
    source_reasons = models.TextField(blank=True, help_text=_("Why the source has its class"))
    where = models.CharField(max_length=200, blank=True, help_text=_("File and row it was read from"))

    class Meta:
        abstract = True

    @property
    def lower_confidence(self) -> bool:
        return self.source_class in statements.LOWER_CONFIDENCE


class Meeting(Releasable, Sourced):
    key = models.CharField(max_length=40, unique=True, help_text=_("nuc-YYYY-MM-DD"))
    date = models.DateField(db_index=True)
    level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    chair = models.CharField(max_length=200, blank=True)
    occasion = models.TextField(blank=True)
    requested_by_ukraine = models.BooleanField(
        null=True, help_text=_("Emergency meeting at Ukraine's request (empty: not stated)")
    )
    location = models.CharField(max_length=120, blank=True)
    topics = models.TextField(blank=True, help_text=_("Semicolon-separated"))
    statement = models.TextField(blank=True, help_text=_("What was stated or decided, as reported"))
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"NUC {self.date.isoformat()}"

    def get_absolute_url(self) -> str:
        return f"/council/meetings/{self.pk}/"

    @property
    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.split(";") if t.strip()]


class MeetingSource(Sourced):
    """A further page that backs (or contradicts) fields of a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sources")
    supports = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.supports}"


class Decision(Releasable, Sourced):
    key = models.CharField(max_length=40, unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField()
    owner_text = models.CharField(max_length=300, blank=True, help_text=_("Responsible body as stated"))
    due_text = models.CharField(max_length=200, blank=True, help_text=_("Deadline as stated"))
    status_text = models.TextField(blank=True, help_text=_("What later sources say, as published"))
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["meeting__date", "key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return f"/council/decisions/{self.pk}/"


class Action(Releasable):
    """A task given to one body, from a Council decision or a lesson (the lesson links to it)."""

    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    title = models.CharField(max_length=300)
    owner = models.CharField(
        max_length=8, db_index=True, help_text=_("NSATU, JATEC, CAP, PURL, NATO or a nation")
    )
    due = models.DateField(null=True, blank=True, db_index=True)
    tasked_on = models.DateField()
    note = models.TextField(blank=True)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/council/actions/{self.pk}/"


class Evidence(models.Model):
    """What shows progress on an action: a record of veille, a public link, or a note; ``completes``
    says that it shows the action done."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="evidence")
    day = models.DateField()
    completes = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    url = models.CharField(max_length=1000, blank=True)
    record_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record_id = models.CharField(max_length=40, blank=True)
    synthetic = models.BooleanField(default=False)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["action", "day", "id"]

    def __str__(self) -> str:
        return f"evidence {self.pk} of action {self.action_id}"


class MilestoneBody(models.TextChoices):
    NUC = "NUC", _("NATO-Ukraine Council")
    NSATU = "NSATU", "NSATU"
    JATEC = "JATEC", "JATEC"
    PURL = "PURL", "PURL"
    CAP = "CAP", _("Comprehensive Assistance Package")
    LESSONS = "LessonsLearned", _("Lessons learned")


class Milestone(Sourced):
    key = models.CharField(max_length=40, unique=True)
    date = models.DateField(db_index=True, help_text=_("First day the stated date can mean"))
    precision = models.CharField(max_length=5, default="day")
    body = models.CharField(max_length=16, choices=MilestoneBody.choices)
    text = models.TextField()

    class Meta:
        ordering = ["date", "key"]

    def __str__(self) -> str:
        return f"{self.key} {self.body}"

    @property
    def date_label(self) -> str:
        if self.precision == "year":
            return f"{self.date:%Y}"
        if self.precision == "month":
            return f"{self.date:%Y-%m}"
        return self.date.isoformat()


class BodyMember(models.Model):
    """A user who edits for a NATO body (NSATU, JATEC …), given the editor role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bodies")
    body = models.CharField(max_length=8)
    since = models.DateTimeField()

    class Meta:
        ordering = ["body", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "body"], name="council_body_member_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.body}"
