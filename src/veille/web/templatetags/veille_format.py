"""Number formatting for pages: exact Decimals shown in the unit a reader expects."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def billions(value: Any, places: int = 3) -> str:
    """EUR 64617000000 → "64.617" (localised: "64,617" in French); empty for no value."""
    number = _decimal(value)
    if number is None:
        return "—"
    return number_format(
        (number / Decimal(1_000_000_000)).quantize(Decimal(1).scaleb(-int(places))),
        decimal_pos=int(places),
        use_l10n=True,
    )


@register.filter
def millions(value: Any, places: int = 1) -> str:
    number = _decimal(value)
    if number is None:
        return "—"
    return number_format(
        (number / Decimal(1_000_000)).quantize(Decimal(1).scaleb(-int(places))),
        decimal_pos=int(places),
        use_l10n=True,
        force_grouping=True,
    )


@register.filter
def pct(value: Any, places: int = 2) -> str:
    number = _decimal(value)
    if number is None:
        return "—"
    return number_format(
        number.quantize(Decimal(1).scaleb(-int(places))), decimal_pos=int(places), use_l10n=True
    )


@register.filter
def get(mapping: Any, key: str) -> Any:
    """``{{ d|get:"ally+partner" }}``: a dictionary value whose key is not a valid template name."""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None
