"""``veille import nato-spending|sipri|spending-estimates PATH``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from veille.kit.importers import Importer, ImportSummary, Progress
from veille.nations.access import Actor
from veille.spending.services import do_import_figures
from veille.spending.workbooks import Parsed, read_nato, read_press, read_sipri


def _runner(reader: Callable[[Path], Parsed]) -> Callable[[Path, Actor, Progress, bool], ImportSummary]:
    def run(path: Path, actor: Actor, progress: Progress, dry_run: bool) -> ImportSummary:
        progress(0, total=None, description=f"reading {path.name}")
        parsed = reader(path)
        return do_import_figures(actor, parsed, progress, dry_run)

    return run


IMPORTERS = {
    "nato-spending": Importer(
        "NATO, 'Defence Expenditure of NATO Countries' workbook (XLSX, tables 1-8b as published)",
        _runner(read_nato),
        "defence_spending/nato_240617-def-exp-2024-TABLES-en.xlsx",
    ),
    "sipri": Importer(
        "SIPRI Military Expenditure Database workbook (XLSX): share of GDP, constant and current USD",
        _runner(read_sipri),
        "defence_spending/SIPRI-Milex-data-1949-2024_2.xlsx",
    ),
    "spending-estimates": Importer(
        "NATO shares of GDP transcribed from press reports (CSV; kept apart, lower confidence)",
        _runner(read_press),
        "defence_spending/nato_pct_gdp_2024_2025_from_press.csv",
    ),
}
