"""The rates page: which ECB history is in use and how old its newest rate is (every page's footer
says it too), and a coordinator loading a newer file from the browser, through the same importer as
``veille import ecb-rates``, audited."""

from __future__ import annotations

import datetime as dt
import html
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from veille.audit.models import AuditEvent
from veille.core.fx import BUNDLED_RATES_FILE, RateTable
from veille.ledger import rates

LAST = RateTable.bundled().source.last_date


def newer_history(day: dt.date) -> bytes:
    """The bundled history with one more business day on top, as the ECB would publish it."""
    with zipfile.ZipFile(BUNDLED_RATES_FILE) as z:
        name = z.namelist()[0]
        lines = z.read(name).decode().splitlines()
    values = ["1.5" if v not in ("N/A", "") else v for v in lines[1].split(",")[1:]]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, "\n".join([lines[0], ",".join([day.isoformat(), *values]), *lines[1:]]) + "\n")
    return buffer.getvalue()


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def test_every_page_says_how_old_the_newest_rate_is(client_as: Any, var_dir: Path) -> None:
    age = (dt.date.today() - LAST).days
    for path in ("/", "/purl/", "/ledger/", "/nations/", "/no-such-page/"):
        page = client_as("pawel").get(path).content.decode()
        assert f"Newest ECB exchange rate: {LAST.isoformat()}, {age} days old" in page, path
    french = client_as("pawel")
    french.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert f"Taux de change BCE le plus récent : {LAST.isoformat()}" in french.get("/").content.decode()


def test_the_rates_page_shows_the_rates_in_use_and_only_coordinators_may_load_a_file(
    client_as: Any, var_dir: Path
) -> None:
    page = client_as(None).get("/ledger/rates/").content.decode()
    assert LAST.isoformat() in page and 'data-testid="rates-form"' not in page
    assert 'data-testid="rates-form"' not in client_as("nora").get("/ledger/rates/").content.decode()
    assert 'data-testid="rates-form"' in client_as("alice").get("/ledger/rates/").content.decode()
    upload = SimpleUploadedFile("eurofxref-hist.zip", newer_history(LAST + dt.timedelta(days=3)))
    assert client_as("nora").post("/ledger/rates/", {"file": upload}).status_code == 403
    assert not rates.installed_path().exists()
    assert not AuditEvent.objects.filter(action="ledger.rates.install").exists()


def test_a_coordinator_loads_a_newer_history_from_the_page_and_it_is_audited(
    client_as: Any, var_dir: Path
) -> None:
    day = LAST + dt.timedelta(days=3)
    alice = client_as("alice")
    checked = alice.post(
        "/ledger/rates/",
        {"file": SimpleUploadedFile("eurofxref-hist.zip", newer_history(day)), "dry_run": "on"},
        follow=True,
    )
    assert "nothing was changed" in checked.content.decode() and not rates.installed_path().exists()
    loaded = alice.post(
        "/ledger/rates/", {"file": SimpleUploadedFile("eurofxref-hist.zip", newer_history(day))}, follow=True
    )
    assert loaded.status_code == 200
    assert rates.installed_path().exists() and rates.newest_rate_date() == day
    assert f"up to {day.isoformat()} (1 new days)" in loaded.content.decode()
    (audited,) = AuditEvent.objects.filter(action="ledger.rates.install")
    assert audited.actor == "alice" and audited.via == "web" and day.isoformat() in audited.after["source"]
    assert f"Newest ECB exchange rate: {day.isoformat()}" in alice.get("/").content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("eurofxref-hist.zip", b"not a zip", "is not a zip file"),
        ("rates.csv.gz", b"x", "bring the ECB's eurofxref-hist.zip"),
        ("eurofxref-hist.zip", BUNDLED_RATES_FILE.read_bytes(), None),
    ],
)
def test_a_file_that_is_not_a_newer_ecb_history_is_refused_with_its_reason(
    client_as: Any, var_dir: Path, name: str, content: bytes, message: str | None
) -> None:
    if message is None:  # the same history again is accepted (it does not end earlier)
        response = client_as("alice").post("/ledger/rates/", {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 302
        return
    response = client_as("alice").post("/ledger/rates/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 422
    assert message in html.unescape(response.content.decode())
    assert not rates.installed_path().exists()
    assert not AuditEvent.objects.filter(action="ledger.rates.install").exists()


def test_an_older_history_than_the_one_in_use_is_refused(client_as: Any, var_dir: Path) -> None:
    alice = client_as("alice")
    newer = newer_history(LAST + dt.timedelta(days=3))
    alice.post("/ledger/rates/", {"file": SimpleUploadedFile("eurofxref-hist.zip", newer)})
    older = alice.post(
        "/ledger/rates/", {"file": SimpleUploadedFile("eurofxref-hist.zip", BUNDLED_RATES_FILE.read_bytes())}
    )
    assert older.status_code == 422 and "before the rates in use" in older.content.decode()
    assert rates.newest_rate_date() == LAST + dt.timedelta(days=3)
