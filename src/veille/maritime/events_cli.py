"""The ``events``, ``scenario`` and ``evaluate`` actions of ``veille ais``.

``veille ais events`` detects the events of the store (or, with ``--stored``, reads the stored
ones) and writes one row per event as CSV, GeoJSON or Parquet. ``veille ais scenario`` writes a
synthetic multi-day Arctic capture with planted events, its manifest, and ingests it.
``veille ais evaluate`` runs the detectors on a scenario's store and reports precision and recall
per event type against its manifest.

Exit codes (beyond those of ``veille ais``): 5 when ``evaluate --require`` is not met.
"""

from __future__ import annotations

import io
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import CommandError, CommandParser

from veille.core.events.batch import Detectors
from veille.core.events.schema import EVENT_TYPES
from veille.maritime.events import filter_zone, read_events, run_events
from veille.maritime.store import AisStore, default_store

EXIT_BELOW_REQUIRED = 5
TYPE_GROUPS = {"zone": ["zone_entry", "zone_exit"], "track": ["position_jump", "shared_mmsi"]}


def add_parsers(sub: Any) -> list[CommandParser]:
    """Add the three actions to ``veille ais``'s sub-parsers; return them (for ``--store``)."""
    ev = sub.add_parser(
        "events", help="detect (or read) events: gaps, encounters, loitering, zones, cables, …"
    )
    ev.add_argument("--since", help="start of the window (ISO 8601, UTC if no zone)")
    ev.add_argument("--until", help="end of the window (ISO 8601, UTC if no zone), exclusive")
    ev.add_argument("--zone", help="only events in this zone (id, e.g. barents_sea)")
    ev.add_argument(
        "--type", action="append", dest="types", help=f"only this type (repeatable): {', '.join(EVENT_TYPES)}"
    )
    ev.add_argument("--format", choices=["csv", "geojson", "parquet"], default="csv")
    ev.add_argument("--output", default="-", help="file to write (- for stdout; parquet needs a file)")
    ev.add_argument("--stored", action="store_true", help="read the stored events instead of detecting")
    ev.add_argument(
        "--zones",
        action="append",
        default=[],
        help="more zones: a GeoJSON file or a folder of them (repeatable)",
    )
    ev.add_argument("--dry-run", action="store_true", help="detect but do not store the run")
    ev.add_argument(
        "--stats", action="store_true", help="write statistics per day, zone and flag instead of the events"
    )
    sc = sub.add_parser("scenario", help="synthetic Arctic traffic with planted events, a manifest, ingested")
    sc.add_argument(
        "--days", type=int, default=2, help="even number of days (each round of events takes two)"
    )
    sc.add_argument("--seed", type=int, default=1)
    ev_ = sub.add_parser("evaluate", help="precision and recall per event type against a scenario's manifest")
    ev_.add_argument("--manifest", help="manifest.json (default: <store>/../manifest.json)")
    ev_.add_argument("--require", type=float, default=None, help="exit 5 if any precision or recall is below")
    ev_.add_argument("--format", choices=["text", "json"], default="text")
    wa = sub.add_parser(
        "watch", help="events live from a feed: file, - (stdin) or tcp://HOST:PORT, as JSON lines"
    )
    wa.add_argument("input", help="file (plain or .gz), - for stdin, or tcp://HOST:PORT")
    wa.add_argument("--until", help="stop at this UTC time or after this duration (30s, 10m, 2h)")
    wa.add_argument("--end", help="report open events up to this time (ISO 8601; default: the last fix)")
    wa.add_argument(
        "--save",
        action="store_true",
        help="also store each completed event in the store (events/run=live-…/), where open pages pick it up",
    )
    return [ev, sc, ev_, wa]


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CommandError(f"{text!r}: expected an ISO 8601 time") from exc
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _types(opts: dict[str, Any]) -> list[str] | None:
    if not opts.get("types"):
        return None
    out: list[str] = []
    for t in opts["types"]:
        group = TYPE_GROUPS.get(t, [t])
        for g in group:
            if g not in EVENT_TYPES:
                raise CommandError(f"--type {t}: expected one of {', '.join(EVENT_TYPES)}, zone or track")
        out.extend(group)
    return out


def _detectors(opts: dict[str, Any]) -> Detectors | None:
    """The default detectors, with the user's zones added to the shipped ones."""
    if not opts.get("zones"):
        return None
    from veille.core.ais.mid import data_dir
    from veille.core.events.zones import ZoneDetector, Zones

    for z in opts["zones"]:
        if not Path(z).exists():
            raise CommandError(f"--zones {z}: no such file or folder", returncode=3)
    try:
        zones = Zones.from_files([data_dir() / "zones", *opts["zones"]])
    except (ValueError, KeyError) as exc:
        raise CommandError(f"--zones: {exc}") from exc
    return Detectors(zones=ZoneDetector(zones=zones))


def events(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    store = AisStore(Path(opts["store"]) if opts.get("store") else default_store())
    since, until = _when(opts.get("since")), _when(opts.get("until"))
    types = _types(opts)
    detectors = _detectors(opts)
    zones = detectors.zones.zones if detectors is not None else None
    if opts.get("stored"):
        try:
            df = read_events(store, since=since, until=until, zone=opts.get("zone"), types=types)
        except KeyError as exc:
            raise CommandError(f"--zone {opts['zone']}: unknown zone") from exc
    else:
        run = run_events(store, since=since, until=until, write=not opts.get("dry_run"), detectors=detectors)
        df = run.events
        if types:
            df = df.filter(pl.col("type").is_in(types))
        if opts.get("zone"):
            try:
                df = filter_zone(df, opts["zone"], zones)
            except KeyError as exc:
                raise CommandError(f"--zone {opts['zone']}: unknown zone") from exc
        stderr.write(json.dumps(run.summary()))
    if opts.get("stats"):
        from veille.core.events.stats import statistics
        from veille.maritime.events import load_positions

        positions, _ = load_positions(store, since, until)
        table = statistics(positions, df, zones)
        if opts.get("zone"):
            table = table.filter(pl.col("zone") == opts["zone"])
        write_table(table, opts["format"], opts.get("output") or "-", stdout)
        return
    write_events(df, opts["format"], opts.get("output") or "-", stdout)


def write_table(df: pl.DataFrame, fmt: str, output: str, stdout: Any) -> None:
    """Statistics as CSV (or Parquet; GeoJSON has no geometry to give, so CSV is written)."""
    if fmt == "parquet" and output != "-":
        df.write_parquet(output)
        return
    buf = io.StringIO()
    df.write_csv(buf)
    if output == "-":
        stdout.write(buf.getvalue(), ending="")
    else:
        Path(output).write_text(buf.getvalue(), encoding="utf-8")


def write_events(df: pl.DataFrame, fmt: str, output: str, stdout: Any) -> None:
    """Write events as CSV, GeoJSON (points where each event began) or Parquet."""
    if fmt == "parquet":
        if output == "-":
            raise CommandError("--format parquet needs --output FILE")
        df.write_parquet(output)
        return
    if fmt == "csv":
        buf = io.StringIO()
        df.write_csv(buf, datetime_format="%Y-%m-%dT%H:%M:%S%.fZ")
        text = buf.getvalue()
    else:
        feats = []
        for row in df.iter_rows(named=True):
            props = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
            for k in ("detail", "params"):
                props[k] = json.loads(props[k]) if props[k] else None
            geom = (
                {"type": "Point", "coordinates": [row["lon"], row["lat"]]} if row["lat"] is not None else None
            )
            feats.append({"type": "Feature", "geometry": geom, "properties": props})
        text = json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False) + "\n"
    if output == "-":
        stdout.write(text, ending="")
    else:
        Path(output).write_text(text, encoding="utf-8")


def scenario(opts: dict[str, Any], stdout: Any) -> None:
    from veille.core.ais.sources import file_batches
    from veille.core.events.scenario import generate

    out = Path(opts["store"]) if opts.get("store") else default_store()
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


def evaluate(opts: dict[str, Any], stdout: Any) -> None:
    from veille.core.events.evaluate import evaluate as score

    root = Path(opts["store"]) if opts.get("store") else default_store()
    store_dir = root / "store" if (root / "store" / "positions").is_dir() else root
    manifest = Path(opts["manifest"]) if opts.get("manifest") else store_dir.parent / "manifest.json"
    if not manifest.is_file():
        raise CommandError(f"{manifest}: no such manifest", returncode=3)
    m = json.loads(manifest.read_text(encoding="utf-8"))
    run = run_events(AisStore(store_dir), until=_when(m.get("end")), now=_when(m.get("end")))
    result = score(run.events, m)
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


def live(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    """``veille ais watch``: one JSON object per event, as each completes; a summary on stderr."""
    from veille.core.ais.sources import file_batches, tcp_batches
    from veille.maritime.live import WatchStats, watch

    deadline: float | None = None
    if opts.get("until"):
        from veille.maritime.management.commands.ais import parse_until

        deadline = parse_until(opts["until"])

    def stop() -> bool:
        return deadline is not None and time.time() >= deadline

    item = opts["input"]
    if item.startswith("tcp://"):
        from veille.maritime.management.commands.ais import tcp_address

        host, port = tcp_address(item)  # brackets for IPv6, ports 1-65535; exit 2 otherwise

        def lost(message: str) -> None:
            stderr.write(f"veille ais watch {item}: {message}; retrying\n")
            stderr.flush()

        batches = tcp_batches(host, port, stop=stop, on_error=lost)
    elif item != "-" and not Path(item).is_file():
        raise CommandError(f"{item}: no such file", returncode=3)
    else:
        batches = file_batches(item)
    stats = WatchStats()
    detectors = _detectors(opts) or Detectors()
    saver = None
    if opts.get("save"):
        from veille.maritime.events import LiveRun

        saver = LiveRun(
            AisStore(Path(opts["store"]) if opts.get("store") else default_store()), detectors, item
        )
    try:
        for events in watch(
            batches, detectors=detectors, until=_when(opts.get("end")), stats=stats, stop=stop
        ):
            if saver is not None:
                saver.save(events)
            for row in events.iter_rows(named=True):
                out = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
                stdout.write(json.dumps(out, ensure_ascii=False))
            stdout.flush()
    except KeyboardInterrupt:  # Ctrl-C: what was saved stays, the run's stamp is completed
        stderr.write(json.dumps(stats.as_dict() | {"interrupted": True}))
        raise CommandError("interrupted: events were saved as they completed", returncode=130) from None
    finally:
        if saver is not None:
            saver.close(stats.as_dict())
    stderr.write(json.dumps(stats.as_dict()))


def handle(action: str, opts: dict[str, Any], stdout: Any, stderr: Any) -> bool:
    """Run ``action`` if it is one of ours; ``False`` otherwise."""
    if action == "events":
        events(opts, stdout, stderr)
    elif action == "scenario":
        scenario(opts, stdout)
    elif action == "evaluate":
        evaluate(opts, stdout)
    elif action == "watch":
        live(opts, stdout, stderr)
    else:
        return False
    sys.stdout.flush()
    return True
