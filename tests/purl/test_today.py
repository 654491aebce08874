"""Today's date is accepted: an amount dated after the newest ECB rate loaded is converted at it,
marked provisional with the rate's date on pages, API and exports, and revalued when the day's
rate is loaded. The commit form defaults to today and works."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from veille.core.fx import BUNDLED_RATES_FILE, RateTable
from veille.kit.exports import read_csv_rows
from veille.ledger import rates
from veille.ledger.models import LedgerEvent
from veille.ledger.queries import CONSOLE
from veille.nations.access import Actor
from veille.purl.queries import coverage

Client = Callable[[str | None], Any]
LAST = RateTable.bundled().source.last_date


@pytest.fixture
def today() -> dt.date:
    day = dt.date.today()
    if day <= LAST:
        pytest.skip("the shipped ECB rates reach today: nothing is provisional")
    return day


def test_the_commit_form_defaults_to_today_and_records_a_provisional_commitment(
    package: Any, client_as: Client, today: dt.date
) -> None:
    nora = client_as("nora")
    form = nora.get(f"/purl/contribute/?package={package.pk}").content.decode()
    assert f'value="{today.isoformat()}"' in form
    response = nora.post(
        "/purl/contribute/",
        {
            "nation": "NOR",
            "package": str(package.pk),
            "kind": "commitment",
            "amount": "250000000",
            "currency": "NOK",
            "value_date": today.isoformat(),
            "source": "Storting decision",
            "releasable_to": "NATO",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = LedgerEvent.objects.get(party_id="NOR", kind="commitment")
    assert (event.value_date, event.amount_minor, event.currency) == (today, 25_000_000_000, "NOK")
    fund = coverage(CONSOLE, package)
    assert fund.provisional and fund.newest_rate == LAST
    (rate,) = fund.rates
    assert (rate["value_date"], rate["rate_date"], rate["provisional"]) == (
        today.isoformat(),
        LAST.isoformat(),
        "yes",
    )
    page = nora.get(f"/purl/packages/{package.pk}/").content.decode()
    assert 'data-testid="provisional"' in page and LAST.isoformat() in page
    api = nora.get("/api/v1/purl/contributions").json()["items"]
    assert [c["provisional"] for c in api] == [True]
    rows = read_csv_rows(nora.get("/purl/packages.csv").content.decode())
    assert [r["provisional"] for r in rows if r["id"] == str(package.pk)] == ["True"]


def test_a_provisional_figure_is_revalued_when_the_days_rate_is_loaded(
    package: Any, actor_of: Callable[[str], Actor], settings: Any, tmp_path: Path, today: dt.date
) -> None:
    from veille.kit.importers import no_progress
    from veille.ledger.importers import run_ecb_rates
    from veille.purl.services import ContributionData, do_commit

    settings.VAR_DIR = tmp_path / "var"
    do_commit(actor_of("nora"), ContributionData("NOR", "100000000", "NOK", today, ["x"], package=package.pk))
    before = coverage(CONSOLE, package)
    assert before.provisional
    with zipfile.ZipFile(BUNDLED_RATES_FILE) as z:
        name = z.namelist()[0]
        lines = z.read(name).decode().splitlines()
    values = ["2" if v not in ("N/A", "") else v for v in lines[1].split(",")[1:]]  # 2 NOK, 2 USD per EUR
    newer = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(newer, "w") as z:
        z.writestr(name, "\n".join([lines[0], ",".join([today.isoformat(), *values]), *lines[1:]]) + "\n")
    run_ecb_rates(newer, Actor.system_process("tests"), no_progress, False)
    assert rates.newest_rate_date() == today
    after = coverage(CONSOLE, package)
    assert not after.provisional
    assert after.committed_usd == 100_000_000  # 1 NOK = 1 USD that day: revalued, not kept
    assert after.committed_usd != before.committed_usd
