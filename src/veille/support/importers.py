from pathlib import Path
from typing import Any

from veille.kit.importers import Importer, ImportSummary
from veille.nations.access import Actor
from veille.support.services import do_import_summary, do_import_workbook


def run_summary(path: Path, actor: Actor, progress: Any, dry_run: bool) -> ImportSummary:
    return do_import_summary(actor, path, progress, dry_run)


def run_workbook(
    path: Path, actor: Actor, progress: Any, dry_run: bool, allow_unknown: bool = False
) -> ImportSummary:
    return do_import_workbook(actor, path, progress, dry_run, allow_unknown)


IMPORTERS = {
    "kiel-summary": Importer(
        help="Kiel Ukraine Support Tracker release summary (JSON: allocations by donor, month, weapons)",
        run=run_summary,
        default_path="ukraine_aid/kiel_release28_summary_engelde.json",
    ),
    "kiel": Importer(
        help="Kiel Ukraine Support Tracker full workbook (XLSX, sheet 'Bilateral Assistance, MAIN DATA')",
        run=run_workbook,
        flags=("allow_unknown",),
    ),
}
