"""``veille spending table --year YEAR [--format text|csv|json]``: allies' spending for a year."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.kit.exports import CsvWriter, dumps
from veille.spending import queries
from veille.spending.models import SourceKind


class Command(BaseCommand):
    help = (
        "Print NATO's figures for a year: ally, share of GDP, spending in constant USD, equipment share and "
        "the source cells. Exit code 1 when the year has no figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        table = sub.add_parser("table", help="one row per ally for a year")
        table.add_argument("--year", type=int, required=True, help="the year, e.g. 2024")
        table.add_argument("--format", choices=["text", "csv", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        rows = queries.year_table(year)
        if not rows:
            years = queries.available_years()
            raise CommandError(
                f"no NATO figures for {year}; loaded years: "
                f"{', '.join(map(str, years)) or 'none (run veille import nato-spending FILE)'}"
            )
        fmt = options["format"]
        if fmt == "csv":
            writer = CsvWriter(self.stdout)
            writer.writerow(queries.TABLE_COLUMNS)
            for r in rows:
                writer.writerow([str(r[c]) if r[c] is not None else "" for c in queries.TABLE_COLUMNS])
        elif fmt == "json":
            meta = queries.source_meta(queries.latest_source(SourceKind.NATO))
            self.stdout.write(
                json.dumps({"meta": meta, "rows": json.loads(dumps(rows))}, ensure_ascii=False, indent=1)
            )
        else:
            self.stdout.write(
                f"{'ally':5} {'name':18} {'% GDP':>7} {'USD m (const.)':>15} {'equip. %':>9}  cells"
            )
            for r in rows:
                spending = (
                    f"{r['spending_usd_constant_m']:,.0f}"
                    if r["spending_usd_constant_m"] is not None
                    else "—"
                )
                equipment = f"{r['equipment_pct']:.1f}" if r["equipment_pct"] is not None else "—"
                mark = "e" if r["estimate"] else " "
                self.stdout.write(
                    f"{r['ally']:5} {r['name'][:18]:18} {r['share_gdp_pct']:>6.2f}{mark}"
                    f" {spending:>15} {equipment:>9}  {r['cells']}"
                )
            self.stdout.write(f"source: {rows[0]['source']}")
        sys.stdout.flush()
