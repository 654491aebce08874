"""``veille ais scenario``: a synthetic multi-day Arctic capture with planted events, its manifest,
ingested; ``veille ais evaluate``: the detectors run on a scenario's store, precision and recall per
event type against its manifest (exit 5 when ``--require`` is not met).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from veille.maritime.cli.common import EXIT_BELOW_REQUIRED, EXIT_INPUT, CommandError, store_root
from veille.maritime.cli.events import when
from veille.maritime.event_runs import run_events
from veille.maritime.store import AisStore

__all__ = ["add_evaluate_parser", "add_scenario_parser", "evaluate", "scenario"]


def add_scenario_parser(sub: Any) -> ArgumentParser:
    scenario_parser = sub.add_parser(
        "scenario", help="synthetic Arctic traffic with planted events, a manifest, ingested"
    )
    scenario_parser.add_argument(
        "--days", type=int, default=2, help="even number of days (each round of events takes two)"
    )
    scenario_parser.add_argument("--seed", type=int, default=1)
    return scenario_parser


def add_evaluate_parser(sub: Any) -> ArgumentParser:
    evaluate_parser = sub.add_parser(
        "evaluate", help="precision and recall per event type against a scenario's manifest"
    )
    evaluate_parser.add_argument("--manifest", help="manifest.json (default: <store>/../manifest.json)")
    evaluate_parser.add_argument(
        "--require", type=float, default=None, help="exit 5 if any precision or recall is below"
    )
    evaluate_parser.add_argument("--format", choices=["text", "json"], default="text")
    return evaluate_parser


def scenario(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    """Write the scenario's NMEA and manifest under the store folder and ingest it into ``store/``."""
    from veille.core.ais.sources import file_batches
    from veille.core.events.scenario import generate

    out = store_root(opts)
    try:
        scn = generate(days=opts["days"], seed=opts["seed"])
    except ValueError as exc:
        raise CommandError(f"--days: {exc}") from exc
    out.mkdir(parents=True, exist_ok=True)
    nmea = out / "scenario.nmea"
    with nmea.open("wb") as f:
        for line in scn.lines():
            f.write(line + b"\r\n")
    (out / "manifest.json").write_text(json.dumps(scn.manifest(), indent=1) + "\n", encoding="utf-8")
    summary = AisStore(out / "store").ingest(file_batches(str(nmea)), source="synthetic")
    stdout.write(
        json.dumps(
            {
                "nmea": str(nmea),
                "manifest": str(out / "manifest.json"),
                "store": str(out / "store"),
                "planted": len(scn.truth),
                "decoys": len(scn.decoys),
                "ingest": summary.as_dict(),
            },
            indent=1,
        )
    )


def evaluate(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    """Run the detectors over a scenario's store and score them against its manifest."""
    from veille.core.events.evaluate import evaluate as score

    root = store_root(opts)
    store_dir = root / "store" if (root / "store" / "positions").is_dir() else root
    manifest = Path(opts["manifest"]) if opts.get("manifest") else store_dir.parent / "manifest.json"
    if not manifest.is_file():
        raise CommandError(f"{manifest}: no such manifest", returncode=EXIT_INPUT)
    m = json.loads(manifest.read_text(encoding="utf-8"))
    detected = run_events(AisStore(store_dir), until=when(m.get("end")), now=when(m.get("end")))
    result = score(detected.events, m)
    if opts["format"] == "json":
        stdout.write(json.dumps(result, indent=1, default=str))
    else:
        lines = [f"{'type':<18}{'planted':>8}{'detected':>9}{'matched':>8}{'precision':>10}{'recall':>8}"]
        for kind, r in result["types"].items():
            lines.append(
                f"{kind:<18}{r['planted']:>8}{r['detected']:>9}{r['matched']:>8}"
                f"{r['precision']:>10.1%}{r['recall']:>8.1%}"
            )
        lines += [f"missed     {json.dumps(x)}" for x in result["missed"]]
        lines += [f"unexpected {json.dumps(x, default=str)}" for x in result["unexpected"]]
        stdout.write("\n".join(lines))
    req = opts.get("require")
    if req is not None and any(r["precision"] < req or r["recall"] < req for r in result["types"].values()):
        raise CommandError(f"precision or recall below {req}", returncode=EXIT_BELOW_REQUIRED)
