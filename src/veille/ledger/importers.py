"""``veille import ecb-rates PATH``: install a newer ECB ``eurofxref-hist.zip``, offline."""

from __future__ import annotations

from pathlib import Path

from veille.kit.importers import Importer, ImportSummary, Progress
from veille.ledger.services import do_install_rates
from veille.nations.access import Actor


def run_ecb_rates(path: Path, actor: Actor, progress: Progress, dry_run: bool) -> ImportSummary:
    progress(0, total=None, description=f"reading {path.name}")
    new, old = do_install_rates(actor, path, dry_run=dry_run)
    days = new.publication_days()
    added = [d for d in days if d > old.source.last_date]
    return ImportSummary(
        source=str(new.source),
        read=len(days),
        created=len(added),
        unchanged=len(days) - len(added),
        extra={
            "first_date": new.source.first_date.isoformat(),
            "last_date": new.source.last_date.isoformat(),
            "previous_last_date": old.source.last_date.isoformat(),
            "sha256": new.source.sha256,
            "currencies": sorted(new.currencies),
        },
    )


IMPORTERS = {
    "ecb-rates": Importer(
        "ECB euro reference rates, the full history (eurofxref-hist.zip from "
        "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip); replaces the rates shipped",
        run_ecb_rates,
    ),
}
