"""``veille ais``: ingest NMEA into the AIS store, replay a capture over TCP, show store stats,
generate synthetic traffic, detect and watch events, build and evaluate scenarios.

Each action is a module of :mod:`veille.maritime.cli` (its arguments and its work); this command
puts them together under one parser and maps the store's errors to exit codes. The arrow goes one
way: the command imports the actions, never the reverse. Exit codes:
:mod:`veille.maritime.cli.common`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.maritime.cli import events, generate, ingest, replay, runs, scenario, stats, watch
from veille.maritime.cli.common import EXIT_STORE, STORE_HELP, existing_store
from veille.maritime.store import StoreError

Run = Callable[[dict[str, Any], Any, Any], None]

#: (add the action's parser, run it), in the order ``veille ais --help`` lists them
ACTIONS: dict[str, tuple[Callable[[Any], CommandParser], Run]] = {
    "ingest": (ingest.add_parser, ingest.run),
    "runs": (runs.add_runs_parser, runs.runs),
    "rollback": (runs.add_rollback_parser, runs.rollback),
    "resume": (runs.add_resume_parser, runs.resume),
    "replay": (replay.add_parser, replay.run),
    "stats": (stats.add_parser, stats.run),
    "generate": (generate.add_parser, generate.run),
    "events": (events.add_parser, events.run),
    "scenario": (scenario.add_scenario_parser, scenario.scenario),
    "evaluate": (scenario.add_evaluate_parser, scenario.evaluate),
    "watch": (watch.add_parser, watch.run),
}


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # reads and writes files only; no database, no URLs
    help = (
        "AIS: ingest NMEA (files, .gz, stdin, tcp://host:port), list, roll back or resume ingest "
        "runs, replay a capture, store stats, synthetic traffic."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for add_parser, _run in ACTIONS.values():
            add_parser(sub).add_argument("--store", "--out", dest="store", help=STORE_HELP)

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        # every argument is checked before any work starts
        if action in ("stats", "events", "runs", "rollback", "resume"):
            existing_store(opts)
        if action == "events":
            events.check(opts)
        elif action == "watch":
            watch.check(opts)
        try:
            ACTIONS[action][1](opts, self.stdout, self.stderr)
        except StoreError as exc:
            raise CommandError(str(exc), returncode=EXIT_STORE) from exc
        sys.stdout.flush()
