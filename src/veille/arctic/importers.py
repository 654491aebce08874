"""The Arctic picture's importers for ``veille import KIND PATH`` (the reading itself:
:mod:`veille.arctic.activities_csv`)."""

from veille.arctic.activities_csv import run
from veille.kit.importers import Importer

IMPORTERS = {
    "arctic-activities": Importer(
        help="Allied activities in the High North (CSV with area, window, assets, sources per row)",
        run=run,
        default_path="arctic/activities_2026.csv",
    ),
}
