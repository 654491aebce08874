"""The ledger's API, pages, ``veille ledger balance`` and ``veille import ecb-rates``."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from veille.core.errors import PermissionDenied
from veille.core.fx import BUNDLED_RATES_FILE, NoRateBefore, RatesFileInvalid, RateTable
from veille.kit.exports import read_csv_rows
from veille.ledger import queries, rates, services
from veille.ledger.models import LedgerEvent
from veille.nations.access import Actor

Write = Callable[..., LedgerEvent]


@pytest.fixture
def chain_events(write: Write, users: dict[str, Any]) -> dict[str, LedgerEvent]:
    c = write("commitment", amount="1000000", currency="NOK", counterparty="UKR")
    a = write("allocation", parent=c.pk, amount="400000", currency="NOK")
    secret = write(
        "commitment", amount="5", currency="EUR", releasable_to="NATIONS", releasable_nations=["NOR"]
    )
    return {"commitment": c, "allocation": a, "secret": secret}


def test_the_api_gives_balances_converted_with_the_rates_used(chain_events: Any, client_as: Any) -> None:
    body = client_as("nora").get("/api/v1/ledger/balances?party=nor&currency=USD").json()
    kinds = {t["kind"]: t for t in body["totals"]}
    assert kinds["commitment"]["original"] == {"EUR": "5.00", "NOK": "1000000.00"}
    assert kinds["allocation"]["original"] == {"NOK": "400000.00"}
    assert {r["currency"] for r in body["rates"]} == {"EUR", "NOK"}
    assert all(r["rate_date"] == "2024-06-14" for r in body["rates"])
    assert "ECB" in body["rates_source"]


def test_the_api_applies_releasability(chain_events: Any, client_as: Any) -> None:
    secret = chain_events["secret"].pk
    assert client_as("nora").get(f"/api/v1/ledger/events/{secret}").status_code == 200
    response = client_as("pawel").get(f"/api/v1/ledger/events/{secret}")
    assert response.status_code == 404 and response.json()["error"]["field"] == "event_id"
    ids = [e["id"] for e in client_as("pawel").get("/api/v1/ledger/events").json()["items"]]
    assert secret not in ids and chain_events["commitment"].pk in ids
    totals = client_as("pawel").get("/api/v1/ledger/balances?party=NOR").json()["totals"]
    assert {t["kind"]: t["original"] for t in totals}["commitment"] == {"NOK": "1000000.00"}


def test_an_event_in_the_api_carries_its_derived_status(chain_events: Any, client_as: Any) -> None:
    c = chain_events["commitment"].pk
    body = client_as("alice").get(f"/api/v1/ledger/events/{c}").json()
    assert (body["status"], body["size"], body["drawn"]) == ("partial", 100000000, 40000000)
    tree = client_as("alice").get(f"/api/v1/ledger/events/{chain_events['allocation'].pk}/chain").json()
    assert tree["id"] == c and tree["children"][0]["id"] == chain_events["allocation"].pk


def test_the_api_exports_csv(chain_events: Any, client_as: Any) -> None:
    response = client_as("alice").get("/api/v1/ledger/events.csv?party=NOR")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(read_csv_rows(response.content.decode()))
    assert [r["kind"] for r in rows] == ["commitment", "allocation", "commitment"]
    balances = client_as("alice").get("/api/v1/ledger/balances.csv?party=NOR&currency=EUR").content.decode()
    assert "ECB rate of 2024-06-14" in balances


def test_the_api_names_the_field_of_a_bad_query(chain_events: Any, client_as: Any) -> None:
    response = client_as("alice").get("/api/v1/ledger/balances?currency=UAH")
    assert response.status_code == 422 and response.json()["error"]["field"] == "currency"
    response = client_as("alice").get("/api/v1/ledger/balances?period=week")
    assert response.status_code == 422 and response.json()["error"]["field"] == "period"


def test_the_ledger_page_shows_a_partys_balances(chain_events: Any, client_as: Any) -> None:
    page = client_as("nora").get("/ledger/?party=NOR&currency=EUR").content.decode()
    assert "1,000,000.00 NOK" in page or "1000000.00 NOK" in page
    assert "ECB rate of" in page
    assert client_as("nora").get("/ledger/?as_of=yesterday").status_code == 400
    chain = client_as("nora").get(f"/ledger/events/{chain_events['allocation'].pk}/")
    assert chain.status_code == 200 and "partial" in chain.content.decode()
    assert client_as("pawel").get(f"/ledger/events/{chain_events['secret'].pk}/").status_code == 404


def test_the_command_prints_balances_with_the_rates_used(chain_events: Any) -> None:
    out = io.StringIO()
    call_command("ledger", "balance", "--party", "NOR", "--currency", "USD", stdout=out)
    text = out.getvalue()
    assert "commitment" in text and "USD" in text
    assert "1 NOK = " in text and "ECB rate of 2024-06-14" in text
    out = io.StringIO()
    call_command("ledger", "balance", "--party", "NOR", "--as-of", "2000-01-01", stdout=out)
    assert "no events" in out.getvalue()
    with pytest.raises(CommandError, match="--party"):
        call_command("ledger", "balance", "--party", "XXX")
    with pytest.raises(CommandError, match="currency"):
        call_command("ledger", "balance", "--party", "NOR", "--currency", "UAH")


def _newer(tmp_path: Path, days_later: int) -> tuple[Path, dt.date]:
    with zipfile.ZipFile(BUNDLED_RATES_FILE) as z:
        name = z.namelist()[0]
        lines = z.read(name).decode().splitlines()
    last = RateTable.bundled().source.last_date
    day = last + dt.timedelta(days=days_later)
    values = ["1.5" if v not in ("N/A", "") else v for v in lines[1].split(",")[1:]]
    path = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, "\n".join([lines[0], ",".join([day.isoformat(), *values]), *lines[1:]]) + "\n")
    return path, day


def test_a_newer_ecb_history_is_imported_offline(
    write: Write, tmp_path: Path, settings: Any, users: dict[str, Any]
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    today = dt.date.today()
    last = RateTable.bundled().source.last_date
    path, day = _newer(tmp_path, min(20, (today - last).days))
    # After today there is no rate, not even a provisional one.
    with pytest.raises(NoRateBefore):
        write("commitment", amount="10", currency="USD", value_date=today + dt.timedelta(days=1))
    # Up to today, a value date after the loaded rates is converted at the latest rate, provisionally.
    event = write("commitment", amount="10", currency="USD", value_date=day)
    assert event.value_date == day and event.amount_minor == 1000  # stored as given
    (used,) = queries.report(queries.CONSOLE, party="NOR", currency="EUR").rates
    assert (used.value_date, used.rate_date, used.provisional) == (day, last, True)
    out = io.StringIO()
    call_command("import", "ecb-rates", str(path), "--dry-run", stdout=out)
    assert "[dry run]" in out.getvalue() and not rates.installed_path().exists()
    out = io.StringIO()
    call_command("import", "ecb-rates", str(path), stdout=out)
    assert "created 1" in out.getvalue()
    assert rates.installed_path().exists()
    # Revalued: the same figure at the rate of its own day, no longer provisional.
    (used,) = queries.report(queries.CONSOLE, party="NOR", currency="EUR").rates
    assert (used.value_date, used.rate_date, used.provisional) == (day, day, False)
    assert write("commitment", amount="10", currency="USD", value_date=day).value_date == day
    older = tmp_path / "old" / "eurofxref-hist.zip"
    older.parent.mkdir()
    older.write_bytes(BUNDLED_RATES_FILE.read_bytes())
    with pytest.raises(CommandError, match="before the rates in use"):
        call_command("import", "ecb-rates", str(older))


def test_only_coordinators_install_rates_and_only_ecb_files(
    tmp_path: Path, settings: Any, actor_of: Callable[[str], Actor]
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    path, _day = _newer(tmp_path, 5)
    with pytest.raises(PermissionDenied):
        services.do_install_rates(actor_of("nora"), path)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK not really")
    with pytest.raises(RatesFileInvalid):
        services.do_install_rates(actor_of("alice"), bad)
    assert not rates.installed_path().exists()
