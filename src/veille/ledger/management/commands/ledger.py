"""``veille ledger balance --party NOR [--currency USD] [--as-of 2025-06-30]``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.core.errors import VeilleError
from veille.ledger import figures, queries, services
from veille.nations.access import Actor
from veille.nations.models import Nation


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: {text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Read the ledger. 'balance' prints a party's totals by kind in their own currencies and, with "
        "--currency, converted at each value date's ECB rate, with every rate used; --as-of shows what "
        "the ledger said at the end of that day (events recorded by then)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        balance = sub.add_parser("balance", help="a party's balances with the rates used")
        balance.add_argument("--party", required=True, help="the donor, ISO 3166 alpha-3 (NOR, USA …)")
        balance.add_argument("--currency", help="convert into this ISO 4217 currency (ECB rates)")
        balance.add_argument("--as-of", type=_date, help="what the ledger said at the end of this day")
        balance.add_argument("--period", choices=queries.PERIODS, help="group by year, quarter or month")
        balance.add_argument("--user", help="apply this user's releasability (default: the whole ledger)")
        balance.add_argument("--format", choices=["text", "json"], default="text")
        check = sub.add_parser(
            "check-figures", help="compare the kept figures and day sums with the events; --rebuild repairs"
        )
        check.add_argument("--rebuild", action="store_true", help="recompute both tables from the events")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check-figures":
            self._check_figures(options["rebuild"])
            return
        party = options["party"].strip().upper()
        if not Nation.objects.filter(code=party).exists():
            raise CommandError(f"--party: no nation has code {options['party']!r}")
        reader: Any = queries.CONSOLE
        if options["user"]:
            reader = get_user_model().objects.filter(username=options["user"]).first()
            if reader is None:
                raise CommandError(f"--user: no user called {options['user']!r}")
        try:
            rep = queries.report(
                reader,
                party=party,
                currency=options["currency"],
                as_of=options["as_of"],
                period=options["period"],
            )
        except VeilleError as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(queries.report_dict(rep), ensure_ascii=False, indent=1))
            return
        self._text(party, rep)

    def _text(self, party: str, rep: queries.Report) -> None:
        w = self.stdout.write
        when = f"as of {rep.as_of:%Y-%m-%d %H:%M} UTC" if rep.as_of else "now"
        w(f"Ledger balance of {party}, {when}" + (f", in {rep.currency}" if rep.currency else ""))
        if not rep.totals and not rep.passed_through:
            w("  no events")
        for t in sorted(rep.totals, key=lambda t: t.kind == "pledge"):
            if t.kind == "pledge":
                w("  Pledges are not money: shown apart, counted once committed.")
            original = ", ".join(m.format() for _, m in sorted(t.by_currency.items()))
            items = ", ".join(f"{n} x {item}" for item, n in sorted(t.quantities.items()))
            converted = f"  = {t.converted.format()}" if t.converted is not None else ""
            period = f" {t.period}" if t.period else ""
            w(
                f"  {t.kind:<13}{period:<9} {original or items}{converted}"
                + (f"  [{items}]" if original and items else "")
            )
        if rep.pledged_open:
            open_ = ", ".join(m.format() for _, m in sorted(rep.pledged_open.items()))
            conv = (
                f"  = {rep.pledged_open_converted.format()}" if rep.pledged_open_converted is not None else ""
            )
            w(f"  pledged, not yet committed (not in totals): {open_}{conv}")
        for t in rep.passed_through:
            original = ", ".join(m.format() for _, m in sorted(t.by_currency.items()))
            w(f"  passed through for another donor (counted there): {t.kind} {original}")
        if rep.statuses:
            w("Statuses (derived):")
            for (p, kind, status), n in sorted(rep.statuses.items()):
                w(f"  {p} {kind:<13} {status:<9} {n}")
        if rep.rates:
            w(f"Rates used ({len(rep.rates)}), {rep.rates_source}:")
            for r in rep.rates:
                w(
                    f"  1 {r.currency} = {r.rate} {r.to_currency}  value date {r.value_date}, "
                    f"ECB rate of {r.rate_date}"
                    + (" (provisional until the rate of the value date is loaded)" if r.provisional else "")
                )

    def _check_figures(self, rebuild: bool) -> None:
        differing = figures.differences()
        self.stdout.write(f"kept figures and day sums: {len(differing)} differ from the events")
        if rebuild:
            rows = services.do_rebuild_figures(Actor.system_process("ledger:check-figures"))
            self.stdout.write(f"rebuilt from the events: {rows} event figures")
        elif differing:
            raise CommandError("the kept tables differ from the events: run with --rebuild")
