from pathlib import Path
from typing import Any

from veille.kit.importers import Importer, ImportSummary
from veille.nations.access import Actor


def run_announcements(path: Path, actor: Actor, progress: Any, dry_run: bool) -> ImportSummary:
    from veille.purl.services import do_import_announcements

    return do_import_announcements(actor, path, progress, dry_run)


IMPORTERS = {
    "purl-announcements": Importer(
        help="Public record of PURL contributions (CSV: date, contributor, amount, currency, package, "
        "source…); overlaps resolved as the rows' notes describe",
        run=run_announcements,
        default_path="purl/purl_contributions.csv",
    ),
}
