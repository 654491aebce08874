"""Nations, users' memberships and roles, API tokens, login failures.

Invariants kept here: a nation's status is answered for a date (an ally from its accession date);
a user has at most one membership (one nation, or NATO staff) with exactly one role.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localised_name(name: str, name_fr: str) -> str:
    """``name_fr`` when the active language is French and the French name is known, else ``name``.

    >>> from django.utils import translation
    >>> with translation.override("fr"):
    ...     localised_name("Germany", "Allemagne"), localised_name("Ukraine", "")
    ('Allemagne', 'Ukraine')
    >>> with translation.override("en"):
    ...     localised_name("Germany", "Allemagne")
    'Germany'
    """
    language = get_language() or ""
    return name_fr if name_fr and language.split("-")[0] == "fr" else name


class NationKind(models.TextChoices):
    ALLY = "ally", _("NATO ally")
    PARTNER = "partner", _("NATO partner")
    RECIPIENT = "recipient", _("Recipient")
    MULTILATERAL = "multilateral", _("Multilateral donor")
    OTHER = "other", _("Other state")


class Nation(models.Model):
    """A state or multilateral body. ``code`` is ISO 3166-1 alpha-3 (``EUI`` for the EU institutions,
    which have no ISO code)."""

    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=80, unique=True)
    name_fr = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=12, choices=NationKind.choices)
    iso2 = models.CharField(max_length=2, blank=True)
    accession_date = models.DateField(null=True, blank=True, help_text=_("NATO accession (allies)"))
    partnership_date = models.DateField(
        null=True, blank=True, help_text=_("Start of NATO partnership where a formal date exists")
    )
    partnership_framework = models.CharField(
        max_length=60, blank=True, help_text=_("NATO partnership framework (Partnership for Peace…)")
    )
    eu_member = models.BooleanField(default=False)
    aliases = models.JSONField(default=list, blank=True, help_text=_("Other spellings found in datasets"))
    source = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: ``name_fr`` when French is active and known, else ``name``."""
        return localised_name(self.name, self.name_fr)

    def status_on(self, day: dt.date) -> str:
        """The nation's relation to NATO on ``day``: ally, partner, or its own kind.

        Sweden is a partner until 2024-03-06 and an ally from 2024-03-07.
        """
        if self.accession_date is not None:
            if day >= self.accession_date:
                return NationKind.ALLY
            if self.partnership_date is not None and day >= self.partnership_date:
                return NationKind.PARTNER
            return NationKind.OTHER
        if self.kind == NationKind.PARTNER and self.partnership_date is not None:
            return NationKind.PARTNER if day >= self.partnership_date else NationKind.OTHER
        return self.kind

    def is_ally_on(self, day: dt.date) -> bool:
        return self.status_on(day) == NationKind.ALLY


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMIN = "admin", _("Administrator")


class Membership(models.Model):
    """A user's place: one nation (or NATO staff when ``nation`` is empty) and one role."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    nation = models.ForeignKey(
        Nation, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.VIEWER)

    def __str__(self) -> str:
        return f"{self.user} ({self.nation_id or 'NATO'}, {self.role})"

    @property
    def is_nato_staff(self) -> bool:
        return self.nation_id is None


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Invitation(models.Model):
    """A coordinator's invitation of a person by e-mail to a membership (a nation or NATO staff when
    ``nation`` is empty) with a role. Only the SHA-256 of its one-time link is stored; the link
    expires at ``expires_at`` and serves once (``accepted_at``). A coordinator may cancel it
    (``cancelled_at``) or send it again, with a new link (the old one stops working)."""

    email = models.EmailField()
    nation = models.ForeignKey(Nation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=Role.choices)
    key_sha256 = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.nation_id or 'NATO'}, {self.role})"


class LoginFailure(models.Model):
    """Failed logins counted per user name *and* client address: a lock stops further attempts from
    that address only, so that nobody can lock a user out from elsewhere. Each lock of the same pair
    lasts twice as long as the one before (``locks``), until a successful login or an unlock."""

    username = models.CharField(max_length=150)
    address = models.CharField(max_length=45, blank=True, help_text="client address ('' when unknown)")
    failures = models.PositiveIntegerField(default=0)
    locks = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["username", "address"], name="nations_loginfailure_user_address")
        ]

    def __str__(self) -> str:
        return f"{self.username}: {self.failures} failure(s)"
