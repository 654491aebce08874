"""The same pledge twice: a new pledge or commitment that repeats a live one of the same nation, to
the same package (or to PURL in general), of the same amount and currency, on the same value date,
is held back with :class:`~veille.purl.exceptions.PossibleDuplicate` until the caller confirms it
is a second one (``confirm_duplicate``). Two contributions of the same size on one day happen; a
form sent twice happens more often."""

from __future__ import annotations

import datetime as dt
from typing import Any

from veille.core.errors import InvalidInput
from veille.core.money import Money
from veille.ledger import services as ledger
from veille.purl.exceptions import PossibleDuplicate
from veille.purl.models import FundingEvent, Package


def check_duplicate(
    nation: str,
    package: Package | None,
    amount: Any,
    currency: str,
    value_date: dt.date,
    role: str,
    confirmed: bool,
) -> None:
    """Refuse a repeat of a live ``role`` (pledge or commitment) unless ``confirmed``."""
    if confirmed:
        return
    try:
        money = Money.parse(str(amount), currency)
    except InvalidInput:
        return  # the ledger names what is wrong with the amount
    same = (
        FundingEvent.objects.filter(
            role=role,
            package=package,
            contribution__nation_id=(nation or "").strip().upper(),
            event__currency=money.currency,
            event__amount_minor=money.minor_units,
            event__value_date=value_date,
        )
        .select_related("contribution", "event")
        .order_by("event_id")
    )
    for link in same:
        if ledger.is_reversed(link.event_id):
            continue
        c = link.contribution
        where = package.name if package is not None else "PURL in general"
        raise PossibleDuplicate(
            f"{c.nation_id} recorded this {role} already: {money.format()} to {where}, value date "
            f"{value_date.isoformat()} (contribution {c.pk}, by {c.created_by} on "
            f"{c.created_at:%Y-%m-%d %H:%M}). If it is a second one, confirm to record it",
            field="confirm_duplicate",
        )


__all__ = [
    "check_duplicate",
]
