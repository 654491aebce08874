"""The activity form reads coordinates and a radius as written in the page's language
(veille.kit.forms): ``69,5`` in French, ``69.5`` in English; out of range or ambiguous is refused
beside the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from veille.arctic.forms import ActivityForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, lat, lon, radius", [("fr", "69,5", "18,25", "1 200,5"), ("en", "69.5", "18.25", "1,200.5")]
)
def test_coordinates_are_read_in_the_pages_language(
    language: str, lat: str, lon: str, radius: str, users: dict[str, Any]
) -> None:
    with translation.override(language):
        form = ActivityForm({"lat": lat, "lon": lon, "radius_km": radius}, user=users["nora"])
        form.is_valid()
    assert "lat" not in form.errors and "lon" not in form.errors and "radius_km" not in form.errors
    assert (form.cleaned_data["lat"], form.cleaned_data["lon"], form.cleaned_data["radius_km"]) == (
        69.5,
        18.25,
        1200.5,
    )


@pytest.mark.parametrize("language, lat", [("en", "69,5"), ("fr", "\u0666\u0669"), ("en", "95")])
def test_a_wrong_coordinate_is_refused_naming_the_field(
    language: str, lat: str, users: dict[str, Any]
) -> None:
    with translation.override(language):
        form = ActivityForm({"lat": lat, "lon": "18"}, user=users["nora"])
        assert not form.is_valid()
        assert form.errors["lat"][0].startswith(str(form.fields["lat"].label))
