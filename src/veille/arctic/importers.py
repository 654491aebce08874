from pathlib import Path
from typing import Any

from veille.arctic.services import do_import_activities
from veille.kit.importers import Importer, ImportSummary
from veille.nations.access import Actor


def run_activities(path: Path, actor: Actor, progress: Any, dry_run: bool) -> ImportSummary:
    return do_import_activities(actor, path, progress, dry_run)


IMPORTERS = {
    "arctic-activities": Importer(
        help="Allied activities in the High North (CSV with area, window, assets, sources per row)",
        run=run_activities,
        default_path="arctic/activities_2026.csv",
    ),
}
