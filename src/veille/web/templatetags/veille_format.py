"""Number formatting for pages: exact Decimals shown in the unit a reader expects."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()
_STORED_MONEY = re.compile(r"(?P<amount>-?[0-9]+(?:\.[0-9]+)?) (?P<currency>[A-Z]{3})")


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


@register.filter
def host(url: Any) -> str:
    """``https://www.nato.int/cps/en/…`` → ``nato.int``: a link's text that says where it leads."""
    from urllib.parse import urlsplit

    netloc = urlsplit(str(url or "")).netloc.lower()
    return netloc.removeprefix("www.") or str(url or "")


@register.filter
def money(value: Any) -> str:
    """A ``Money`` (or any object with ``amount`` and ``currency``) in the reader's language, grouped:
    ``2,600,000,000.00 NOK`` in English, ``2 600 000 000,00 NOK`` in French; a Money written as
    text (``"100000000.00 EUR"``) alike."""
    amount = getattr(value, "amount", None)
    currency = getattr(value, "currency", None)
    stored = _STORED_MONEY.fullmatch(value.strip()) if isinstance(value, str) else None
    if stored:  # a Money as a query's row writes it: "100000000.00 EUR"
        amount, currency = stored["amount"], stored["currency"]
    if amount is None or currency is None:
        return "—" if value in (None, "") else str(value)
    number = _decimal(amount)
    if number is None:
        return str(value)
    places = max(0, -int(number.as_tuple().exponent)) if isinstance(number.as_tuple().exponent, int) else 2
    return f"{number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)} {currency}"


@register.filter
def number(value: Any) -> str:
    """A number as the reader writes it (``1.0305`` → ``1,0305`` in French), its places kept."""
    figure = _decimal(value)
    if figure is None:
        return "—" if value in (None, "") else str(value)
    exponent = figure.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else None
    return number_format(figure, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def nation(value: Any) -> str:
    """A nation (a ``Nation``, its code or its English name) named in the reader's language:
    ``{{ r.nation|nation }}`` shows "Allemagne" for "Germany" in French; other text is kept."""
    from veille.nations.queries import display_name

    return display_name(value)


@register.filter
def percent(value: Any, places: int = 2) -> str:
    """A percentage as the reader writes it, with its sign: ``2.7134`` → "2.71 %" ("2,71 %" in French)."""
    shown = pct(value, places)
    return shown if shown == "—" else f"{shown}\u00a0%"


def _plain(figure: Decimal) -> str:
    """A Decimal as the reader writes it, without trailing zeros (``336000.000`` → "336 000")."""
    exact = Decimal(f"{figure.normalize():f}")
    return number(exact)


@register.filter
def written(conversion: Any) -> str:
    """A unit conversion's arithmetic with its numbers in the reader's format
    (``28 000 per month`` and ``336 000 per year`` in French); empty for none."""
    if not conversion:
        return ""
    if hasattr(conversion, "written"):
        return str(conversion.written(_plain))
    return str(conversion)


@register.filter
def monies(values: Any) -> str:
    """Amounts in several currencies, each in the reader's format, joined by "; "."""
    return "; ".join(money(v) for v in values or ())


@register.filter
def stated(figure: Any) -> str:
    """A stated count with its qualifier's sign, in the reader's format (``≥ 80 000`` in French):
    ``{{ f|stated }}`` for a figure (or its row) with ``trained_count`` and ``qualifier``."""
    from veille.core.statements import shown

    def field(name: str) -> Any:
        return figure.get(name) if isinstance(figure, dict) else getattr(figure, name, None)

    count = field("trained_count")
    if count is None:
        return "—"
    return shown(int(count), str(field("qualifier") or ""), lambda n: number(n))
