"""The editors' form to record an activity in the High North (the API and imports do the same,
through the same service). The page is :func:`veille.arctic.views.new_activity`."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from veille.arctic.exceptions import BadArea
from veille.arctic.models import Activity, Domain, Kind
from veille.arctic.services import NewActivity
from veille.core.errors import VeilleError
from veille.kit.forms import DecimalNumberField
from veille.nations.access import Releasability, membership_of, sees_everything
from veille.nations.models import Nation

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
    lat = DecimalNumberField(label=_("Latitude (°N)"), min_value=-90, max_value=90)
    lon = DecimalNumberField(label=_("Longitude (°E)"), min_value=-180, max_value=180)
    radius_km = DecimalNumberField(label=_("Radius (km)"), min_value=0)
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
        help_text=_(
            "One per line: address, then optionally the date (YYYY-MM-DD) and a title; or a title "
            "alone for a source without an address"
        ),
    )
    arctic_sentry = forms.BooleanField(
        label=_("Linked to Arctic Sentry"),
        required=False,
        help_text=_("Coordinators link an activity to Arctic Sentry"),
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
                (n.code, n.display_name) for n in Nation.objects.filter(kind="ally")
            ]
        else:
            choices = [(m.nation_id or "", m.nation.display_name)] if m and m.nation else []
        nation_field = self.fields["nation"]
        assert isinstance(nation_field, forms.ChoiceField)
        nation_field.choices = choices
        if choices and not sees_everything(user):
            self.fields["nation"].initial = choices[0][0]
        if not sees_everything(user):  # only coordinators link to Arctic Sentry (the service says so)
            del self.fields["arctic_sentry"]

    @staticmethod
    def initial_of(a: Activity) -> dict[str, Any]:
        """The form's values for an existing activity (its edit page)."""
        area = a.area or {}
        point = area.get("type") == "Point"
        return {
            "name": a.name,
            "kind": a.kind,
            "domains": list(a.domains),
            "nation": a.owner_nation_id or "",
            "participants": ", ".join(a.participant_codes),
            "starts_on": a.starts_on,
            "ends_on": a.ends_on,
            "area_name": a.area_name,
            "lat": area["coordinates"][1] if point else None,
            "lon": area["coordinates"][0] if point else None,
            "radius_km": a.radius_km,
            "polygon": json.dumps(area) if area and not point else "",
            "area_approximate": a.area_approximate,
            "assets": "\n".join(
                f"{x['type']}; {x['number']}" if x.get("number") is not None else x["type"] for x in a.assets
            ),
            "leading_command": a.leading_command,
            "sources": "\n".join(
                " ".join(p for p in (s.get("url", ""), s.get("date", ""), s.get("title", "")) if p)
                for s in a.sources
            ),
            "arctic_sentry": a.arctic_sentry,
            "releasable_to": a.releasable_to,
            "releasable_nations": ", ".join(a.releasable_nation_codes),
            "note": a.note,
        }

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

    def add_service_error(self, exc: VeilleError) -> None:
        """Show the service's error beside the input it concerns (:data:`FIELD_OF`), or above."""
        field = (
            FIELD_OF.get(exc.field or "", exc.field)
            if exc.field in self.fields or exc.field in FIELD_OF
            else None
        )
        self.add_error(field, exc.message)

    def to_new_activity(self, key: str | None = None) -> NewActivity:
        """The form's values as a :class:`NewActivity` (a new key, or ``key``: the activity being
        changed); an area given in two ways, half a point or a polygon that is not a GeoJSON
        geometry is refused naming its field (nothing is dropped)."""
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
            if not re.match(r"^[a-z][a-z0-9+.-]*://", parts[0], re.IGNORECASE):
                # a reference without an address: the whole line is its title (a date may lead it)
                text = line.strip()
                lead = re.match(r"^(\d{4}-\d{2}-\d{2})\s+(.*)$", text)
                date, title = (lead.group(1), lead.group(2)) if lead else ("", text)
                sources.append({"url": "", "date": date, "title": title})
                continue
            date = parts[1] if len(parts) > 1 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", parts[1]) else ""
            title = " ".join(parts[2 if date else 1 :])
            sources.append({"url": parts[0], "date": date, "title": title})
        nation = d["nation"] or None
        start = d["starts_on"] or dt.date.today()
        key = key or _free_key(
            slugify(f"{nation or 'nato'}-{d['name']}-{start:%Y-%m}")[:72] or "activity", nation
        )
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
            arctic_sentry=d["arctic_sentry"] if "arctic_sentry" in self.fields else None,
        )


def _json_kind(value: Any) -> str:
    kinds = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(value), "a number")


def _free_key(base: str, nation: str | None) -> str:
    """``base``, or ``base-2``, ``base-3``… the first that no record of ``nation`` holds (the form
    creates, never updates: a taken key would change another record). Keys are scoped per nation, so
    the suffix counts only records the editor's nation owns, which it sees: it tells nothing of
    others'."""
    taken = (
        Activity.objects.filter(owner_nation_id=nation)
        if nation
        else Activity.objects.filter(owner_nation__isnull=True)
    )
    key, n = base, 1
    while taken.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key
