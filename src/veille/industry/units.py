"""Industry's unit words and conversions in the reader's language: the core keeps units as the
dataset writes them (``per year``, ``tonnes per month``, ``units``); pages show them translated, with
their numbers in the reader's format (``336 000 par an`` in French)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["UNIT_LABELS", "conversion_text", "plain", "unit_label"]

#: The dataset's unit words, as a reader of each language writes them.
UNIT_LABELS: dict[str, Any] = {
    "per year": _("per year"),
    "per month": _("per month"),
    "tonnes per year": _("tonnes per year"),
    "tonnes per month": _("tonnes per month"),
    "tonnes per unit": _("tonnes per unit"),
    "units": pgettext_lazy("quantity", "units"),
    "tonnes": _("tonnes"),
    "(as stated)": _("(as stated)"),
}
_WORDS = re.compile(
    r"(?<![\w(])(" + "|".join(re.escape(k) for k in sorted(UNIT_LABELS, key=len, reverse=True)) + r")(?![\w])"
)


def unit_label(unit: Any) -> str:
    """A unit word in the reader's language (``"per year"`` → ``"par an"``); other units as written."""
    text = "" if unit is None else str(unit)
    return str(UNIT_LABELS.get(text, text))


def plain(value: Any) -> str:
    """A number in the reader's format without trailing zeros (``336000.000`` → ``336 000``)."""
    figure = Decimal(str(value))
    exact = Decimal(f"{figure.normalize():f}")
    exponent = exact.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else None
    return number_format(exact, decimal_pos=places, use_l10n=True, force_grouping=True)


def _words(text: str) -> str:
    return _WORDS.sub(lambda m: unit_label(m.group(1)), text)


def conversion_text(conversion: Any) -> str:
    """A conversion's arithmetic in the reader's language and format; a text as stored (no
    :class:`veille.core.industry.Conversion`) keeps its numbers, its unit words translated."""
    if not conversion:
        return ""
    parts = getattr(conversion, "parts", None)
    if not parts:
        return _words(str(getattr(conversion, "shown", conversion)))
    return "".join(plain(p) if isinstance(p, Decimal) else _words(p) for p in parts)
