from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veille.kit.counts import Count
from veille.nations.models import Nation, NationKind


def home_counts(user: Any) -> list[Count]:
    allies = Nation.objects.filter(kind=NationKind.ALLY).count()
    partners = Nation.objects.filter(kind=NationKind.PARTNER).count()
    return [
        Count(_("Allies"), allies, reverse("nations:list") + "?kind=ally"),
        Count(_("Partners"), partners, reverse("nations:list") + "?kind=partner"),
    ]
