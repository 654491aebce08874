"""``veille import KIND PATH``: load a dataset through its app's importer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from veille.core.errors import VeilleError
from veille.kit.importers import FLAGS, Importer
from veille.kit.registry import app_modules
from veille.nations.access import Actor


def all_importers() -> dict[str, Importer]:
    found: dict[str, Importer] = {}
    for _label, module in app_modules("importers"):
        found.update(getattr(module, "IMPORTERS", {}))
    return found


class Command(BaseCommand):
    help = "Import a dataset: veille import KIND PATH (veille import --list shows the kinds)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", nargs="?", help="what the file holds (see --list)")
        parser.add_argument("path", nargs="?", help="the file to import")
        parser.add_argument("--list", action="store_true", help="list the kinds of import")
        parser.add_argument("--dry-run", action="store_true", help="read and check everything, write nothing")
        parser.add_argument("--format", choices=["text", "json"], default="text", help="summary format")
        for flag, text in FLAGS.items():
            parser.add_argument("--" + flag.replace("_", "-"), action="store_true", dest=flag, help=text)

    def handle(self, *args: Any, **options: Any) -> None:
        importers = all_importers()
        if options["list"] or not options["kind"]:
            for kind, imp in sorted(importers.items()):
                self.stdout.write(f"{kind:24} {imp.help}")
            if not options["list"]:
                raise CommandError("say what to import: veille import KIND PATH")
            return
        kind = options["kind"]
        if kind not in importers:
            raise CommandError(f"unknown import kind {kind!r}; known: {', '.join(sorted(importers))}")
        if not options["path"]:
            raise CommandError(f"give the file to import: veille import {kind} PATH")
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        console = Console(stderr=True)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task(f"{kind} {path.name}", total=None)

            def advance(advance: int = 1, total: int | None = None, description: str | None = None) -> None:
                progress.update(
                    task, advance=advance, total=total, description=description or f"{kind} {path.name}"
                )

            importer = importers[kind]
            unsupported = [f for f in FLAGS if options.get(f) and f not in importer.flags]
            if unsupported:
                raise CommandError(f"{kind} does not take --{unsupported[0].replace('_', '-')}")
            flags = {f: bool(options.get(f)) for f in importer.flags}
            try:
                summary = importer.run(
                    path, Actor.system_process(f"import:{kind}"), advance, options["dry_run"], **flags
                )
            except VeilleError as exc:
                raise CommandError(f"{path}: {exc}; nothing was written") from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, default=str, indent=1))
            return
        prefix = "[dry run] " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}{kind} {path}: read {summary.read}, created {summary.created}, "
            f"updated {summary.updated}, unchanged {summary.unchanged}, rejected {summary.rejected}"
        )
        for problem in summary.problems[:50]:
            self.stdout.write(f"  - {problem}")
        if len(summary.problems) > 50:
            self.stdout.write(f"  … and {len(summary.problems) - 50} more")
