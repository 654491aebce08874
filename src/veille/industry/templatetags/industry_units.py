"""Template filters of the industry pages: ``{{ f.unit|unit }}`` and ``{{ conversion|converted }}``."""

from __future__ import annotations

from typing import Any

from django import template

from veille.industry.units import conversion_text, unit_label

__all__ = ["converted", "unit"]

register = template.Library()


@register.filter
def unit(value: Any) -> str:
    """A unit word in the reader's language (``per year`` → ``par an`` in French)."""
    return unit_label(value)


@register.filter
def converted(conversion: Any) -> str:
    """A conversion's arithmetic in the reader's language and number format."""
    return conversion_text(conversion)
