"""Home-page counts of training: stated figures and programmes, cohorts the user may see."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veille.kit.counts import Count
from veille.training.models import Cohort, Programme, TrainedFigure


def home_counts(user: Any) -> list[Count]:
    out = []
    figures = TrainedFigure.objects.count()
    if figures:
        out.append(
            Count(_("Stated figures of Ukrainian personnel trained"), figures, reverse("training:programmes"))
        )
        out.append(Count(_("Training programmes"), Programme.objects.count(), reverse("training:programmes")))
    cohorts = Cohort.objects.visible_to(user)
    if cohorts.exists():
        out.append(
            Count(
                _("Training cohorts"),
                cohorts.count(),
                reverse("training:hosts"),
                synthetic=not cohorts.filter(synthetic=False).exists(),
            )
        )
    return out
