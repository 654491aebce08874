from veille.arctic.imports import run
from veille.web.importers import Importer

IMPORTERS = {
    "arctic-activities": Importer(
        help="Allied activities in the High North (CSV with area, window, assets, sources per row)",
        run=run,
        default_path="arctic/activities_2026.csv",
    ),
}
