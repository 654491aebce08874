"""Money: an exact ``Decimal`` amount and its ISO 4217 currency code. Never a float.

A :class:`Money` always holds an amount that its currency can express: no more decimals than the
currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD, 4 for CLF). Arithmetic between two
currencies is refused; conversion is :mod:`veille.core.fx`'s job, with a named and dated rate.

>>> a = Money.parse("1250000.50", "EUR")
>>> a + Money.parse("0.50", "EUR")
Money('1250001.00', 'EUR')
>>> a + Money.parse("1", "USD")
Traceback (most recent call last):
...
veille.core.money.CurrencyMismatch: currency: cannot add EUR and USD; convert one of them first
>>> Money.parse("10.005", "EUR")
Traceback (most recent call last):
...
veille.core.money.TooManyDecimals: amount: 10.005 has 3 decimals; EUR allows 2

Rounding, where an operation needs it (multiplying by a share, converting), goes to the currency's
minor unit with ``ROUND_HALF_EVEN`` (banker's rounding): over many figures it neither inflates
nor deflates a total.

The minor units are ISO 4217's, transcribed from List One (current currencies, including XCG of
2025 and ZWG of 2024) and, for currencies that an ally or a partner used since 1999 and that the
ECB reference rates still carry, List Three (historic currencies). Source: the ISO 4217
maintenance agency, SIX Financial Information, https://www.six-group.com/en/products-services/
financial-information/data-standards.html. Codes whose minor unit is "N.A." (gold, SDR, testing
codes) are not money here and are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from veille.core.errors import InvalidInput

__all__ = [
    "CURRENCIES",
    "HISTORIC_CURRENCIES",
    "CurrencyMismatch",
    "Money",
    "TooManyDecimals",
    "UnknownCurrency",
    "check_currency",
    "minor_unit",
]


class UnknownCurrency(InvalidInput):
    """A code that is not an ISO 4217 currency with a minor unit."""


class TooManyDecimals(InvalidInput):
    """An amount with more decimals than its currency's minor unit allows."""


class CurrencyMismatch(InvalidInput):
    """Two amounts in different currencies combined without a conversion."""


# code: minor unit. List One (current), alphabetical.
_LIST_ONE = """
AED 2 AFN 2 ALL 2 AMD 2 AOA 2 ARS 2 AUD 2 AWG 2 AZN 2 BAM 2 BBD 2 BDT 2 BHD 3 BIF 0 BMD 2 BND 2
BOB 2 BOV 2 BRL 2 BSD 2 BTN 2 BWP 2 BYN 2 BZD 2 CAD 2 CDF 2 CHE 2 CHF 2 CHW 2 CLF 4 CLP 0 CNY 2
COP 2 COU 2 CRC 2 CUP 2 CVE 2 CZK 2 DJF 0 DKK 2 DOP 2 DZD 2 EGP 2 ERN 2 ETB 2 EUR 2 FJD 2 FKP 2
GBP 2 GEL 2 GHS 2 GIP 2 GMD 2 GNF 0 GTQ 2 GYD 2 HKD 2 HNL 2 HTG 2 HUF 2 IDR 2 ILS 2 INR 2 IQD 3
IRR 2 ISK 0 JMD 2 JOD 3 JPY 0 KES 2 KGS 2 KHR 2 KMF 0 KPW 2 KRW 0 KWD 3 KYD 2 KZT 2 LAK 2 LBP 2
LKR 2 LRD 2 LSL 2 LYD 3 MAD 2 MDL 2 MGA 2 MKD 2 MMK 2 MNT 2 MOP 2 MRU 2 MUR 2 MVR 2 MWK 2 MXN 2
MXV 2 MYR 2 MZN 2 NAD 2 NGN 2 NIO 2 NOK 2 NPR 2 NZD 2 OMR 3 PAB 2 PEN 2 PGK 2 PHP 2 PKR 2 PLN 2
PYG 0 QAR 2 RON 2 RSD 2 RUB 2 RWF 0 SAR 2 SBD 2 SCR 2 SDG 2 SEK 2 SGD 2 SHP 2 SLE 2 SOS 2 SRD 2
SSP 2 STN 2 SVC 2 SYP 2 SZL 2 THB 2 TJS 2 TMT 2 TND 3 TOP 2 TRY 2 TTD 2 TWD 2 TZS 2 UAH 2 UGX 0
USD 2 USN 2 UYI 0 UYU 2 UYW 4 UZS 2 VED 2 VES 2 VND 0 VUV 0 WST 2 XAF 0 XCD 2 XCG 2 XOF 0 XPF 0
YER 2 ZAR 2 ZMW 2 ZWG 2
"""

# List Three (historic) codes still met in allied records and in the ECB history, with their
# minor unit when they were current. BGN left List One when Bulgaria adopted the euro (2026).
_LIST_THREE = """
ANG 2 BGN 2 CUC 2 CYP 2 EEK 2 HRK 2 LTL 2 LVL 2 MTL 2 ROL 2 SIT 2 SKK 2 SLL 2 TRL 0 ZWL 2
"""


def _table(text: str) -> dict[str, int]:
    items = text.split()
    return {code: int(digits) for code, digits in zip(items[::2], items[1::2], strict=True)}


HISTORIC_CURRENCIES: frozenset[str] = frozenset(_table(_LIST_THREE))
#: ISO 4217 code → number of decimals of its minor unit.
CURRENCIES: dict[str, int] = {**_table(_LIST_THREE), **_table(_LIST_ONE)}

_QUANTA = {digits: Decimal(1).scaleb(-digits) for digits in set(CURRENCIES.values())}


def check_currency(code: object, field: str = "currency") -> str:
    """The upper-case ISO 4217 code, or :class:`UnknownCurrency` naming ``field``.

    >>> check_currency("nok")
    'NOK'
    >>> check_currency("EUROS")
    Traceback (most recent call last):
    ...
    veille.core.money.UnknownCurrency: currency: 'EUROS' is not an ISO 4217 currency code
    """
    if not isinstance(code, str):
        raise UnknownCurrency(f"{code!r} is not an ISO 4217 currency code", field=field)
    upper = code.strip().upper()
    if upper not in CURRENCIES:
        raise UnknownCurrency(f"{code!r} is not an ISO 4217 currency code", field=field)
    return upper


def minor_unit(currency: str) -> int:
    """Decimals of the currency's minor unit.

    >>> minor_unit("EUR"), minor_unit("JPY"), minor_unit("KWD"), minor_unit("CLF")
    (2, 0, 3, 4)
    """
    return CURRENCIES[check_currency(currency)]


_NUMBER = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?")
_CODE = re.compile(r"[A-Za-z]{3}")


def _decimal_from_text(text: str, field: str) -> Decimal:
    # Spaces, no-break and thin spaces group thousands; a comma only does so in the unambiguous
    # 1,234,567.89 form (a lone "1,5" could be a French decimal comma). Digits are ASCII ones: another
    # script's digits, or Python's 1_000, are refused rather than read.
    cleaned = re.sub(r"[ \u00a0\u202f]", "", text)
    if not _NUMBER.fullmatch(cleaned):
        raise InvalidInput(f"{text!r} is not an amount (digits, an optional '.' and decimals)", field=field)
    return Decimal(cleaned.replace(",", ""))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. Build it from ``Decimal``, ``int`` or :meth:`parse`, never a float.

    >>> Money(Decimal("12.5"), "eur")
    Money('12.50', 'EUR')
    >>> Money(1000, "JPY").minor_units
    1000
    >>> Money(0.1, "EUR")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: Money needs a Decimal or an int, not float (0.1): floats cannot hold decimal ...
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        code = check_currency(self.currency)
        value = self.amount
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise TypeError(
                f"Money needs a Decimal or an int, not {type(value).__name__} ({value!r}): "
                "floats cannot hold decimal amounts exactly; parse the text instead"
            )
        value = Decimal(value)
        if not value.is_finite():
            raise InvalidInput(f"{value} is not a finite amount", field="amount")
        digits = CURRENCIES[code]
        quantum = _QUANTA[digits]
        try:
            exact = value.quantize(quantum)
        except InvalidOperation as exc:
            raise InvalidInput(f"{value} has too many digits", field="amount") from exc
        if exact != value:
            given = -value.normalize().as_tuple().exponent  # type: ignore[operator]
            raise TooManyDecimals(f"{value} has {given} decimals; {code} allows {digits}", field="amount")
        object.__setattr__(self, "amount", exact)
        object.__setattr__(self, "currency", code)

    # --- building ------------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str, currency: str | None = None, *, field: str = "amount") -> Money:
        """Read ``"1234.56"`` with a currency, or ``"EUR 1234.56"`` / ``"1 234.56 EUR"`` alone.

        Refuses more decimals than the currency allows (trailing zeros are fine) and any code that
        is not ISO 4217.

        >>> Money.parse("USD 1,500,000")
        Money('1500000.00', 'USD')
        >>> Money.parse("3 000,5", "EUR")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        veille.core.errors.InvalidInput: amount: '3 000,5' is not an amount (digits, an optional '.' and ...
        >>> Money.parse("12.5", "XYZ")
        Traceback (most recent call last):
        ...
        veille.core.money.UnknownCurrency: currency: 'XYZ' is not an ISO 4217 currency code
        """
        if not isinstance(text, str):
            raise InvalidInput(f"{text!r} is not text; amounts are read from their written form", field=field)
        body = text.strip()
        if currency is None:
            parts = body.split()
            if len(parts) >= 2 and _CODE.fullmatch(parts[0]):
                currency, body = parts[0], " ".join(parts[1:])
            elif len(parts) >= 2 and _CODE.fullmatch(parts[-1]):
                currency, body = parts[-1], " ".join(parts[:-1])
            else:
                raise UnknownCurrency(
                    f"{text!r} names no currency: write e.g. 'EUR 1250.00'", field="currency"
                )
        code = check_currency(currency)
        value = _decimal_from_text(body, field)
        try:
            return cls(value, code)
        except TooManyDecimals as exc:
            raise TooManyDecimals(exc.message, field=field) from None

    @classmethod
    def rounded(cls, amount: Decimal | int, currency: str) -> Money:
        """``amount`` rounded half-even to the currency's minor unit.

        >>> Money.rounded(Decimal("2.345"), "EUR"), Money.rounded(Decimal("2.355"), "EUR")
        (Money('2.34', 'EUR'), Money('2.36', 'EUR'))
        """
        if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
            raise TypeError(f"Money needs a Decimal or an int, not {type(amount).__name__}")
        code = check_currency(currency)
        return cls(Decimal(amount).quantize(_QUANTA[CURRENCIES[code]], rounding=ROUND_HALF_EVEN), code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        """From an integer count of minor units (cents): ``Money.from_minor(12345, "EUR")`` is 123.45 EUR.

        >>> Money.from_minor(12345, "EUR"), Money.from_minor(12345, "KWD")
        (Money('123.45', 'EUR'), Money('12.345', 'KWD'))
        """
        if isinstance(units, bool) or not isinstance(units, int):
            raise TypeError("minor units are an int")
        code = check_currency(currency)
        return cls(Decimal(units).scaleb(-CURRENCIES[code]), code)

    @classmethod
    def total(cls, items: Iterable[Money], currency: str) -> Money:
        """The sum of ``items``, all in ``currency`` (the empty sum is zero).

        >>> Money.total([Money(1, "EUR"), Money(2, "EUR")], "EUR")
        Money('3.00', 'EUR')
        """
        result = cls.zero(currency)
        for item in items:
            result = result + item
        return result

    # --- reading -------------------------------------------------------------------------------
    @property
    def minor_units(self) -> int:
        """The amount as an integer number of minor units, exact (what the database stores)."""
        return int(self.amount.scaleb(CURRENCIES[self.currency]))

    @property
    def decimals(self) -> int:
        return CURRENCIES[self.currency]

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def format(self) -> str:
        """With thousands grouped: ``1,250,000.50 EUR``.

        >>> Money.parse("-1250000.5", "EUR").format()
        '-1,250,000.50 EUR'
        """
        return f"{self.amount:,} {self.currency}"

    def is_zero(self) -> bool:
        return self.amount == 0

    # --- arithmetic (one currency only) ----------------------------------------------------------
    def _same(self, other: object, verb: str) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot {verb} Money and {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot {verb} {self.currency} and {other.currency}; convert one of them first",
                field="currency",
            )
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other, "add").amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other, "subtract").amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        """Scale by a ``Decimal`` or ``int`` share, rounded half-even. Floats are refused."""
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            raise TypeError(f"multiply Money by a Decimal or an int, not {type(factor).__name__}")
        return Money.rounded(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other, "compare").amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other, "compare").amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other, "compare").amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other, "compare").amount

    def allocate(self, weights: Sequence[int | Decimal]) -> list[Money]:
        """Split by ``weights`` without losing or creating a minor unit (largest remainder).

        >>> [str(m) for m in Money.parse("100", "EUR").allocate([1, 1, 1])]
        ['33.34 EUR', '33.33 EUR', '33.33 EUR']
        """
        if not weights or any(
            isinstance(w, bool) or not isinstance(w, Decimal | int) or w < 0 for w in weights
        ):
            raise InvalidInput("weights are non-negative Decimals or ints, at least one", field="weights")
        whole = sum(Decimal(w) for w in weights)
        if whole == 0:
            raise InvalidInput("weights add up to zero", field="weights")
        units = self.minor_units
        exact = [Decimal(units) * Decimal(w) / whole for w in weights]
        floors = [int(e.to_integral_value(rounding="ROUND_FLOOR")) for e in exact]
        left = units - sum(floors)
        order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
        for i in order[:left]:
            floors[i] += 1
        return [Money.from_minor(u, self.currency) for u in floors]
