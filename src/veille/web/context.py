"""Template context shared by every page: navigation, the user's membership, the version, and how
old the newest exchange rate is (every page says it: figures dated after it are provisional)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veille import __version__
from veille.ledger.rates import newest_rate_date
from veille.nations.access import membership_of, sees_everything
from veille.notices.queries import open_count

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
        "notices_open": open_count(user) if user is not None else 0,
        **rates_age(),
    }


def rates_age() -> dict[str, Any]:
    """The newest ECB rate in use and its age in days (the base template's footer shows them)."""
    try:
        newest = newest_rate_date()
    except Exception:  # an error page must still render when the rates cannot be read
        return {"rates_newest": None, "rates_age_days": None}
    return {"rates_newest": newest, "rates_age_days": (timezone.now().date() - newest).days}
