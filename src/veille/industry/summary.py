from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veille.industry.models import CapacityFigure, Contract
from veille.kit.counts import Count


def home_counts(user: Any) -> list[Count]:
    return [
        Count(
            _("Industry capacity figures"),
            CapacityFigure.objects.visible_to(user).current().count(),
            reverse("industry:index"),
        ),
        Count(
            _("Industry contracts"), Contract.objects.visible_to(user).count(), reverse("industry:contracts")
        ),
    ]
