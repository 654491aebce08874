"""What ``veille demo`` loads for the industry app: the shipped dataset (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from veille.industry.importers import IMPORTERS
from veille.nations.access import Actor


def load(console: Any) -> dict[str, object]:
    imp = IMPORTERS["industry"]
    summary = imp.run(
        settings.DATA_DIR / imp.default_path,
        Actor.system_process("demo:industry"),
        lambda *a, **k: None,
        False,
    )
    return {
        "industry": f"read {summary.read}, created {summary.created}, unchanged {summary.unchanged}, "
        f"rejected {summary.rejected}, undated targets {len(summary.extra['undated_targets'])}"
    }
