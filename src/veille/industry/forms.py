"""Forms of the industry pages. They check shapes; the services check meaning and rights."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veille.core import industry as core
from veille.industry.models import Kind, Producer, Product, Site
from veille.industry.units import plain
from veille.kit.forms import AmountField
from veille.nations.access import Releasability


def _product_choices() -> list[tuple[str, str]]:
    return [(p.slug, p.name) for p in Product.objects.order_by("name")]


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class AsOfForm(forms.Form):
    as_of = forms.CharField(
        label=_("As of"),
        required=False,
        max_length=10,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD; today when empty"),
    )

    def clean_as_of(self) -> str:
        value: str = self.cleaned_data["as_of"].strip()
        if value:
            try:
                core.PartialDate.parse(value, field="as_of")
            except core.BadDate as exc:
                raise forms.ValidationError(exc.message) from None
        return value


class FigureForm(forms.Form):
    product = forms.ChoiceField(label=_("Product"))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(k, v) for k, v in Kind.choices if k not in ("contract",)]
    )
    quantity = forms.CharField(label=_("Quantity, as stated"), max_length=30)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=30,
        help_text=_("per year, per month, tonnes per year, units, tonnes, or a currency code"),
    )
    stated = forms.CharField(label=_("Date stated"), max_length=10, help_text=_("YYYY-MM or YYYY-MM-DD"))
    period_label = forms.CharField(label=_("Period it speaks of"), max_length=120, required=False)
    target_date = forms.CharField(
        label=_("Target date"),
        max_length=10,
        required=False,
        help_text=_("for a target: YYYY, YYYY-MM or YYYY-MM-DD"),
    )
    site = forms.ChoiceField(label=_("Site"), required=False)
    producer = forms.ChoiceField(label=_("Producer"), required=False)
    source_title = forms.CharField(label=_("Source title"), max_length=400)
    source_url = forms.CharField(label=_("Source address"), max_length=600)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    releasable_to = forms.ChoiceField(
        label=_("Releasable to"), choices=Releasability.choices, initial=Releasability.NATO
    )
    releasable_nations = forms.CharField(
        label=_("Nations (comma-separated codes)"), required=False, max_length=200
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "product", _product_choices())
        _choices(self, "site", [("", "—"), *((x.name, x.name) for x in Site.objects.order_by("name"))])
        _choices(
            self, "producer", [("", "—"), *((x.name, x.name) for x in Producer.objects.order_by("name"))]
        )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["releasable_nations"] = [
            c for c in data.get("releasable_nations", "").replace(";", ",").split(",") if c.strip()
        ]
        return data


class MappingForm(forms.Form):
    purl_category = forms.CharField(
        label=_("PURL category"),
        max_length=40,
        help_text=_("the category key of PURL requirement lists, e.g. air_defence"),
    )
    product = forms.ChoiceField(label=_("Product"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "product", _product_choices())


class WhatIfForm(forms.Form):
    """One field per input of the scenario: its capacity in tonnes per year (empty: as in the scenario)."""

    def __init__(self, inputs: list[tuple[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names: dict[str, str] = {}
        for k, (name, capacity) in enumerate(inputs):
            key = f"w{k}"
            self.names[key] = name
            self.fields[key] = AmountField(
                label=name,
                min_value=0,
                help_text=_("tonnes per year; the scenario says %(value)s") % {"value": plain(capacity)},
            )

    def changes(self) -> dict[str, Any]:
        return {self.names[k]: v for k, v in self.cleaned_data.items() if v not in (None, "")}
