"""Money: exact amounts in one ISO 4217 currency; mixed currencies and extra decimals are refused."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import veille.core.money as money_module
from veille.core.errors import InvalidInput
from veille.core.money import (
    CURRENCIES,
    CurrencyMismatch,
    Money,
    TooManyDecimals,
    UnknownCurrency,
    check_currency,
    minor_unit,
)

codes = st.sampled_from(sorted(CURRENCIES))


@st.composite
def monies(draw: st.DrawFn, currency: str | None = None) -> Money:
    code = currency or draw(codes)
    units = draw(st.integers(min_value=-(10**15), max_value=10**15))
    return Money.from_minor(units, code)


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(money_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10 and result.failed == 0


def test_minor_units_follow_iso_4217() -> None:
    assert [
        minor_unit(c) for c in ("EUR", "USD", "NOK", "JPY", "KRW", "ISK", "KWD", "BHD", "CLF", "UAH")
    ] == [
        2,
        2,
        2,
        0,
        0,
        0,
        3,
        3,
        4,
        2,
    ]


def test_codes_without_a_minor_unit_are_not_money() -> None:
    for code in ("XAU", "XDR", "XTS", "XXX"):
        with pytest.raises(UnknownCurrency):
            check_currency(code)


def test_an_unknown_currency_is_refused_naming_the_field() -> None:
    with pytest.raises(UnknownCurrency) as exc:
        Money.parse("12.00", "EUROS")
    assert exc.value.field == "currency"
    with pytest.raises(UnknownCurrency):
        Money(Decimal(1), "ABC")


def test_too_many_decimals_are_refused_naming_the_field() -> None:
    with pytest.raises(TooManyDecimals) as exc:
        Money.parse("10.005", "EUR")
    assert exc.value.field == "amount"
    assert "EUR allows 2" in exc.value.message
    with pytest.raises(TooManyDecimals):
        Money.parse("100.5", "JPY")
    with pytest.raises(TooManyDecimals):
        Money.parse("1.0001", "KWD")
    with pytest.raises(TooManyDecimals, match="unit_price"):
        Money.parse("1.001", "USD", field="unit_price")


def test_trailing_zeros_are_not_extra_decimals() -> None:
    assert Money.parse("1500.000", "JPY") == Money(1500, "JPY")
    assert Money.parse("2.50", "EUR").amount == Decimal("2.50")


def test_floats_are_refused_everywhere() -> None:
    with pytest.raises(TypeError):
        Money(0.1, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.parse("1", "EUR") * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money.rounded(2.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        Money.parse(1.5, "EUR")  # type: ignore[arg-type]


def test_malformed_amounts_are_refused() -> None:
    for text in ("", "abc", "1,5", "1.2.3", "1e6", "NaN", "12,34,567"):
        with pytest.raises(InvalidInput) as exc:
            Money.parse(text, "EUR")
        assert exc.value.field == "amount"
    with pytest.raises(InvalidInput):
        Money(Decimal("Infinity"), "EUR")


def test_amounts_can_be_written_with_their_code_and_thousands() -> None:
    assert Money.parse("EUR 1 250 000.50") == Money(Decimal("1250000.5"), "EUR")
    assert Money.parse("1,250,000 usd") == Money(1250000, "USD")
    assert Money.parse("-12\u202f000 NOK") == Money(-12000, "NOK")
    with pytest.raises(UnknownCurrency):
        Money.parse("1250")


@given(monies(), monies())
def test_mixing_currencies_is_refused(a: Money, b: Money) -> None:
    if a.currency == b.currency:
        assert (a + b) - b == a
        return
    for op in (lambda: a + b, lambda: a - b, lambda: a < b, lambda: a >= b):
        with pytest.raises(CurrencyMismatch):
            op()


@given(codes.flatmap(lambda c: st.tuples(monies(c), monies(c), monies(c))))
def test_addition_is_exact_associative_and_commutative(abc: tuple[Money, Money, Money]) -> None:
    a, b, c = abc
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert (a + b).minor_units == a.minor_units + b.minor_units


@given(monies())
def test_text_and_minor_units_round_trip(m: Money) -> None:
    assert Money.parse(str(m)) == m
    assert Money.parse(m.format()) == m
    assert Money.from_minor(m.minor_units, m.currency) == m


@given(monies(), st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=8))
def test_allocation_neither_loses_nor_creates_a_minor_unit(m: Money, weights: list[int]) -> None:
    if sum(weights) == 0:
        with pytest.raises(InvalidInput):
            m.allocate(weights)
        return
    parts = m.allocate(weights)
    assert Money.total(parts, m.currency) == m
    assert all(p.currency == m.currency for p in parts)
    assert all(p.is_zero() for p, w in zip(parts, weights, strict=True) if w == 0)


@given(monies(), st.decimals(min_value=Decimal("-10"), max_value=Decimal("10"), places=6))
def test_scaling_rounds_half_even_to_the_minor_unit(m: Money, factor: Decimal) -> None:
    scaled = m * factor
    exact = m.amount * factor
    unit = Decimal(1).scaleb(-m.decimals)
    assert abs(scaled.amount - exact) <= unit / 2
