"""Precision and recall of detected events against a scenario's manifest of planted events.

A detected event matches a planted one of the same type when the vessels (and the zone, cable or
changed field) are the same and start and end agree within the type's tolerance; for gaps the
``is_open`` and ``likely_disabling`` flags must agree too. Each planted event matches at most one
detected event. Precision = matched / detected, recall = matched / planted, per type.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import polars as pl

__all__ = ["REPORT", "TOLERANCE", "evaluate"]

REPORT = timedelta(minutes=3)
TOLERANCE = {
    "gap": timedelta(seconds=1),
    "encounter": timedelta(minutes=10),
    "loitering": timedelta(seconds=1),
    "zone_entry": REPORT,
    "zone_exit": REPORT,
    "cable": REPORT,
    "identity_change": timedelta(seconds=1),
    "position_jump": timedelta(seconds=1),
    "shared_mmsi": REPORT,
}


def _t(x: Any) -> datetime | None:
    if x is None:
        return None
    return x if isinstance(x, datetime) else datetime.fromisoformat(str(x))


def _close(a: datetime | None, b: datetime | None, tol: timedelta) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol


def _matches(planted: dict[str, Any], found: dict[str, Any]) -> bool:
    kind = planted["type"]
    if found["type"] != kind or int(found["mmsi"]) != int(planted["mmsi"]):
        return False
    if planted.get("mmsi2") is not None and int(found["mmsi2"] or 0) != int(planted["mmsi2"]):
        return False
    if kind in ("zone_entry", "zone_exit", "cable", "identity_change") and found["zone"] != planted.get(
        "zone"
    ):
        return False
    tol = TOLERANCE.get(kind, REPORT)
    if not _close(_t(found["start"]), _t(planted["start"]), tol):
        return False
    if not _close(_t(found["end"]), _t(planted.get("end")), tol):
        return False
    if kind == "gap":
        return bool(found["is_open"]) == bool(planted.get("is_open")) and bool(
            found["likely_disabling"]
        ) == bool(planted.get("likely_disabling"))
    return True


def evaluate(events: pl.DataFrame, manifest: dict[str, Any]) -> dict[str, Any]:
    """Per type: planted, detected, matched, precision, recall; and the unmatched of each side.

    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 5, tzinfo=UTC)
    >>> ev = pl.DataFrame({"type": ["gap"], "mmsi": [1], "mmsi2": [None], "zone": [None], "start": [t],
    ...                    "end": [t], "is_open": [False], "likely_disabling": [False]})
    >>> m = {"events": [{"type": "gap", "mmsi": 1, "start": t.isoformat(), "end": t.isoformat()}]}
    >>> evaluate(ev, m)["types"]["gap"]["recall"]
    1.0
    """
    planted = list(manifest["events"])
    found = events.to_dicts()
    used: set[int] = set()
    matched_planted: set[int] = set()
    for i, p in enumerate(planted):
        for j, f in enumerate(found):
            if j not in used and _matches(p, f):
                used.add(j)
                matched_planted.add(i)
                break
    types = sorted({p["type"] for p in planted} | {f["type"] for f in found})
    out: dict[str, Any] = {}
    for kind in types:
        n_p = sum(1 for p in planted if p["type"] == kind)
        n_f = sum(1 for f in found if f["type"] == kind)
        n_m = sum(1 for i in matched_planted if planted[i]["type"] == kind)
        out[kind] = {
            "planted": n_p,
            "detected": n_f,
            "matched": n_m,
            "precision": round(n_m / n_f, 4) if n_f else (1.0 if n_p == 0 else 0.0),
            "recall": round(n_m / n_p, 4) if n_p else 1.0,
        }
    return {
        "types": out,
        "missed": [p for i, p in enumerate(planted) if i not in matched_planted],
        "unexpected": [
            {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in f.items() if k != "params"}
            for j, f in enumerate(found)
            if j not in used
        ],
    }
