"""``veille ais events``: detect the events of the store (or, with ``--stored``, read the stored
ones) and write one row per event as CSV, GeoJSON or Parquet; ``--stats`` writes statistics per day,
zone and flag instead. Exit codes: :mod:`veille.maritime.cli.common`.
"""

from __future__ import annotations

import io
import json
from argparse import ArgumentParser
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from veille.core.env import data_dir
from veille.core.events.batch import Detectors
from veille.core.events.schema import EVENT_TYPES
from veille.maritime.cli.common import EXIT_ARGS, EXIT_INPUT, CommandError, check_output, store_of
from veille.maritime.event_files import filter_zone, read_events
from veille.maritime.event_runs import load_positions, run_events

__all__ = ["TYPE_GROUPS", "add_parser", "check", "detectors_of", "run", "when", "write_events", "write_table"]

TYPE_GROUPS = {"zone": ["zone_entry", "zone_exit"], "track": ["position_jump", "shared_mmsi"]}


def add_parser(sub: Any) -> ArgumentParser:
    parser = sub.add_parser(
        "events", help="detect (or read) events: gaps, encounters, loitering, zones, cables, …"
    )
    parser.add_argument("--since", help="start of the window (ISO 8601, UTC if no zone)")
    parser.add_argument("--until", help="end of the window (ISO 8601, UTC if no zone), exclusive")
    parser.add_argument("--zone", help="only events in this zone (id, e.g. barents_sea)")
    parser.add_argument(
        "--type", action="append", dest="types", help=f"only this type (repeatable): {', '.join(EVENT_TYPES)}"
    )
    parser.add_argument("--format", choices=["csv", "geojson", "parquet"], default="csv")
    parser.add_argument("--output", default="-", help="file to write (- for stdout; parquet needs a file)")
    parser.add_argument("--stored", action="store_true", help="read the stored events instead of detecting")
    parser.add_argument(
        "--zones",
        action="append",
        default=[],
        help="more zones: a GeoJSON file or a folder of them (repeatable)",
    )
    parser.add_argument("--dry-run", action="store_true", help="detect but do not store the run")
    parser.add_argument(
        "--engine",
        choices=["embedded", "spark"],
        default="embedded",
        help="embedded (default): this process, Polars and DuckDB; spark: Apache Spark, vessels "
        "grouped on its executors (docs/scale.md)",
    )
    parser.add_argument(
        "--master",
        help="with --engine spark: the Spark master (local[N], spark://HOST:PORT, yarn, k8s://…; default "
        "$VEILLE_SPARK_MASTER, else local[*])",
    )
    parser.add_argument(
        "--stats", action="store_true", help="write statistics per day, zone and flag instead of the events"
    )
    return parser


def check(opts: dict[str, Any]) -> None:
    """Refuse bad ``events`` options (exit 2) before detection starts."""
    for name in ("since", "until"):
        text = opts.get(name)
        if text is None:
            continue
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise CommandError(
                f"--{name} {text!r}: expected an ISO 8601 time (2024-01-31 or 2024-01-31T12:00, UTC "
                "if no zone)",
                returncode=EXIT_ARGS,
            ) from exc
    for t in opts.get("types") or []:
        if t not in TYPE_GROUPS and t not in EVENT_TYPES:
            raise CommandError(
                f"--type {t}: expected one of {', '.join(EVENT_TYPES)}, zone or track",
                returncode=EXIT_ARGS,
            )
    if opts.get("output"):
        check_output("--output", opts["output"])
    if opts.get("master") and opts.get("engine") != "spark":
        raise CommandError("--master applies to --engine spark", returncode=EXIT_ARGS)
    if opts.get("engine") == "spark" and opts.get("stored"):
        raise CommandError("--stored reads the stored events: no engine runs", returncode=EXIT_ARGS)
    if opts.get("zone"):
        from veille.core.events.zones import shipped_zones

        detectors = detectors_of(opts)  # the user's --zones added to the shipped ones
        zones = detectors.zones.zones if detectors is not None else None
        ids = (zones or shipped_zones()).ids
        if opts["zone"] not in ids:
            raise CommandError(
                f"--zone {opts['zone']}: unknown zone; expected one of {', '.join(ids)}",
                returncode=EXIT_ARGS,
            )


def when(text: str | None) -> datetime | None:
    """An ISO 8601 time given on the command line, UTC if it has no zone; ``None`` for nothing."""
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CommandError(f"{text!r}: expected an ISO 8601 time") from exc
    return at if at.tzinfo else at.replace(tzinfo=UTC)


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


def detectors_of(opts: dict[str, Any]) -> Detectors | None:
    """The default detectors, with the user's zones added to the shipped ones."""
    if not opts.get("zones"):
        return None
    from veille.core.events.zones import ZoneDetector, Zones

    for z in opts["zones"]:
        if not Path(z).exists():
            raise CommandError(f"--zones {z}: no such file or folder", returncode=EXIT_INPUT)
    try:
        zones = Zones.from_files([data_dir() / "zones", *opts["zones"]])
    except (ValueError, KeyError) as exc:
        raise CommandError(f"--zones: {exc}") from exc
    return Detectors(zones=ZoneDetector(zones=zones))


def run(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    """Detect (or read) the events and write them, or their statistics; the run's summary on stderr."""
    store = store_of(opts)
    since, until = when(opts.get("since")), when(opts.get("until"))
    types = _types(opts)
    detectors = detectors_of(opts)
    zones = detectors.zones.zones if detectors is not None else None
    if opts.get("stored"):
        try:
            df = read_events(store, since=since, until=until, zone=opts.get("zone"), types=types)
        except KeyError as exc:
            raise CommandError(f"--zone {opts['zone']}: unknown zone") from exc
    else:
        if opts.get("engine") == "spark":
            result = _spark(opts, store, since, until, detectors)
        else:
            result = run_events(
                store, since=since, until=until, write=not opts.get("dry_run"), detectors=detectors
            )
        df = result.events
        if types:
            df = df.filter(pl.col("type").is_in(types))
        if opts.get("zone"):
            try:
                df = filter_zone(df, opts["zone"], zones)
            except KeyError as exc:
                raise CommandError(f"--zone {opts['zone']}: unknown zone") from exc
        stderr.write(json.dumps(result.summary()))
    if opts.get("stats"):
        from veille.core.events.stats import statistics

        positions, _ = load_positions(store, since, until)
        table = statistics(positions, df, zones)
        if opts.get("zone"):
            table = table.filter(pl.col("zone") == opts["zone"])
        write_table(table, opts["format"], opts.get("output") or "-", stdout)
        return
    write_events(df, opts["format"], opts.get("output") or "-", stdout)


def _spark(
    opts: dict[str, Any],
    store: Any,
    since: datetime | None,
    until: datetime | None,
    detectors: Detectors | None,
) -> Any:
    """``--engine spark``: the same detectors on Spark's executors (docs/scale.md)."""
    from veille.maritime.spark.events_job import spark_events
    from veille.maritime.spark.session import MasterUnreachable, SparkUnavailable, spark_session

    try:
        spark = spark_session(opts.get("master"), app="veille ais events")
    except SparkUnavailable as exc:
        raise CommandError(str(exc), returncode=EXIT_ARGS) from exc
    except MasterUnreachable as exc:
        raise CommandError(str(exc), returncode=EXIT_INPUT) from exc
    return spark_events(
        spark, store, since=since, until=until, detectors=detectors, write=not opts.get("dry_run")
    )


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
