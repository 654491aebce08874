"""Template context shared by every page: navigation, the user's membership, the version."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from veille import __version__
from veille.nations.access import membership_of, sees_everything

#: The mechanisms, in the order of the press report. (URL name, label).
NAVIGATION = (
    ("purl:index", _("PURL")),
    ("support:index", _("Support to Ukraine")),
    ("spending:index", _("Spending")),
    ("industry:index", _("Industry")),
    ("training:index", _("Training & Council")),
    ("arctic:index", _("Arctic")),
)


def veille(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "veille_version": __version__,
        "navigation": NAVIGATION,
        "membership": membership_of(user),
        "sees_everything": sees_everything(user),
    }
