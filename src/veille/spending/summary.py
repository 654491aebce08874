from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veille.kit.counts import Count
from veille.spending.models import Figure, NationalPlan


def home_counts(user: Any) -> list[Count]:
    return [
        Count(_("Spending figures"), Figure.objects.count(), reverse("spending:index")),
        Count(
            _("National spending plans"),
            NationalPlan.objects.visible_to(user).count(),
            reverse("spending:plans"),
        ),
    ]
