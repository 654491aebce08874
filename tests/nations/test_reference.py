"""The reference nations and their status on a date."""

from __future__ import annotations

import datetime as dt

import pytest

from veille.nations.access import Actor
from veille.nations.models import Nation, NationKind
from veille.nations.services import do_load_reference, resolve_nation

pytestmark = pytest.mark.django_db


def test_the_32_allies_are_loaded_with_their_accession_dates(nations: None) -> None:
    allies = Nation.objects.filter(kind=NationKind.ALLY)
    assert allies.count() == 32
    assert Nation.objects.get(code="MKD").accession_date == dt.date(2020, 3, 27)
    assert Nation.objects.get(code="USA").accession_date == dt.date(1949, 4, 4)


def test_partners_recipient_others_and_the_eu_institutions_are_there(nations: None) -> None:
    kinds = dict(Nation.objects.values_list("code", "kind"))
    for code in ("AUS", "JPN", "KOR", "NZL", "AUT", "IRL", "CHE", "MLT"):
        assert kinds[code] == NationKind.PARTNER, code
    assert kinds["UKR"] == NationKind.RECIPIENT
    assert kinds["RUS"] == kinds["CHN"] == NationKind.OTHER
    assert kinds["EUI"] == NationKind.MULTILATERAL
    # Cyprus belongs to no NATO partnership framework (see data/PROVENANCE.md).
    assert kinds["CYP"] == NationKind.OTHER


def test_sweden_is_an_ally_from_7_march_2024_and_a_partner_the_day_before(nations: None) -> None:
    sweden = Nation.objects.get(code="SWE")
    assert sweden.status_on(dt.date(2024, 3, 7)) == NationKind.ALLY
    assert sweden.status_on(dt.date(2024, 3, 6)) == NationKind.PARTNER
    assert sweden.status_on(dt.date(1990, 1, 1)) == NationKind.OTHER


def test_finland_joined_on_4_april_2023(nations: None) -> None:
    finland = Nation.objects.get(code="FIN")
    assert not finland.is_ally_on(dt.date(2023, 4, 3))
    assert finland.is_ally_on(dt.date(2023, 4, 4))


def test_a_partner_with_a_dated_partnership_is_other_before_it(nations: None) -> None:
    ireland = Nation.objects.get(code="IRL")
    assert ireland.status_on(dt.date(1999, 11, 30)) == NationKind.OTHER
    assert ireland.status_on(dt.date(1999, 12, 1)) == NationKind.PARTNER


def test_eu_membership_is_recorded(nations: None) -> None:
    assert set(Nation.objects.filter(eu_member=True).values_list("code", flat=True)) >= {
        "DEU",
        "AUT",
        "CYP",
        "SWE",
    }
    assert Nation.objects.filter(eu_member=True).count() == 27
    assert not Nation.objects.get(code="NOR").eu_member


def test_loading_twice_changes_nothing(nations: None) -> None:
    counts = do_load_reference(Actor.system_process("tests"))
    assert counts == {"created": 0, "updated": 0, "unchanged": Nation.objects.count()}


@pytest.mark.parametrize(
    "name, code",
    [
        ("Turkiye", "TUR"),
        ("South Korea", "KOR"),
        ("norvège", "NOR"),
        ("EU (Commission and Council)", "EUI"),
        ("swe", "SWE"),
    ],
)
def test_dataset_spellings_resolve_to_nations(nations: None, name: str, code: str) -> None:
    assert resolve_nation(name).code == code


def test_an_unknown_name_is_refused_naming_it(nations: None) -> None:
    with pytest.raises(Exception, match="no nation is called 'Atlantis'"):
        resolve_nation("Atlantis")
