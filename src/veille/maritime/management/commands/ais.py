"""``veille ais``: ingest NMEA into the AIS store, replay a capture over TCP, show store stats,
generate synthetic traffic, detect and watch events, build and evaluate scenarios.

Each action is a module of :mod:`veille.maritime.cli` (its arguments and its work);
:mod:`veille.maritime.cli.runner` puts them together, and is also what the ``veille`` entry point
runs for ``veille ais …`` without starting Django. This command is the way in through Django
(``call_command("ais", …)``, or ``veille ais`` with Django's options): it turns the actions' errors
into Django's. Exit codes: :mod:`veille.maritime.cli.common`.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.maritime.cli import common, runner


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # reads and writes files only; no database, no URLs
    help = runner.HELP

    def add_arguments(self, parser: CommandParser) -> None:
        runner.add_actions(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            runner.dispatch(opts, self.stdout, self.stderr)
        except common.CommandError as exc:
            raise CommandError(str(exc), returncode=exc.returncode) from exc
        sys.stdout.flush()
