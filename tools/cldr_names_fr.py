"""French names of the reference nations against the Unicode CLDR territory names.

    .venv/bin/pip install babel              # a tool of this script only; veille does not need it
    .venv/bin/python tools/cldr_names_fr.py          # list the names that differ from CLDR
    .venv/bin/python tools/cldr_names_fr.py --fill   # write CLDR's name into every empty name_fr

``--fill`` writes into ``data/reference/nato_partners_and_others.csv`` (the ``name_fr`` column) and
never overwrites a French name already there: the allies' names are NATO's own French usage
(``ALLY_NAMES_FR`` in ``src/veille/nations/reference.py``), and a name that differs from CLDR on
purpose (NATO writes "Türkiye") stays. A nation added without a French name gets CLDR's. A new
value in ``data/reference/`` needs a new reference migration (docs/operations.md, "Reference data").

Source: Unicode CLDR, territory display names of the ``fr`` locale, as carried by the Python package
``babel`` (its CLDR version is printed); licence: Unicode License v3. See data/PROVENANCE.md.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"
PARTNERS = REFERENCE / "nato_partners_and_others.csv"
sys.path.insert(0, str(ROOT / "src"))


def cldr_names() -> tuple[str, dict[str, str]]:
    """CLDR's version and its French territory names by ISO 3166 alpha-2 code."""
    try:
        from babel import Locale
        from babel.core import get_cldr_version
    except ImportError:
        sys.exit("babel is not installed: .venv/bin/pip install babel")
    return str(get_cldr_version()), dict(Locale("fr").territories)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fill", action="store_true", help="write CLDR's name into empty name_fr cells")
    args = parser.parse_args(argv)

    from veille.nations.reference import read_reference

    version, names = cldr_names()
    print(f"Unicode CLDR {version} (fr territory names)")
    differ = 0
    for rec in read_reference(REFERENCE):
        cldr = names.get(rec.iso2, "") if rec.iso2 else ""
        if not cldr:
            print(f"  {rec.code}: no CLDR territory ({rec.name}); kept {rec.name_fr!r}")
        elif rec.name_fr and rec.name_fr != cldr:
            differ += 1
            print(f"  {rec.code}: shipped {rec.name_fr!r}, CLDR {cldr!r}")
    print(f"{differ} shipped French names differ from CLDR")
    if not args.fill:
        return 0

    with PARTNERS.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    filled = 0
    for row in rows:
        if not row["name_fr"].strip() and names.get(row["iso2"].strip()):
            row["name_fr"] = names[row["iso2"].strip()]
            filled += 1
    if not filled:
        print("no French name is empty: nothing written")
        return 0
    if any(None in row for row in rows):
        sys.exit(f"{PARTNERS.name} has a row with more cells than columns: fill it by hand")
    with PARTNERS.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{filled} empty French names filled from CLDR {version} in {PARTNERS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
