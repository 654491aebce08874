"""Forms of lessons learned. They read and type the input; the services check it against the cycle
and the user's rights (their named errors are shown beside the field they name)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veille.council.bodies import owner_choices
from veille.council.forms import Releasable, set_choices, show_error
from veille.lessons.models import DocKind, Domain
from veille.nations.access import Releasability
from veille.nations.models import Nation

__all__ = ["show_error"]


class ObservationForm(Releasable):
    nation = forms.ChoiceField(label=_("Observing nation"))
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(label=_("What was observed"), widget=forms.Textarea(attrs={"rows": 5}))
    domains = forms.MultipleChoiceField(
        label=_("Domains"), choices=Domain.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    observed_on = forms.CharField(label=_("Observed on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nations = [(n.code, f"{n.display_name} ({n.code})") for n in Nation.objects.all()]
        set_choices(self, "nation", nations)
        self.fields["releasable_to"].initial = Releasability.NATIONS
        self.fields["releasable_nations"].help_text = _("Empty: the observing nation only")


class AnalyseForm(forms.Form):
    analysis = forms.CharField(label=_("Analysis"), widget=forms.Textarea(attrs={"rows": 5}))


class IdentifyForm(Releasable):
    title = forms.CharField(label=_("Lesson"), max_length=300)
    text = forms.CharField(label=_("What should change, and why"), widget=forms.Textarea(attrs={"rows": 5}))
    domains = forms.MultipleChoiceField(
        label=_("Domains"), choices=Domain.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["releasable_to"].required = False
        set_choices(self, "releasable_to", [("", _("as the observation")), *Releasability.choices])
        self.fields["releasable_to"].initial = ""


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Remedial action"), max_length=300)
    owner = forms.ChoiceField(label=_("Tasked to"))
    due = forms.CharField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "owner", owner_choices())


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SummaryForm(forms.Form):
    title = forms.CharField(label=_("Public title"), max_length=300)
    text = forms.CharField(label=_("Public summary"), widget=forms.Textarea(attrs={"rows": 5}))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=300)
    kind = forms.ChoiceField(label=_("In"), choices=[("", _("everything")), *DocKind.choices], required=False)
    domain = forms.ChoiceField(label=_("Domain"), choices=[("", _("all")), *Domain.choices], required=False)
