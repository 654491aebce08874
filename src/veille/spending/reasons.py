"""A plan's reasons in the reader's language. The reasons are stored as
:func:`veille.core.spending.assess_plan` writes them (English, the record as made); pages show each
one translated, its figures written as the reader's language writes them. A reason of another form
is shown as it is stored.

>>> from django.utils import translation
>>> with translation.override("en"):
...     shown("core falls from 3 % in 2025 to 2.8 % in 2026")
'core falls from 3 % in 2025 to 2.8 % in 2026'
>>> with translation.override("fr"):
...     shown("core falls from 3 % in 2025 to 2.8 % in 2026")
'la part cœur baisse de 3 % en 2025 à 2,8 % en 2026'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

__all__ = ["shown", "shown_all"]

PCT = r"(?P<{}>\d+(?:\.\d+)?)"
YEAR = r"(?P<{}>\d{{4}})"


def _pattern(text: str) -> tuple[re.Pattern[str], set[str]]:
    """``"core falls from {a:pct} % in {y1:year}"`` → a regex with named groups, and the names of
    the groups that are percentages."""

    def group(m: re.Match[str]) -> str:
        name, kind = m.group(1), m.group(2)
        if kind == "pct":
            return PCT.format(name)
        if kind == "year":
            return YEAR.format(name)
        return rf"(?P<{name}>\d{{4}}(?:, \d{{4}})*)"  # years

    escaped = re.escape(text)
    percentages = set(re.findall(r"\\\{(\w+):pct\\\}", escaped))
    return re.compile(re.sub(r"\\\{(\w+):(\w+)\\\}", group, escaped)), percentages


def _number(text: str) -> str:
    return number_format(Decimal(text), use_l10n=True)


#: the forms assess_plan writes, each with its translation (the figures as the reader writes them)
FORMS: list[tuple[tuple[re.Pattern[str], set[str]], Callable[[dict[str, str]], str]]] = [
    (
        _pattern("core falls from {a:pct} % in {y1:year} to {b:pct} % in {y2:year}"),
        lambda g: _("core falls from %(a)s %% in %(y1)s to %(b)s %% in %(y2)s") % g,
    ),
    (
        _pattern("core and resilience together fall from {a:pct} % in {y1:year} to {b:pct} % in {y2:year}"),
        lambda g: _("core and resilience together fall from %(a)s %% in %(y1)s to %(b)s %% in %(y2)s") % g,
    ),
    (
        _pattern("the plan gives no year up to {y:year}"),
        lambda g: _("the plan gives no year up to %(y)s") % g,
    ),
    (
        _pattern("the plan stops in {y:year}, before {t:year}"),
        lambda g: _("the plan stops in %(y)s, before %(t)s") % g,
    ),
    (
        _pattern("core reaches {a:pct} % by {y:year}, short of {t:pct} %"),
        lambda g: _("core reaches %(a)s %% by %(y)s, short of %(t)s %%") % g,
    ),
    (
        _pattern("core and resilience reach {a:pct} % by {y:year}, short of {t:pct} %"),
        lambda g: _("core and resilience reach %(a)s %% by %(y)s, short of %(t)s %%") % g,
    ),
    (
        _pattern("resilience above {cap:pct} % in {years:years} counts only up to {cap2:pct} %"),
        lambda g: _("resilience above %(cap)s %% in %(years)s counts only up to %(cap2)s %%") % g,
    ),
]


def shown(reason: str) -> str:
    """One stored reason as the reader reads it."""
    for (pattern, percentages), translate in FORMS:
        m = pattern.fullmatch(reason)
        if m:
            return translate({k: _number(v) if k in percentages else v for k, v in m.groupdict().items()})
    return reason


def shown_all(reasons: Iterable[str]) -> list[str]:
    return [shown(r) for r in reasons]
