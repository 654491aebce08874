"""ECB conversions: the value date's rate, else the previous business day's, never a later one."""

from __future__ import annotations

import datetime as dt
import doctest
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import veille.core.fx as fx_module
from veille.core.fx import (
    BUNDLED_RATES_FILE,
    FxConverter,
    NoRateBefore,
    RatesFileInvalid,
    RateTable,
    RateUsed,
    UnsupportedCurrency,
)
from veille.core.money import Money

TABLE = RateTable.bundled()
FX = FxConverter(TABLE)
# Currencies the ECB still publishes today, so that any recent date has a rate.
# ISK is left out: the ECB did not quote it from December 2008 to 2018 (tested on its own below).
LIVE = sorted(c for c in TABLE.currencies if TABLE.bounds(c)[1] == TABLE.source.last_date and c != "ISK")  # type: ignore[index]
# From the day every one of them is quoted (BRL, KRW … joined later than 1999).
ALL_QUOTED = max(TABLE.bounds(c)[0] for c in LIVE) + dt.timedelta(days=8)  # type: ignore[index]


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(fx_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5 and result.failed == 0


def test_the_bundled_history_is_read_in_decimal() -> None:
    assert TABLE.source.first_date == dt.date(1999, 1, 4)
    assert TABLE.source.last_date >= dt.date(2025, 1, 1)
    assert {"USD", "GBP", "NOK", "PLN", "SEK", "JPY", "EUR"} <= TABLE.currencies
    assert TABLE.published("USD", dt.date(1999, 1, 4)) == Decimal("1.1789")
    assert len(TABLE.source.sha256) == 64


def test_a_business_day_uses_its_own_rate() -> None:
    c = FX.convert(Money.parse("1000", "EUR"), "USD", dt.date(2024, 1, 2))
    assert c.rate_date == dt.date(2024, 1, 2)
    assert c.amount == Money.parse("1095.60", "USD")
    assert c.rate == Decimal("1.0956")
    assert "eurofxref-hist.zip" in c.source and "ECB" in c.source


def test_a_holiday_uses_the_previous_business_day_never_a_later_one() -> None:
    # Good Friday 2024-03-29 and Easter Monday 2024-04-01: TARGET is closed; 2024-03-28 applies.
    for day in (dt.date(2024, 3, 29), dt.date(2024, 3, 30), dt.date(2024, 3, 31), dt.date(2024, 4, 1)):
        c = FX.convert(Money.parse("1000", "EUR"), "NOK", day)
        assert c.rate_date == dt.date(2024, 3, 28)
        assert c.legs[1].per_eur == TABLE.published("NOK", dt.date(2024, 3, 28))


def test_cross_rates_go_through_eur_on_one_rate_date() -> None:
    c = FX.convert(Money.parse("1000000", "NOK"), "PLN", dt.date(2024, 6, 14))
    nok, pln = TABLE.published("NOK", c.rate_date), TABLE.published("PLN", c.rate_date)
    assert nok is not None and pln is not None
    assert c.amount == Money.rounded(Decimal(1000000) / nok * pln, "PLN")
    assert {leg.rate_date for leg in c.legs} == {c.rate_date}


def test_a_date_before_the_first_rate_is_a_named_error() -> None:
    with pytest.raises(NoRateBefore) as exc:
        FX.convert(Money.parse("1", "USD"), "EUR", dt.date(1998, 12, 31))
    assert exc.value.field == "value_date"
    assert "start on 1999-01-04" in exc.value.message


def test_a_date_past_the_loaded_rates_says_how_to_load_newer_ones() -> None:
    late = TABLE.source.last_date + dt.timedelta(days=30)
    with pytest.raises(NoRateBefore) as exc:
        FX.convert(Money.parse("1", "USD"), "EUR", late)
    assert exc.value.field == "value_date"
    assert "veille import ecb-rates" in exc.value.message


def test_a_currency_the_ecb_stopped_quoting_is_not_carried_forward() -> None:
    # ISK: no ECB rate between December 2008 and 2018; an old rate must not be carried forward.
    with pytest.raises(NoRateBefore, match="ISK"):
        FX.convert(Money.parse("100", "ISK"), "EUR", dt.date(2012, 6, 1))


def test_the_look_back_is_bounded_and_configurable() -> None:
    short = FxConverter(TABLE, look_back=dt.timedelta(days=1))
    with pytest.raises(NoRateBefore, match="1 days"):
        short.convert(Money.parse("1", "EUR"), "USD", dt.date(2024, 4, 1))  # Easter Monday
    assert FX.convert(Money.parse("1", "EUR"), "USD", dt.date(2024, 4, 1)).rate_date == dt.date(2024, 3, 28)


def test_a_currency_without_an_ecb_rate_is_a_named_error() -> None:
    with pytest.raises(UnsupportedCurrency) as exc:
        FX.convert(Money.parse("100", "UAH"), "EUR", dt.date(2024, 1, 2))
    assert exc.value.field == "currency"
    with pytest.raises(UnsupportedCurrency) as exc:
        FX.convert(Money.parse("100", "EUR"), "UAH", dt.date(2024, 1, 2))
    assert exc.value.field == "to_currency"


def _newer_zip(tmp_path: Path, extra_day: dt.date) -> Path:
    """The bundled history with one more business day on top, as the ECB would publish it."""
    with zipfile.ZipFile(BUNDLED_RATES_FILE) as z:
        name = z.namelist()[0]
        lines = z.read(name).decode().splitlines()
    header, latest = lines[0], lines[1]
    new_row = ",".join(
        [extra_day.isoformat(), *["1.2345" if v not in ("N/A", "") else v for v in latest.split(",")[1:]]]
    )
    path = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, "\n".join([header, new_row, *lines[1:]]) + "\n")
    return path


def test_a_newer_history_brought_by_the_user_is_loaded_offline(tmp_path: Path) -> None:
    extra = TABLE.source.last_date + dt.timedelta(days=3)
    newer = RateTable.from_zip(_newer_zip(tmp_path, extra))
    assert newer.source.last_date == extra
    assert newer.source.sha256 != TABLE.source.sha256
    c = FxConverter(newer).convert(Money.parse("100", "EUR"), "USD", extra)
    assert (c.rate_date, c.amount) == (extra, Money.parse("123.45", "USD"))
    with pytest.raises(NoRateBefore):
        FX.convert(Money.parse("100", "EUR"), "USD", extra + dt.timedelta(days=10))


def test_a_file_that_is_not_an_ecb_history_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "eurofxref-hist.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(RatesFileInvalid) as exc:
        RateTable.from_zip(bad)
    assert exc.value.field == "path"
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("x.csv", "hello\nworld,1,2\n")
    with pytest.raises(RatesFileInvalid):
        RateTable.from_zip(other)
    with pytest.raises(RatesFileInvalid):
        RateTable.from_zip(tmp_path / "missing.zip")


days = st.dates(min_value=dt.date(1999, 1, 4), max_value=TABLE.source.last_date)
recent = st.dates(min_value=ALL_QUOTED, max_value=TABLE.source.last_date)
live = st.sampled_from(LIVE)


@settings(max_examples=200)
@given(live, live, recent, st.integers(min_value=-(10**13), max_value=10**13))
def test_a_round_trip_stays_within_rounding(a: str, b: str, day: dt.date, units: int) -> None:
    original = Money.from_minor(units, a)
    there = FX.convert(original, b, day)
    back = FX.convert(there.amount, a, day)
    leg_a, leg_b = there.legs
    # Half a minor unit lost going there, worth (A per B) on the way back, plus half a unit of A.
    bound = (
        Decimal(1).scaleb(-original.decimals) / 2
        + (Decimal(1).scaleb(-there.amount.decimals) / 2) * leg_a.per_eur / leg_b.per_eur
    )
    assert abs(back.amount.amount - original.amount) <= bound
    assert back.rate_date == there.rate_date


@settings(max_examples=200)
@given(live, live, days)
def test_the_rate_date_is_the_latest_common_publication_not_after_the_value_date(
    a: str, b: str, day: dt.date
) -> None:
    try:
        c = FX.convert(Money.from_minor(100, a), b, day)
    except NoRateBefore:
        for back in range(8):
            d = day - dt.timedelta(days=back)
            assert TABLE.published(a, d) is None or TABLE.published(b, d) is None
        return
    assert c.rate_date <= day
    assert day - c.rate_date <= FX.look_back
    if a != b:
        for d in (c.rate_date + dt.timedelta(days=n) for n in range(1, (day - c.rate_date).days + 1)):
            assert TABLE.published(a, d) is None or TABLE.published(b, d) is None


@given(live, live, recent, st.integers(min_value=0, max_value=10**12))
def test_converting_never_changes_the_original(a: str, b: str, day: dt.date, units: int) -> None:
    original = Money.from_minor(units, a)
    c = FX.convert(original, b, day)
    assert c.original is original and original == Money.from_minor(units, a)
    assert c.amount.currency == b
    assert (c.amount.amount >= 0) == (units >= 0)


@given(live, live, recent, st.integers(min_value=1, max_value=10**12))
def test_the_rate_used_names_what_the_conversion_used(a: str, b: str, day: dt.date, units: int) -> None:
    c = FX.convert(Money.from_minor(units, a), b, day)
    used = RateUsed.of(c)
    assert (used.currency, used.to_currency) == (a, b)
    assert (used.value_date, used.rate_date, used.rate, used.source) == (day, c.rate_date, c.rate, FX.source)
    assert used.as_dict() == {
        "currency": a,
        "to_currency": b,
        "value_date": day.isoformat(),
        "rate_date": c.rate_date.isoformat(),
        "rate": str(c.rate),
        "provisional": "no",
        "source": FX.source,
    }
    rounded = c.rate.quantize(Decimal("0.01"))
    assert RateUsed.of(c, rounded).rate == rounded  # a report that applied the rate rounded says so


# --- provisional conversions: a value date after the loaded rates, up to the caller's today -----

LAST = TABLE.source.last_date
TODAY = LAST + dt.timedelta(days=35)
LATE = FxConverter(TABLE, provisional_until=TODAY)


def test_a_value_date_after_the_loaded_rates_is_converted_provisionally_at_the_latest_rate() -> None:
    c = LATE.convert(Money.parse("1000000", "NOK"), "USD", TODAY)
    at_last = FX.convert(Money.parse("1000000", "NOK"), "USD", LAST)
    assert c.provisional and not at_last.provisional
    assert (c.rate_date, c.rate, c.amount) == (at_last.rate_date, at_last.rate, at_last.amount)
    assert c.value_date == TODAY  # the value date stays what was given
    assert RateUsed.of(c).provisional and RateUsed.of(c).as_dict()["provisional"] == "yes"
    # A date the loaded rates cover is never provisional, with or without a today.
    assert not LATE.convert(Money.parse("1", "NOK"), "USD", LAST).provisional
    # One currency: nothing to convert, nothing provisional.
    assert not LATE.convert(Money.parse("1", "USD"), "USD", TODAY).provisional


def test_a_value_date_after_today_gets_no_rate_not_even_a_provisional_one() -> None:
    with pytest.raises(NoRateBefore) as exc:
        LATE.convert(Money.parse("1", "USD"), "EUR", TODAY + dt.timedelta(days=1))
    assert exc.value.field == "value_date"
    assert "not even a provisional one" in exc.value.message
    # Without a today, a converter never converts past the loaded rates (the doctests' and reports'
    # strict policy).
    with pytest.raises(NoRateBefore):
        FX.convert(Money.parse("1", "USD"), "EUR", LAST + dt.timedelta(days=30))


def test_a_provisional_value_is_revalued_once_the_days_rate_is_loaded(tmp_path: Path) -> None:
    day = LAST + dt.timedelta(days=3)
    before = FxConverter(TABLE, provisional_until=TODAY).convert(Money.parse("100", "EUR"), "USD", day)
    newer = FxConverter(RateTable.from_zip(_newer_zip(tmp_path, day)), provisional_until=TODAY)
    after = newer.convert(Money.parse("100", "EUR"), "USD", day)
    assert before.provisional and before.rate_date == LAST
    assert not after.provisional and (after.rate_date, after.amount) == (day, Money.parse("123.45", "USD"))


after_the_rates = st.dates(min_value=LAST + dt.timedelta(days=1), max_value=TODAY)


@settings(max_examples=100)
@given(live, live, after_the_rates, st.integers(min_value=-(10**12), max_value=10**12))
def test_a_provisional_conversion_is_the_conversion_at_the_last_loaded_day(
    a: str, b: str, day: dt.date, units: int
) -> None:
    money = Money.from_minor(units, a)
    c = LATE.convert(money, b, day)
    last = FX.convert(money, b, LAST)
    assert c.amount == last.amount and c.value_date == day
    assert c.provisional == (a != b)
    if a != b:  # one currency has nothing to convert: its "rate date" is the value date itself
        assert c.rate_date == last.rate_date <= LAST < day
