from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veille.arctic.models import Activity
from veille.kit.counts import Count


def home_counts(user: Any) -> list[Count]:
    n = Activity.objects.visible_to(user).count()
    return [Count(_("Allied activities in the High North"), n, reverse("arctic:index"))] if n else []
