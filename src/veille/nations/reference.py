"""Reading the shipped reference lists of nations (``data/reference/``) into plain records."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

#: Allies that were NATO partners before they joined (Partnership for Peace, 9 May 1994), so that a
#: status "on a date" before their accession reads "partner". Source: NATO, "Partnership for Peace
#: programme", https://www.nato.int/cps/en/natohq/topics_50349.htm
PRIOR_PARTNERSHIP = {"FIN": dt.date(1994, 5, 9), "SWE": dt.date(1994, 5, 9)}

#: French names of the allies (NATO's other official language).
ALLY_NAMES_FR = {
    "ALB": "Albanie",
    "BEL": "Belgique",
    "BGR": "Bulgarie",
    "CAN": "Canada",
    "HRV": "Croatie",
    "CZE": "Tchéquie",
    "DNK": "Danemark",
    "EST": "Estonie",
    "FIN": "Finlande",
    "FRA": "France",
    "DEU": "Allemagne",
    "GRC": "Grèce",
    "HUN": "Hongrie",
    "ISL": "Islande",
    "ITA": "Italie",
    "LVA": "Lettonie",
    "LTU": "Lituanie",
    "LUX": "Luxembourg",
    "MNE": "Monténégro",
    "NLD": "Pays-Bas",
    "MKD": "Macédoine du Nord",
    "NOR": "Norvège",
    "POL": "Pologne",
    "PRT": "Portugal",
    "ROU": "Roumanie",
    "SVK": "Slovaquie",
    "SVN": "Slovénie",
    "ESP": "Espagne",
    "SWE": "Suède",
    "TUR": "Türkiye",
    "GBR": "Royaume-Uni",
    "USA": "États-Unis",
}
ALLY_ISO2 = {
    "ALB": "AL",
    "BEL": "BE",
    "BGR": "BG",
    "CAN": "CA",
    "HRV": "HR",
    "CZE": "CZ",
    "DNK": "DK",
    "EST": "EE",
    "FIN": "FI",
    "FRA": "FR",
    "DEU": "DE",
    "GRC": "GR",
    "HUN": "HU",
    "ISL": "IS",
    "ITA": "IT",
    "LVA": "LV",
    "LTU": "LT",
    "LUX": "LU",
    "MNE": "ME",
    "NLD": "NL",
    "MKD": "MK",
    "NOR": "NO",
    "POL": "PL",
    "PRT": "PT",
    "ROU": "RO",
    "SVK": "SK",
    "SVN": "SI",
    "ESP": "ES",
    "SWE": "SE",
    "TUR": "TR",
    "GBR": "GB",
    "USA": "US",
}
#: Other spellings of allies' names found in the shipped datasets (Kiel, NATO, SIPRI).
ALLY_ALIASES = {
    "TUR": ["Turkiye", "Turkey", "Türkiye"],
    "CZE": ["Czech Republic"],
    "MKD": ["North Macedonia", "Macedonia"],
    "GBR": ["UK", "Britain"],
    "USA": ["United States of America", "US"],
    "NLD": ["The Netherlands"],
    "SVK": ["Slovak Republic"],
}


@dataclass(frozen=True)
class NationRecord:
    code: str
    name: str
    name_fr: str
    kind: str
    iso2: str = ""
    accession_date: dt.date | None = None
    partnership_date: dt.date | None = None
    partnership_framework: str = ""
    eu_member: bool = False
    aliases: list[str] = field(default_factory=list)
    source: str = ""
    note: str = ""


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text.strip() else None


def read_reference(folder: Path) -> list[NationRecord]:
    """Allies, partners, the recipient, other states and the EU institutions, as records."""
    with (folder / "eu_member_states.csv").open(encoding="utf-8") as f:
        eu = {row["iso3"] for row in csv.DictReader(f)}
    records: list[NationRecord] = []
    with (folder / "nato_members.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["iso3"].strip()
            records.append(
                NationRecord(
                    code=code,
                    name=row["country"].strip(),
                    name_fr=ALLY_NAMES_FR.get(code, row["country"]),
                    kind="ally",
                    iso2=ALLY_ISO2.get(code, ""),
                    accession_date=_date(row["accession_date"]),
                    partnership_date=PRIOR_PARTNERSHIP.get(code),
                    partnership_framework="Partnership for Peace" if code in PRIOR_PARTNERSHIP else "",
                    eu_member=code in eu,
                    aliases=ALLY_ALIASES.get(code, []),
                    source=row["source_url"].strip(),
                )
            )
    with (folder / "nato_partners_and_others.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["iso3"].strip()
            records.append(
                NationRecord(
                    code=code,
                    name=row["name"].strip(),
                    name_fr=row["name_fr"].strip(),
                    kind=row["kind"].strip(),
                    iso2=row["iso2"].strip(),
                    partnership_date=_date(row["partnership_date"]),
                    partnership_framework=row["framework"].strip(),
                    eu_member=code in eu,
                    aliases=[a for a in row["aliases"].split(";") if a],
                    source=row["source_url"].strip(),
                    note=row["note"].strip(),
                )
            )
    return records
