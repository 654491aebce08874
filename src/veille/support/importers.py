from veille.kit.importers import Importer
from veille.support.services import run_summary, run_workbook

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
