"""The editors' form to record an activity in the High North (the API and imports do the same)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from veille.arctic.exceptions import BadArea
from veille.arctic.models import Activity, Domain, Kind
from veille.arctic.services import NewActivity, do_record_activity
from veille.core.errors import VeilleError
from veille.nations.access import Actor, Releasability, membership_of, sees_everything
from veille.nations.models import Nation, Role

#: Service field → form field, so that an error from the service shows beside the right input.
FIELD_OF = {
    "owner_nation": "nation",
    "area": "polygon",
    "radius_km": "radius_km",
    "key": "name",
    "releasable_nations": "releasable_nations",
    "ends_on": "ends_on",
    "participants": "participants",
}


class ActivityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    domains = forms.MultipleChoiceField(
        label=_("Domains"), choices=Domain.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    nation = forms.ChoiceField(label=_("Nation"), required=False)
    participants = forms.CharField(
        label=_("Other participating nations"),
        required=False,
        help_text=_("ISO codes, comma-separated: NOR, SWE"),
    )
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    area_name = forms.CharField(
        label=_("Area"),
        max_length=200,
        required=False,
        help_text=_("As the source names it: 'Troms and Finnmark', 'around Iceland'"),
    )
    lat = forms.FloatField(label=_("Latitude (°N)"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude (°E)"), required=False, min_value=-180, max_value=180)
    radius_km = forms.FloatField(label=_("Radius (km)"), required=False, min_value=0)
    polygon = forms.CharField(
        label=_("Or a polygon (GeoJSON geometry)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    area_approximate = forms.BooleanField(label=_("The area is approximate"), required=False)
    assets = forms.CharField(
        label=_("Assets"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: type; number (number optional). 'F-35A; 4'"),
    )
    leading_command = forms.CharField(label=_("Leading command"), max_length=200, required=False)
    sources = forms.CharField(
        label=_("Sources"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: address, then optionally the date (YYYY-MM-DD) and a title"),
    )
    releasable_to = forms.ChoiceField(
        label=_("Releasable to"), choices=Releasability.choices, initial=Releasability.NATO
    )
    releasable_nations = forms.CharField(
        label=_("Listed nations"),
        required=False,
        help_text=_("ISO codes when releasable to listed nations only"),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        m = membership_of(user)
        if sees_everything(user):
            choices = [("", _("NATO (Alliance-level)"))] + [
                (n.code, n.name) for n in Nation.objects.filter(kind="ally")
            ]
        else:
            choices = [(m.nation_id or "", m.nation.name)] if m and m.nation else []
        nation_field = self.fields["nation"]
        assert isinstance(nation_field, forms.ChoiceField)
        nation_field.choices = choices
        if choices and not sees_everything(user):
            self.fields["nation"].initial = choices[0][0]

    @staticmethod
    def _area(d: dict[str, Any]) -> dict[str, Any] | None:
        polygon, lat, lon = d["polygon"].strip(), d["lat"], d["lon"]
        if polygon:
            if lat is not None or lon is not None:
                raise BadArea("give a point (latitude and longitude) or a polygon, not both", field="polygon")
            try:
                area = json.loads(polygon)
            except ValueError as exc:
                raise BadArea(f"not valid JSON: {exc}", field="polygon") from None
            if not isinstance(area, dict):
                raise BadArea(
                    f"not a GeoJSON geometry: a JSON object such as "
                    f'{{"type": "Polygon", "coordinates": [...]}}, not {_json_kind(area)}',
                    field="polygon",
                )
            return area
        if lat is None and lon is None:
            return None
        if lon is None:
            raise BadArea("give the longitude too (or neither, for no point)", field="lon")
        if lat is None:
            raise BadArea("give the latitude too (or neither, for no point)", field="lat")
        return {"type": "Point", "coordinates": [lon, lat]}

    @staticmethod
    def _codes(text: str) -> list[str]:
        return [c.strip().upper() for c in re.split(r"[,\s]+", text) if c.strip()]

    def to_new_activity(self) -> NewActivity:
        """The form's values as a :class:`NewActivity`; an area given in two ways, half a point or
        a polygon that is not a GeoJSON geometry is refused naming its field (nothing is dropped)."""
        d = self.cleaned_data
        area = self._area(d)
        assets = []
        for line in d["assets"].splitlines():
            if not line.strip():
                continue
            kind, _sep, number = line.partition(";")
            n = number.strip()
            assets.append({"type": kind.strip(), "number": int(n) if n.isdigit() else (n or None)})
        sources = []
        for line in d["sources"].splitlines():
            parts = line.strip().split(maxsplit=2)
            if not parts:
                continue
            date = parts[1] if len(parts) > 1 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", parts[1]) else ""
            title = " ".join(parts[2 if date else 1 :])
            sources.append({"url": parts[0], "date": date, "title": title})
        nation = d["nation"] or None
        start = d["starts_on"] or dt.date.today()
        key = _free_key(slugify(f"{nation or 'nato'}-{d['name']}-{start:%Y-%m}")[:72] or "activity")
        return NewActivity(
            key=key,
            name=d["name"],
            kind=d["kind"],
            owner_nation=nation,
            domains=list(d["domains"]),
            participants=self._codes(d["participants"]),
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            area=area,
            radius_km=d["radius_km"],  # the service refuses one without a point, or out of range
            area_name=d["area_name"],
            area_approximate=d["area_approximate"],
            assets=assets,
            leading_command=d["leading_command"],
            sources=sources,
            note=d["note"],
            releasable_to=d["releasable_to"],
            releasable_nations=self._codes(d["releasable_nations"]),
        )


def _json_kind(value: Any) -> str:
    kinds = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(value), "a number")


def _free_key(base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… the first that no record holds (the form creates, never
    updates: a taken key would change another record)."""
    key, n = base, 1
    while Activity.objects.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


@login_required
@require_http_methods(["GET", "POST"])
def new_activity(request: HttpRequest) -> HttpResponse:
    m = membership_of(request.user)
    if not sees_everything(request.user) and (m is None or m.role != Role.EDITOR or m.nation_id is None):
        return render(
            request,
            "web/error.html",
            {
                "status": 403,
                "title": _("Not allowed"),
                "message": _("Only a nation's editors and coordinators record activities."),
            },
            status=403,
        )
    form = ActivityForm(request.POST if request.method == "POST" else None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                activity, _what = do_record_activity(
                    Actor.from_request(request), form.to_new_activity(), create_only=True
                )
            except VeilleError as exc:
                form.add_error(
                    FIELD_OF.get(exc.field or "", exc.field)
                    if exc.field in form.fields or exc.field in FIELD_OF
                    else None,
                    exc.message,
                )
            else:
                return redirect("arctic:activity", pk=activity.pk)
        status = 422
    return render(request, "arctic/activity_form.html", {"form": form}, status=status)
