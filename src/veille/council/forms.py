"""The Council's forms. They read and type the input; the services check it against the records and
the user's rights, and their named errors are shown beside the field they name
(:func:`show_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veille.core.errors import VeilleError
from veille.council import evidence as records
from veille.council.bodies import owner_choices
from veille.council.models import Level
from veille.nations.access import Releasability

FLAG_CHOICES = [("", _("not stated")), ("true", _("yes")), ("false", _("no"))]


def set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def show_error(form: forms.Form, exc: VeilleError) -> None:
    """Put a service's error beside its field (or above the form when the form has no such field)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


class Releasable(forms.Form):
    releasable_to = forms.ChoiceField(
        label=_("Releasable to"), choices=Releasability.choices, initial=Releasability.NATO
    )
    releasable_nations = forms.CharField(
        label=_("Nations (codes, comma-separated) when releasable to listed nations"),
        required=False,
        max_length=400,
    )


class MeetingForm(Releasable):
    date = forms.CharField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("not stated")), *Level.choices], required=False
    )
    requested_by_ukraine = forms.ChoiceField(
        label=_("Emergency meeting at Ukraine's request"), choices=FLAG_CHOICES, required=False
    )
    occasion = forms.CharField(label=_("Occasion"), widget=forms.Textarea(attrs={"rows": 2}))
    chair = forms.CharField(label=_("Chair"), required=False, max_length=200)
    location = forms.CharField(label=_("Location"), required=False, max_length=120)
    topics = forms.CharField(label=_("Topics (separated by ;)"), required=False)
    statement = forms.CharField(
        label=_("Statement or outcome"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    source_title = forms.CharField(label=_("Source title"), required=False, max_length=500)
    source_url = forms.CharField(label=_("Source address"), required=False, max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["releasable_to"].initial = Releasability.PUBLIC


class DecisionForm(Releasable):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_text = forms.CharField(label=_("Responsible, as stated"), required=False, max_length=300)
    due_text = forms.CharField(label=_("Deadline, as stated"), required=False, max_length=200)
    source_title = forms.CharField(label=_("Source title"), required=False, max_length=500)
    source_url = forms.CharField(label=_("Source address"), required=False, max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["releasable_to"].required = False
        set_choices(self, "releasable_to", [("", _("as the meeting")), *Releasability.choices])
        self.fields["releasable_to"].initial = ""


class ActionForm(Releasable):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ChoiceField(label=_("Tasked to"))
    due = forms.CharField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "owner", owner_choices())
        self.fields["releasable_to"].required = False
        set_choices(self, "releasable_to", [("", _("as the decision")), *Releasability.choices])
        self.fields["releasable_to"].initial = ""


class EvidenceForm(forms.Form):
    day = forms.CharField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    record_type = forms.ChoiceField(label=_("A record of veille"), required=False)
    record_id = forms.CharField(label=_("Its number"), required=False, max_length=40)
    url = forms.CharField(label=_("Or a public link"), required=False, max_length=1000)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    completes = forms.BooleanField(label=_("This shows the action done"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "record_type", [("", _("none")), *records.record_choices()])
