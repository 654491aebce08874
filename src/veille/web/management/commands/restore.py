"""``veille restore IN.tar``: restore a backup into an empty instance, after checking every file of
the archive (:mod:`veille.web.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.core.errors import VeilleError
from veille.web.backup import restore


class Command(BaseCommand):
    help = (
        "Restore a `veille backup` archive into an empty instance (a new database, an empty AIS store). "
        "Every file's SHA-256 is checked before anything is written; a damaged archive, another "
        "program's, or one made by a newer veille is refused, naming the file. An archive made by an "
        "older veille is brought to this one's schema by `migrate`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the archive written by `veille backup`")
        parser.add_argument("--store", help="the AIS store (default: the one the pages read)")

    def handle(self, *args: Any, **opts: Any) -> None:
        store = Path(opts["store"]) if opts.get("store") else Path(settings.AIS_STORE)
        try:
            manifest = restore(Path(opts["archive"]), store=store, say=lambda m: self.stderr.write(m))
        except VeilleError as exc:
            raise CommandError(str(exc), returncode=3) from exc
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            f"restored {opts['archive']} (veille {manifest.veille_version}, {manifest.created_at}): "
            f"{len(manifest.files)} files"
        )
