"""The allied activity registry of the High North, and users' alert rules and alerts.

Invariants kept here (and checked by services): an activity belongs to one nation (its
``owner_nation``) unless it is an Alliance-level record; its area is a GeoJSON geometry in
WGS 84 (a polygon, a multipolygon, or a point with an optional radius) whose bounding box is
stored beside it so that bounding-box filters need no geometry engine in the database; a window
has a start and an end that may each be known to the day or only to the month, or not at all.
Alerts belong to one user and are never shared.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veille.nations.access import Releasable

#: The days an activity's window and its sources' dates may name: a date outside is a typing error
#: (``9999-12-31``), and the pages' arithmetic on days stays within the calendar.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


class Kind(models.TextChoices):
    EXERCISE = "exercise", _("Exercise")
    PATROL = "patrol", _("Patrol")
    DEPLOYMENT = "deployment", _("Deployment")
    AIR_POLICING = "air_policing", _("Air policing")
    SURVEILLANCE_FLIGHT = "surveillance_flight", _("Surveillance flight")
    PORT_VISIT = "port_visit", _("Port visit")


class Domain(models.TextChoices):
    AIR = "air", _("Air")
    MARITIME = "maritime", _("Maritime")
    LAND = "land", _("Land")
    SPACE = "space", _("Space")
    CYBER = "cyber", _("Cyber")


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")


class Activity(Releasable):
    """A nation's activity in the High North: what, where, when, with what, under whom, and the
    public or national sources it rests on."""

    # Keys are scoped per owner nation (and the Alliance's own records apart): a key taken in another
    # nation's records, which the writer may not see, never changes the answer to a write.
    key = models.SlugField(
        max_length=80, help_text=_("Stable identifier within its nation (imports match on it)")
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    domains = models.JSONField(default=list, help_text=_("Among air, maritime, land, space, cyber"))
    participants = models.CharField(
        max_length=400, blank=True, default="", help_text=_("Other nations taking part, as |NOR|USA|")
    )
    starts_on = models.DateField(null=True, blank=True)
    starts_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    ends_on = models.DateField(null=True, blank=True)
    ends_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    window_note = models.CharField(max_length=300, blank=True)
    area = models.JSONField(null=True, blank=True, help_text=_("GeoJSON geometry (WGS 84)"))
    radius_km = models.FloatField(null=True, blank=True, help_text=_("Around a point area"))
    area_name = models.CharField(max_length=200, blank=True)
    area_approximate = models.BooleanField(default=False)
    area_note = models.CharField(max_length=400, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    assets = models.JSONField(default=list, help_text=_("[{type, number, note}]"))
    leading_command = models.CharField(max_length=200, blank=True)
    arctic_sentry = models.BooleanField(
        default=False, help_text=_("Linked to Arctic Sentry by a coordinator")
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    linked_by = models.CharField(max_length=150, blank=True)
    sources = models.JSONField(default=list, help_text=_("[{url, date, title}]"))
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["starts_on", "name"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="arctic_act_window")]
        constraints = [
            models.UniqueConstraint(fields=["owner_nation", "key"], name="arctic_activity_key_per_nation"),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(owner_nation__isnull=True),
                name="arctic_activity_key_alliance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner_nation_id or 'NATO'})"

    @property
    def participant_codes(self) -> list[str]:
        return [c for c in self.participants.split("|") if c]

    @property
    def shown_from(self) -> dt.date | None:
        """Where the activity's bar starts: its start. An activity whose start is not stated is listed
        but not placed in time (a source's date says when it was reported, not when it began)."""
        return self.starts_on

    def active_on(self, day: dt.date) -> bool:
        start = self.shown_from
        if start is None or day < start:
            return False
        return self.ends_on is None or day <= self.ends_on

    def asset_text(self) -> str:
        return "; ".join(_asset(a) for a in self.assets)


def _asset(a: dict[str, Any]) -> str:
    text = f"{a['number']} {a['type']}" if a.get("number") is not None else a["type"]
    return f"{text} ({a['note']})" if a.get("note") else text


class AlertRule(models.Model):
    """One user's rule: events of a type (or any), by vessels of a flag state (or any foreign
    flag, or any), inside a zone (or anywhere)."""

    ANY = ""
    FOREIGN = "FOREIGN"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="arctic_rules")
    zone = models.CharField(max_length=80, blank=True, help_text=_("Zone identifier; empty for anywhere"))
    flag = models.CharField(
        max_length=8, blank=True, help_text=_("ISO alpha-3 flag state, FOREIGN for non-allied, empty for any")
    )
    event_type = models.CharField(max_length=40, blank=True, help_text=_("Event type; empty for any"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "zone", "flag", "event_type"], name="arctic_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.event_type or '*'} / {self.flag or '*'} / {self.zone or '*'}"


class Alert(models.Model):
    """An event that matched one of a user's rules; the user acknowledges it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="arctic_alerts")
    rule = models.ForeignKey(AlertRule, null=True, on_delete=models.SET_NULL, related_name="alerts")
    event_id = models.CharField(max_length=120)
    event_type = models.CharField(max_length=40)
    mmsi = models.BigIntegerField(null=True, blank=True)
    flag = models.CharField(max_length=8, blank=True)
    zone = models.CharField(max_length=80, blank=True)
    at = models.DateTimeField(help_text=_("When the event started"))
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    synthetic = models.BooleanField(default=False)
    detail = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "event_id"], name="arctic_alert_once")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.mmsi} for {self.user_id}"
