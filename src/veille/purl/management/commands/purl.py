"""``veille purl summary [--format json]``: PURL's figures from the loaded data.

The public record's total committed per nation and overall (USD at dated ECB rates, with the rates
used), what is and is not counted, NATO's statement of 3 December 2025 beside it with the difference
explained, and the packages with their funding and deliveries.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from veille.kit.exports import dumps
from veille.ledger.queries import CONSOLE
from veille.purl import claims, queries
from veille.purl.public_record import totals


def summary() -> dict[str, Any]:
    t = totals(CONSOLE)
    check = claims.claim_checks()[0]
    packages, conv = queries.board(CONSOLE)
    return {
        "public_record": {k: v for k, v in t.items() if k != "rows"},
        "rows": [
            {
                k: r[k]
                for k in (
                    "where",
                    "nation",
                    "package",
                    "committed",
                    "committed_usd",
                    "pledged",
                    "allocated",
                    "counting",
                )
            }
            for r in t["rows"]
        ],
        "claim": vars(check),
        "packages": [{k: v for k, v in p.items() if k != "package"} for p in packages],
        "package_rates": conv.listed(),
    }


class Command(BaseCommand):
    help = (
        "PURL figures: the public record's totals (per nation, overall), NATO's statement beside them, "
        "packages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "what", choices=["summary"], help="summary: totals, counting, the claim, packages"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        data = summary()
        if options["format"] == "json":
            self.stdout.write(dumps(data))
            return
        t = data["public_record"]
        w = self.stdout.write
        if not t["files"]:
            w(
                "No PURL announcements loaded: run "
                "`veille import purl-announcements data/purl/purl_contributions.csv`."
            )
        for f in t["files"]:
            w(f"Public record: {f['file']} (sha256 {f['sha256'][:12]}…, {f['rows']} rows)")
        w("")
        w(f"{'nation':<8}{'committed USD':>20}{'pledged USD':>18}  joint packages")
        for n in t["per_nation"]:
            w(
                f"{n['nation']:<8}{n['committed_usd']:>20,}{n['pledged_usd']:>18,}  {', '.join(n['joint'])}"
                + ("  (amount unknown)" if n["unknown"] else "")
            )
        for j in t["joint"]:
            if j["unattributed_usd"]:
                w(
                    f"{'joint':<8}{j['unattributed_usd']:>20,}{'':>18}  {j['package']}: not attributed "
                    f"({', '.join(j['members_without_share'])} shares not published)"
                )
        w("")
        w(
            f"Committed (counted once): {t['total_usd']:,} USD; "
            f"pledged, not committed: {t['pledged_usd']:,} USD"
        )
        w("")
        w("How each row is counted:")
        for r in data["rows"]:
            w(f"  {r['where']}: {r['nation']} {r['committed'] or r['pledged'] or '—'}: {r['counting']}")
        claim = data["claim"]
        w("")
        w(claim["sentence_en"])
        w(f"  veille: {claim['computed']}")
        for line in claim["detail"].get("difference", []):
            w(f"  - {line}")
        w("")
        w("ECB rates used (USD per unit, value date → rate date):")
        for r in t["rates"]:
            provisional = " (provisional)" if r.get("provisional") == "yes" else ""
            w(f"  {r['currency']} {r['value_date']} → {r['rate_date']}: {r['usd_per_unit']}{provisional}")
        w(f"  source: {t['rates_source']}")
        if data["packages"]:
            w("")
            w("Packages:")
            for p in data["packages"]:
                cov = f"{p['coverage_pct']} %" if p["coverage_pct"] is not None else "target not published"
                w(
                    f"  {p['name']}: committed {p['committed_usd']:,} USD, {cov}; "
                    f"received {p['received_by_unit'] or 'nothing to deliver'}"
                )
