from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veille.kit.counts import Count
from veille.ledger.models import LedgerEvent


def home_counts(user: Any) -> list[Count]:
    """Ledger events the visitor may see."""
    return [Count(_("Ledger events"), LedgerEvent.objects.visible_to(user).count(), reverse("ledger:index"))]
