"""``veille industry capacity|targets|bottlenecks``: the industry figures from the command line.

Exit codes: 0 done; 1 nothing to show (no figures loaded, no product of that name); 2 bad input
(a date, a scenario that cannot be solved: the message names the field).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.core.errors import VeilleError
from veille.industry import queries, scenarios
from veille.industry.models import CapacityFigure, Product
from veille.kit.exports import CsvWriter, dumps


class Command(BaseCommand):
    help = (
        "Industry capacity from the stated figures: capacity by product and subject as of a date, targets "
        "tracked, and the bottleneck programme (the shipped example or --scenario FILE)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("capacity", "capacity by product and subject"), ("targets", "targets tracked")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--product", help="a product's slug or name, e.g. 155-mm-artillery-shell")
            p.add_argument("--as-of", dest="as_of", help="YYYY, YYYY-MM or YYYY-MM-DD (default: today)")
            p.add_argument("--format", choices=["text", "csv", "json"], default="text")
        b = sub.add_parser("bottlenecks", help="solve the bottleneck programme")
        b.add_argument("--scenario", type=Path, help="a scenario JSON file (default: the shipped example)")
        b.add_argument(
            "--what-if",
            dest="what_if",
            action="append",
            default=[],
            metavar="INPUT=TONNES",
            help="change an input's capacity (tonnes per year), e.g. 'propellant powder=20000'",
        )
        b.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "bottlenecks":
                self._bottlenecks(options)
            else:
                self._table(options)
        except VeilleError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def _table(self, options: dict[str, Any]) -> None:
        if not CapacityFigure.objects.exists():
            raise CommandError("no industry figures loaded: run veille import industry data/industry")
        product = options.get("product")
        if product and not (
            Product.objects.filter(slug=product).exists() or Product.objects.filter(name=product).exists()
        ):
            raise CommandError(
                f"no product {product!r}; known: {', '.join(Product.objects.values_list('slug', flat=True))}"
            )
        as_of = queries.parse_as_of(options.get("as_of"))
        if options["action"] == "capacity":
            rows, columns = queries.capacity_rows(None, as_of, product), queries.CAPACITY_COLUMNS
        else:
            rows, columns = queries.target_rows(None, as_of, product), queries.TARGET_COLUMNS
        fmt = options["format"]
        if fmt == "csv":
            writer = CsvWriter(self.stdout)
            writer.writerow(columns)
            for r in rows:
                writer.writerow(["" if r.get(c) is None else str(r.get(c)) for c in columns])
        elif fmt == "json":
            meta = {
                "as_of": as_of.isoformat(),
                "dataset": "data/industry",
                "note": "announced capacity is not production",
            }
            self.stdout.write(
                json.dumps(
                    {"meta": meta, "rows": json.loads(dumps([{c: r.get(c) for c in columns} for r in rows]))},
                    ensure_ascii=False,
                    indent=1,
                )
            )
        elif options["action"] == "capacity":
            self.stdout.write(f"capacity as of {as_of} (per year; figures as stated, converted where shown)")
            for r in rows:
                value = " / ".join(f"{v:,.0f}" for v in r["values"]) + (
                    " (sources disagree)" if r["conflicting"] else ""
                )
                self.stdout.write(
                    f"{r['product'][:28]:28} {r['subject'][:24]:24} {r['speaks_of']!s:10} {value:>20}  "
                    f"{r['refs']}"
                )
        else:
            self.stdout.write(f"targets as of {as_of}")
            for r in rows:
                self.stdout.write(
                    f"{r['ref']:8} {r['product'][:24]:24} {r['subject'][:20]:20} "
                    f"{r['target_date'] or 'no date':8} {r['status']:12} "
                    f"needed {_pct(r['needed_pct'])} %/yr, achieved {_pct(r['achieved_pct'])} %/yr  "
                    f"{r['used']}"
                )

    def _bottlenecks(self, options: dict[str, Any]) -> None:
        spec = scenarios.load(options["scenario"]) if options.get("scenario") else scenarios.example()
        built = scenarios.build(spec, None)
        changes: dict[str, str] = {}
        for item in options["what_if"]:
            name, sep, value = item.rpartition("=")
            if not sep or not name.strip():
                raise CommandError(f"--what-if {item!r}: expected INPUT=TONNES", returncode=2)
            changes[name.strip()] = value
        result = scenarios.result(built, scenarios.what_if_values(built, changes))
        if options["format"] == "json":
            self.stdout.write(json.dumps(json.loads(dumps(result)), ensure_ascii=False, indent=1))
            return
        self.stdout.write(
            f"{result['name']}\nweighted output {result['objective']:,.0f}; "
            f"binding: {', '.join(result['binding']) or 'nothing'}"
        )
        for i in result["inputs"]:
            origin = (i["origin"] or {}).get("ref") or "scenario"
            self.stdout.write(
                f"  input {i['name'][:40]:40} capacity {i['capacity']:>12,.0f} t  "
                f"used {i['used']:>12,.0f} t  "
                f"worth {i['dual']:>10,.2f}{'  BINDING' if i['binding'] else ''}  [{origin}]"
            )
        for p in result["products"]:
            origin = (p["origin"] or {}).get("ref") or ("scenario" if p["origin"] else "no capacity given")
            self.stdout.write(
                f"  product {p['name'][:38]:38} output {p['output']:>12,.0f}"
                f"{'  CAPACITY BINDING' if p['binding'] else ''}  [{origin}]"
            )
        if result["user_values"]:
            self.stdout.write("  (some values are the scenario's own, not sourced rows)")


def _pct(value: Any) -> str:
    return "—" if value is None else str(value)
