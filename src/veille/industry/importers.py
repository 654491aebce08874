"""``veille import industry PATH``: the shipped folder ``data/industry/`` (or its capacity CSV)."""

from __future__ import annotations

from pathlib import Path

from veille.industry.rows import read_folder
from veille.industry.services import do_import
from veille.kit.importers import Importer, ImportSummary, Progress
from veille.nations.access import Actor


def run(path: Path, actor: Actor, progress: Progress, dry_run: bool) -> ImportSummary:
    progress(0, total=None, description=f"reading {path.name}")
    return do_import(actor, read_folder(Path(path)), progress, dry_run)


IMPORTERS = {
    "industry": Importer(
        "Industry capacity announcements (folder with capacity_announcements.csv, inputs_per_unit.csv, "
        "row_marks.csv, contradictions.csv)",
        run,
        "industry",
    ),
}
