"""Sources a journalist can follow (issue 22, item 7): the claims page links the press report it
checks (the shipped file and NATO's public page); the PURL public record links each row's source;
support's sources are named; every CSV export carries its source and licence in ``#`` lines and
prints its numbers to their figure's precision; ``claims.csv`` carries the verdict and the
definitions; a claim computed from partial data says "not enough data to decide"."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from veille.kit.exports import read_csv_rows

pytestmark = pytest.mark.django_db
Client = Callable[[str | None], Any]
LONG_NUMBER = re.compile(r"(?<![\w.])\d+\.\d{7,}(?![\w.])")
PURL_CSV = Path(__file__).resolve().parents[2] / "data" / "purl" / "purl_contributions.csv"


@pytest.fixture
def public_record(users: Any) -> Any:
    from veille.kit.importers import no_progress
    from veille.nations.access import Actor
    from veille.purl.services import do_import_announcements

    return do_import_announcements(Actor.system_process("import:purl-announcements"), PURL_CSV, no_progress)


@pytest.fixture
def nato_loaded(nations: None) -> None:
    """NATO's spending tables and the press figures, imported through the service."""
    from veille.nations.access import Actor
    from veille.spending.services import do_import_figures
    from veille.spending.workbooks import read_nato, read_press

    folder = PURL_CSV.parents[1] / "defence_spending"
    for parsed in (
        read_nato(folder / "nato_240617-def-exp-2024-TABLES-en.xlsx"),
        read_press(folder / "nato_pct_gdp_2024_2025_from_press.csv"),
    ):
        do_import_figures(Actor.system_process("tests"), parsed)


def head_and_rows(text: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    head = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[2:].partition(": ")
        head[key] = value
    return head, read_csv_rows(text)


def test_the_claims_page_links_the_press_report_it_checks(client_as: Client, kiel_release28: None) -> None:
    html = client_as(None).get("/support/claims/").content.decode()
    press = html.split('data-testid="press-report"', 1)[1].split("</p>", 1)[0]
    assert 'href="/support/claims/press-report.fr.txt"' in press
    assert 'href="https://www.nato.int/cps/en/natohq/opinions.htm"' in press
    report = client_as(None).get("/support/claims/press-report.fr.txt")
    assert report["Content-Type"].startswith("text/plain")
    text = b"".join(report.streaming_content).decode()
    assert "99 % de tout le soutien militaire" in text


def test_a_claim_computed_from_partial_data_is_not_enough_to_decide(
    client_as: Client, public_record: Any
) -> None:
    html = client_as(None).get("/support/claims/").content.decode()
    purl = html.split('data-testid="claim-purl-4bn-21"', 1)[1].split("</section>", 1)[0]
    assert "3.873 bn USD" in purl
    assert "not enough data to decide" in purl and "no data" not in purl


def test_the_purl_public_record_links_each_rows_source(client_as: Client, public_record: Any) -> None:
    html = client_as(None).get("/purl/record/").content.decode()
    assert 'data-testid="record-sources"' in html
    cells = re.findall(r'<td class="sources" data-testid="row-source">(.*?)</td>', html, flags=re.S)
    assert len(cells) >= 15
    linked = [c for c in cells if '<a href="http' in c]
    assert len(linked) == len(cells)
    assert 'href="https://news.antiwar.com/2025/08/05/' in html and ">news.antiwar.com</a>" in html


def test_supports_sources_are_named(client_as: Client, kiel_release28: None) -> None:
    html = client_as(None).get("/support/").content.decode()
    summary = re.search(r'<details class="sources"><summary>(.*?)</summary>', html, flags=re.S)
    assert summary and "Kiel Institute Ukraine Support Tracker, release 28" in summary.group(1)


def test_claims_csv_has_the_verdict_and_the_definitions(client_as: Client, kiel_release28: None) -> None:
    text = client_as(None).get("/support/claims.csv").content.decode()
    head, rows = head_and_rows(text)
    assert head["verdict"] in ("holds", "does not hold")
    assert head["claimed"] == "≥ 99 %" and "99 %" in head["claim_fr"]
    assert "allocations" in head["definitions"] and "EU institutions" in head["definitions"]
    assert "Kiel Institute" in head["source"] and "non-commercial" in head["licence"]
    assert rows and set(rows[0]) == {"class", "donor", "value_eur", "class_share_pct"}
    assert re.fullmatch(r"\d+\.\d\d", rows[0]["class_share_pct"])
    other = client_as(None).get("/support/claims.csv?aid_type=financial").content.decode()
    assert head_and_rows(other)[0]["verdict"].startswith("no verdict")


EXPORTS = [
    "/support/donors.csv",
    "/support/months.csv",
    "/support/weapons.csv",
    "/support/claims.csv",
    "/spending/export.csv?year=2024",
    "/spending/ally/POL/export.csv?table=path",
    "/spending/ally/POL/export.csv?table=series",
    "/spending/compare/export.csv?ally=POL&ally=USA",
    "/spending/figures/export.csv?ally=POL&year=2024&source=nato",
    "/spending/sources/export.csv",
    "/purl/record.csv",
    "/purl/contributions.csv",
    "/nations/export.csv",
    "/ledger/export.csv",
    "/audit/export.csv",
]


def test_every_csv_export_carries_its_source_and_licence_and_sane_numbers(
    client_as: Client, kiel_release28: None, nato_loaded: None, public_record: Any
) -> None:
    alice = client_as("alice")
    problems = {}
    for url in EXPORTS:
        response = alice.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        head, rows = head_and_rows(text)
        assert head.get("source") and head.get("licence"), url
        assert rows, url
        # the spending figures' ``raw`` column is the spreadsheet cell as read, kept to check it
        cells = [v for r in rows for k, v in r.items() if k != "raw"]
        long = [c for c in cells if LONG_NUMBER.fullmatch(c or "")]
        if long:
            problems[url] = long[:3]
    assert problems == {}
    path = alice.get("/spending/ally/POL/export.csv?table=path").content.decode()
    first = read_csv_rows(path)[0]
    assert first["core_pct"] == "4.12" and re.fullmatch(r"\d+\.\d\d", first["core_spending_usd_m"])
