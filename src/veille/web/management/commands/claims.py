"""``veille claims [--format json]``: the press report's claims computed from the loaded data."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.core.errors import InvalidInput
from veille.kit.exports import dumps
from veille.support import queries
from veille.web.claims_page import other_checks


class Command(BaseCommand):
    help = (
        "Compute the share of military support to Ukraine from NATO allies and partners (and the report's "
        "other testable claims) from the loaded data, with the definitions shown."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--aid-type",
            dest="aid_type",
            default="military",
            choices=["military", "financial", "humanitarian"],
        )
        parser.add_argument(
            "--basis",
            default="allocation",
            choices=["allocation", "commitment"],
            help="allocations (earmarked for delivery) or commitments (promised)",
        )
        parser.add_argument(
            "--membership",
            default="present",
            choices=["present", "dated"],
            help="NATO membership today, or on each record's date",
        )
        parser.add_argument(
            "--eu",
            default="own",
            choices=["own", "exclude", "redistribute"],
            help="the EU institutions as their own donor, left out, or spread over member states",
        )
        parser.add_argument("--since", default="", help="first month (YYYY-MM) of dated records")
        parser.add_argument("--until", default="", help="last month (YYYY-MM) of dated records")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            definition = queries.parse_definition(options)
        except InvalidInput as exc:
            raise CommandError(str(exc)) from exc
        check = queries.military_share_check(definition)
        others = other_checks()
        if options["format"] == "json":
            payload = {
                "claims": [vars(c) for c in [check, *others]],
                "sensitivity": queries.sensitivity(definition),
            }
            self.stdout.write(json.dumps(json.loads(dumps(payload)), ensure_ascii=False, indent=1))
            return
        for c in [check, *others]:
            verdict = {None: "no data", True: "holds", False: "does not hold"}[c.holds]
            self.stdout.write(f"{c.sentence_en}\n  claim: {c.claim}   computed: {c.computed}   -> {verdict}")
            for k, v in c.definitions.items():
                self.stdout.write(f"  {k}: {v}")
            self.stdout.write(f"  data: {c.data}\n")
        if check.holds is None:
            raise CommandError("no support data is loaded: run `veille import kiel-summary FILE` first")
