"""``veille import training-council PATH``: the folder of the NATO-Ukraine Council, milestone and
training files (``data/training_council/``), in one transaction (nothing is kept of a dry run)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from veille.council.exceptions import BadRow
from veille.council.services.imports import import_council
from veille.kit.importers import Importer, ImportSummary, Progress
from veille.nations.access import Actor
from veille.training.services.imports import import_training


class _DryRun(Exception):
    pass


def run(path: Path, actor: Actor, progress: Progress, dry_run: bool) -> ImportSummary:
    folder = path if path.is_dir() else path.parent
    if not (folder / "nuc_meetings.csv").exists():
        raise BadRow(
            "give the folder of the training-council files (it holds nuc_meetings.csv)", where=str(path)
        )
    summary = ImportSummary(source=str(folder))
    try:
        with transaction.atomic():
            import_council(actor, folder, summary, progress)
            import_training(actor, folder, summary, progress)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return summary


IMPORTERS = {
    "training-council": Importer(
        help="NATO-Ukraine Council meetings, decisions and milestones, and training figures "
        "(the folder data/training_council/: CSV files, see its README)",
        run=run,
        default_path="training_council",
    ),
}
