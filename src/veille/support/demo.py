"""What ``veille demo`` loads for support to Ukraine: the shipped Kiel release summary."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from veille.kit.importers import no_progress
from veille.nations.access import Actor
from veille.support.importers import IMPORTERS


def load(console: Any) -> dict[str, object]:
    importer = IMPORTERS["kiel-summary"]
    summary = importer.run(
        settings.DATA_DIR / importer.default_path, Actor.system_process("demo"), no_progress, False
    )
    return {"Kiel release summary": f"created {summary.created}, unchanged {summary.unchanged}"}
