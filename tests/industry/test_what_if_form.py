"""The what-if capacities are read as written in the page's language (veille.kit.forms)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from veille.industry.forms import WhatIfForm


@pytest.mark.parametrize(
    "language, written, value", [("fr", "1 500,5", "1500.5"), ("en", "1,500.5", "1500.5"), ("fr", "", None)]
)
def test_the_what_if_capacities_are_read_in_the_pages_language(
    language: str, written: str, value: str | None
) -> None:
    with translation.override(language):
        form = WhatIfForm([("TNT", Decimal(1000))], {"w0": written})
        assert form.is_valid(), form.errors
    assert form.changes() == ({"TNT": value} if value else {})


@pytest.mark.parametrize("language, written", [("en", "1,5"), ("fr", "1.500"), ("en", "1_500")])
def test_an_ambiguous_capacity_is_refused_naming_the_input(language: str, written: str) -> None:
    with translation.override(language):
        form = WhatIfForm([("TNT", Decimal(1000))], {"w0": written})
        assert not form.is_valid()
        assert form.errors["w0"][0].startswith("TNT: ")
