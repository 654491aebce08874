"""``veille backup OUT.tar``: a consistent snapshot of the database and of the AIS store, with a
manifest of SHA-256 sums and veille's version (:mod:`veille.web.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.core.errors import VeilleError
from veille.web.backup import backup


class Command(BaseCommand):
    help = (
        "Write a backup archive (tar): the database (SQLite's online backup API, or pg_dump for "
        "PostgreSQL) and the AIS store (Parquet parts, event files), with a manifest of SHA-256 sums. "
        "Safe while veille runs. Restore it with `veille restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="the archive to write, e.g. /srv/backups/veille-2026-03-01.tar")
        parser.add_argument("--store", help="the AIS store (default: the one the pages read)")

    def handle(self, *args: Any, **opts: Any) -> None:
        store = Path(opts["store"]) if opts.get("store") else Path(settings.AIS_STORE)
        try:
            manifest = backup(Path(opts["out"]), store=store, say=lambda m: self.stderr.write(m))
        except VeilleError as exc:
            raise CommandError(str(exc), returncode=3) from exc
        size = sum(int(f["size"]) for f in manifest.files.values())
        self.stdout.write(
            f"{opts['out']}: {len(manifest.files)} files, {size:,} bytes, veille {manifest.veille_version}, "
            f"{manifest.vendor}, {len(manifest.migrations)} migrations"
        )
