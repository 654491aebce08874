"""French pages write numbers as French readers do and name nations in French (issue 22, item 8):
``2 600 000 000,00 NOK``, ``2,71 %``, "Allemagne"; English pages keep ``2,600,000,000.00 NOK`` and
"Germany". Each page is rendered through the test client with ``Accept-Language: fr``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from veille.kit.importers import no_progress
from veille.ledger import services as ledger
from veille.nations.access import Actor
from veille.nations.models import Nation

pytestmark = pytest.mark.django_db


def text_of(response: Any) -> str:
    """The page's visible text, spaces normalised (French groups with narrow no-break spaces)."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return html.replace("\u202f", " ").replace("\u00a0", " ").replace("&nbsp;", " ")


def french(client: Client, url: str) -> str:
    return text_of(client.get(url, HTTP_ACCEPT_LANGUAGE="fr"))


def english(client: Client, url: str) -> str:
    return text_of(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))


def test_a_nation_is_named_in_the_reader_s_language(nations: None) -> None:
    from veille.nations.queries import display_name
    from veille.web.templatetags.veille_format import nation, percent

    germany = Nation.objects.get(code="DEU")
    with translation.override("fr"):
        assert germany.display_name == "Allemagne"
        assert [display_name(k) for k in ("DEU", "United Kingdom", germany, "not a nation")] == [
            "Allemagne",
            "Royaume-Uni",
            "Allemagne",
            "not a nation",
        ]
        assert nation("GBR") == "Royaume-Uni"
        assert percent("2.7134").replace("\u00a0", " ") == "2,71 %"
    with translation.override("en"):
        assert germany.display_name == "Germany"
        assert nation("DEU") == "Germany"
        assert percent("2.7134").replace("\u00a0", " ") == "2.71 %"


def test_a_renamed_nation_is_named_anew(nations: None) -> None:
    """The names are cached; saving a nation forgets them."""
    from veille.nations.queries import display_name

    with translation.override("fr"):
        assert display_name("DEU") == "Allemagne"
        germany = Nation.objects.get(code="DEU")
        germany.name_fr = "République fédérale d'Allemagne"
        germany.save()
        assert display_name("DEU") == "République fédérale d'Allemagne"


def test_the_ledger_writes_amounts_and_donors_in_french(
    nations: None, client_as: Callable[[str | None], Client]
) -> None:
    import datetime as dt

    event = ledger.do_commit(
        Actor.system_process("tests"),
        ledger.NewEvent(
            party="DEU",
            amount="2600000000.00",
            currency="NOK",
            value_date=dt.date(2024, 6, 14),
            sources=["https://example.org/press-release"],
        ),
    )
    alice = client_as("alice")
    for url in ("/ledger/", f"/ledger/events/{event.pk}/"):
        fr = french(alice, url)
        assert "2 600 000 000,00 NOK" in fr, url
        assert "2,600,000,000.00" not in fr and "2600000000.00" not in fr, url
        en = english(alice, url)
        assert "2,600,000,000.00 NOK" in en, url
    # the donors' filter names them in the reader's language beside their codes
    assert "DEU · Allemagne" in french(alice, "/ledger/")
    assert "DEU · Germany" in english(alice, "/ledger/")


def test_the_support_pages_name_donors_and_write_shares_in_french(
    kiel_release28: None, client_as: Callable[[str | None], Client]
) -> None:
    from tests.spending.conftest import NATO_FILE, PRESS_FILE
    from veille.spending.services import do_import_figures
    from veille.spending.workbooks import read_nato, read_press

    do_import_figures(Actor.system_process("tests"), read_nato(NATO_FILE))
    do_import_figures(Actor.system_process("tests"), read_press(PRESS_FILE))
    eve = client_as("eve")
    overview = french(eve, "/support/")
    assert "Allemagne" in overview and "États-Unis" in overview and "Royaume-Uni" in overview
    assert ">Germany<" not in overview and ">United States<" not in overview
    claims = french(eve, "/support/claims/")
    assert "l'OTAN dans son ensemble 2,71 %" in claims.replace("&#x27;", "'")
    assert "2.71 %" not in claims
    assert "NATO as a whole 2.71 %" in english(eve, "/support/claims/")


def test_spending_pages_write_the_cited_cells_in_french(
    nations: None, client_as: Callable[[str | None], Client]
) -> None:
    from tests.spending.conftest import NATO_FILE
    from veille.spending.services import do_import_figures
    from veille.spending.workbooks import read_nato

    do_import_figures(Actor.system_process("tests"), read_nato(NATO_FILE))
    eve = client_as("eve")
    raw_float = re.compile(r"= \d+\.\d{6,}")
    fr = french(eve, "/spending/")
    assert not raw_float.search(fr), raw_float.search(fr)
    assert re.search(r"= \d+,\d{6,}", fr)
    assert "Allemagne" in fr and "Royaume-Uni" in fr
    assert raw_float.search(english(eve, "/spending/"))
    ally = french(eve, "/spending/ally/DEU/")
    assert "<h1>Allemagne" in ally
    assert not raw_float.search(ally)
    figures = french(eve, "/spending/figures/?ally=DEU")
    assert not re.search(r"<code>\d+\.\d+</code>", figures)


def test_industry_conversions_are_written_in_french(
    users: dict[str, Any], client_as: Callable[[str | None], Client]
) -> None:
    from veille.industry.importers import IMPORTERS

    IMPORTERS["industry"].run(
        settings.DATA_DIR / "industry", Actor.system_process("tests"), no_progress, False
    )
    eve = client_as("eve")
    fr = french(eve, "/industry/")
    assert "40 000 par mois × 12 = 480 000 par an" in fr  # noqa: RUF001
    assert "480,000 per year" not in fr and "per month" not in fr
    assert "40,000 per month × 12 = 480,000 per year" in english(eve, "/industry/")  # noqa: RUF001
    claims = french(eve, "/support/claims/")
    assert "2 000 000" in claims and "2,000,000" not in claims


def test_purl_amounts_are_written_in_french(
    users: dict[str, Any], client_as: Callable[[str | None], Client]
) -> None:
    from veille.purl.services import do_import_announcements

    do_import_announcements(
        Actor.system_process("import:purl-announcements"),
        Path(settings.DATA_DIR) / "purl" / "purl_contributions.csv",
        no_progress,
    )
    alice = client_as("alice")
    assert "Pays-Bas" in french(alice, "/purl/record/")  # the totals per nation, by name
    for url in ("/purl/contributions/", "/purl/record/"):
        fr = french(alice, url)
        assert "500 000 000,00 EUR" in fr, url
        assert "500,000,000.00" not in fr, url
        assert "500,000,000.00 EUR" in english(alice, url), url
