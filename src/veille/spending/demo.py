"""What ``veille demo`` loads for the spending app: the three shipped files (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from veille.nations.access import Actor
from veille.spending.importers import IMPORTERS


def load(console: Any) -> dict[str, object]:
    out: dict[str, object] = {}
    for kind in ("nato-spending", "sipri", "spending-estimates"):
        imp = IMPORTERS[kind]
        path = settings.DATA_DIR / imp.default_path
        summary = imp.run(path, Actor.system_process(f"demo:{kind}"), lambda *a, **k: None, False)
        out[kind] = (
            f"read {summary.read}, created {summary.created}, unchanged {summary.unchanged}, "
            f"rejected {summary.rejected}"
        )
    return out
