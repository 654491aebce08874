"""``veille demo``: load the shipped public data, the synthetic demo records and the demo users
(idempotent). The reference nations are no demo data: ``veille migrate`` loads them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console

from veille.kit.registry import app_modules
from veille.nations.services import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = (
        "Load the shipped public datasets and the synthetic demo records, and create the demo users "
        "(the reference nations come with `veille migrate`). Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="print only the summary line")
        parser.add_argument(
            "--feed",
            action="store_true",
            help="do not load: replay a fresh synthetic scenario through the live AIS readers (about "
            "five minutes; run it beside the server after `veille demo`), so that open pages of the "
            "Arctic picture receive alerts",
        )
        parser.add_argument(
            "--loop",
            action="store_true",
            help="with --feed: replay a fresh scenario again each time one ends, until stopped "
            "(Ctrl-C or SIGTERM), so that the picture stays live as long as the demo runs",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=True, quiet=options["quiet"])
        if options["feed"]:
            from django.conf import settings

            from veille.arctic.demo import run_feed

            console.print("Arctic live feed: a synthetic scenario replayed through the live readers")
            while True:
                result = run_feed(Path(settings.AIS_STORE))
                self.stdout.write(json.dumps(result))
                if not options["loop"] or result.get("interrupted"):
                    return
                console.print("Arctic live feed: replayed; a fresh scenario follows")
        for label, module in app_modules("demo"):
            console.rule(f"[bold]{label}")
            result = module.load(console)
            for key, value in result.items():
                console.print(f"  {key}: {value}")
        # PURL and the Kiel tracker, side by side: the shell proposes which Kiel record counts each
        # PURL contribution (a coordinator confirms them on /support/reconcile/).
        from veille.nations.access import Actor
        from veille.web.services import do_propose_links

        console.rule("[bold]PURL and the Kiel tracker")
        console.print(f"  links: {do_propose_links(Actor.system_process('demo')).summary()}")
        self.stdout.write(f"demo data loaded. Demo logins (password '{DEMO_PASSWORD}'):")
        for username, _nation, _role, full_name in DEMO_USERS:
            self.stdout.write(f"  {username:6} {full_name}")
