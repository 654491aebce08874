"""What ``veille demo`` loads for the Arctic picture: the public starter set of allied activities.

The AIS layers show whatever the AIS store holds (``veille ais ingest``); nothing is made up here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from veille.arctic.importers import IMPORTERS
from veille.nations.access import Actor
from veille.web.importers import no_progress


def load(console: Any) -> dict[str, object]:
    importer = IMPORTERS["arctic-activities"]
    summary = importer.run(
        settings.DATA_DIR / importer.default_path, Actor.system_process("demo"), no_progress, False
    )
    return {
        "Arctic activities (public starter set)": f"created {summary.created}, updated {summary.updated}, "
        f"unchanged {summary.unchanged}"
    }
