"""Forms of training records (the services check the input and the user's rights)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veille.council.forms import Releasable, set_choices
from veille.kit.forms import CountField
from veille.nations.models import Nation
from veille.training.models import Programme


class CohortForm(Releasable):
    programme = forms.ChoiceField(label=_("Programme"))
    host = forms.ChoiceField(label=_("Host nation"))
    specialty = forms.CharField(label=_("Specialty"), max_length=200)
    starts_on = forms.CharField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.CharField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    trainees = CountField(label=_("Trainees"), min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "programme", [(str(p.pk), p.name) for p in Programme.objects.all()])
        nations = [(n.code, f"{n.display_name} ({n.code})") for n in Nation.objects.all()]
        set_choices(self, "host", nations)
