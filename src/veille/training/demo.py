"""What ``veille demo`` loads for training, lessons learned and the Council: the shipped public files
(``data/training_council/``), two demo editors of NSATU and JATEC, and synthetic records generated
from a fixed seed and marked synthetic (:mod:`veille.training.synthetic`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from veille.kit.importers import no_progress
from veille.nations.access import Actor
from veille.nations.services import DEMO_PASSWORD
from veille.training.importers import IMPORTERS
from veille.training.synthetic import BODY_EDITORS, generate


def load(console: Any) -> dict[str, object]:
    importer = IMPORTERS["training-council"]
    summary = importer.run(
        settings.DATA_DIR / importer.default_path, Actor.system_process("demo:training"), no_progress, False
    )
    made = generate(seed=2026)
    editors = ", ".join(f"{u} ({b})" for u, b in BODY_EDITORS)
    return {
        "Council, milestones and training figures": (
            f"read {summary.read}, created {summary.created}, unchanged {summary.unchanged}, "
            f"rejected {summary.rejected}"
        ),
        "synthetic actions, lessons and cohorts": made,
        "demo editors of NATO bodies": f"{editors}, password '{DEMO_PASSWORD}'",
    }
