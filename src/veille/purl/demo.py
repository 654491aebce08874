"""What ``veille demo`` loads for PURL: the shipped public record of contributions, and a synthetic
workflow (a list, its approvals, a package, commitments, a delivery) generated from a fixed seed and
marked synthetic in the data and on every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from veille.kit.importers import no_progress
from veille.nations.access import Actor
from veille.purl.importers import IMPORTERS


def load(console: Any) -> dict[str, object]:
    importer = IMPORTERS["purl-announcements"]
    summary = importer.run(
        settings.DATA_DIR / importer.default_path, Actor.system_process("demo"), no_progress, False
    )
    from veille.purl.synthetic import generate

    made = generate(seed=2026)
    return {
        "PURL public record": f"created {summary.created}, unchanged {summary.unchanged}",
        "PURL synthetic workflow": made,
    }
