from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veille.kit.counts import Count
from veille.support.models import DonorFigure


def home_counts(user: Any) -> list[Count]:
    donors = DonorFigure.objects.values("donor_id").distinct().count()
    return [Count(_("Donors to Ukraine"), donors, reverse("support:index"))] if donors else []
