"""What ``veille demo`` loads for the Arctic picture: the public starter set of allied activities, the
real AIS captures shipped in ``data/ais/``, a small seeded synthetic Arctic scenario with planted
events (``veille.core.events.scenario``, every sentence tagged ``s:synthetic``), and one run of the
event detectors over the store, so the map shows vessels, tracks and events on first start.

The scenario ends at the time of the load (it starts ``SCENARIO_DAYS`` before), so the slider, which
opens at the store's last position, opens on its last day. The captures' sentences that carry no
time are stamped with the time they are loaded, as ``veille ais ingest`` stamps a live feed.

Idempotent: what was loaded into the store is written to ``<store>/demo-arctic.json``; a second run
finds it and changes nothing (delete the store folder to load again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings

from veille.arctic.importers import IMPORTERS
from veille.nations.access import Actor
from veille.web.importers import no_progress

SCENARIO_DAYS = 4  # two rounds of planted events (each takes two days)
SCENARIO_SEED = 1
SCENARIO_BACKGROUND = 30  # background vessels; with the planted ones, under a hundred in all
CAPTURE_SUFFIXES = (".nmea", ".aivdm", ".nmea.gz")
STAMP = "demo-arctic.json"


def load(console: Any) -> dict[str, object]:
    importer = IMPORTERS["arctic-activities"]
    summary = importer.run(
        settings.DATA_DIR / importer.default_path, Actor.system_process("demo"), no_progress, False
    )
    return {
        "Arctic activities (public starter set)": f"created {summary.created}, updated {summary.updated}, "
        f"unchanged {summary.unchanged}",
        "Arctic AIS (captures, synthetic scenario, events)": load_ais(Path(settings.AIS_STORE)),
    }


def captures(data_dir: Path) -> list[Path]:
    folder = Path(data_dir) / "ais"
    return sorted(p for p in folder.iterdir() if p.name.endswith(CAPTURE_SUFFIXES)) if folder.is_dir() else []


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_ais(
    root: Path,
    now: dt.datetime | None = None,
    days: int = SCENARIO_DAYS,
    background: int = SCENARIO_BACKGROUND,
) -> str:
    """Load the captures, the scenario and the events into the store at ``root``, once; ``now`` is
    the load time (the captures' untimed sentences get it, the scenario ends on its day)."""
    from veille.core.ais.sources import file_batches, line_batches
    from veille.core.events.scenario import generate
    from veille.maritime.events import run_events
    from veille.maritime.store import AisStore

    stamp_path = root / STAMP
    if stamp_path.is_file():
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
        return f"unchanged (loaded {stamp['loaded_at'][:10]}; {stamp_path})"
    loaded_at = now or dt.datetime.now(dt.UTC)
    store = AisStore(root)
    loaded: list[dict[str, Any]] = []
    untimed = 0
    for path in captures(Path(settings.DATA_DIR)):
        # a sentence without a tag block's source says which capture it came from
        s = store.ingest(file_batches(str(path)), clock=loaded_at.timestamp, source=path.name)
        untimed += s.untimed
        loaded.append({"file": path.name, "sha256": _sha256(path), "positions": s.positions})
    # the scenario ends at the load time, so the map's default (the last 24 h) shows its last day
    start = (loaded_at - dt.timedelta(days=days)).replace(second=0, microsecond=0)
    scenario = generate(days=days, seed=SCENARIO_SEED, start=start, background=background)
    s = store.ingest(line_batches(scenario.lines()), source="synthetic")
    manifest = scenario.manifest()
    (root / "demo-scenario-manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    run = run_events(store, now=loaded_at)
    stamp = {
        "loaded_at": loaded_at.isoformat(),
        "captures": loaded,
        "captures_without_time": untimed,
        "scenario": {
            "synthetic": True,
            "seed": SCENARIO_SEED,
            "days": days,
            "start": start.isoformat(),
            "background_vessels": background,
            "positions": s.positions,
            "planted_events": len(manifest["events"]),
        },
        "events_run": run.run_id,
        "events": run.events.height,
    }
    stamp_path.write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    return (
        f"{sum(c['positions'] for c in loaded):,} positions from {len(loaded)} captures "
        f"({untimed:,} messages without a time, stamped on loading); synthetic scenario of "
        f"{days} days from {start.date()}: {s.positions:,} positions, "
        f"{len(manifest['events'])} planted events; detectors found {run.events.height} events"
    )
