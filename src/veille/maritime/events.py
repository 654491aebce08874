"""Events over the AIS store: the batch engine, the stored event table, scenarios and evaluation.

Layout under the store root (next to ``positions/`` and ``vessels/``)::

    events/run=<run_id>/events.parquet    the events of one run (schema of core.events.schema),
                                          each saying whether it is ``synthetic``
    events/run=live-…/events-NNNNNN.parquet  a live run's batches (``veille ais watch --save``),
                                          each event with ``received_at``, when the lines that
                                          completed it were read, and ``synthetic``
    events/runs/<run_id>.json             its stamp: code version, parameters, run time, time
                                          window, input files with their SHA-256, quality report

The ``events`` DuckDB view keeps, for every ``event_id``, the row of the latest run: an open gap
(or loitering, encounter, cable run) that a later run sees closed is replaced by the closed one,
which keeps its id. Runs over a window (``since``) start from each vessel's last fix before the
window, so a silence that spans the start of the window is found.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from veille import __version__
from veille.core.ais.synth import SOURCE as SYNTHETIC
from veille.core.events.batch import Detectors, detect_all
from veille.core.events.schema import EVENT_SCHEMA, empty_events, mark_synthetic, sort_events
from veille.core.tracks import QualityReport, clean
from veille.maritime.store import AisStore, write_parquet

UTC_TS = pl.Datetime("us", "UTC")


def code_version() -> str:
    """veille's version, with the git commit when run from a checkout."""
    root = Path(__file__).resolve().parents[3]
    try:
        out = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        commit = out.stdout.strip()
    except OSError:
        commit = ""
    return f"{__version__}+{commit}" if commit else __version__


def _utc(df: pl.DataFrame, *cols: str) -> pl.DataFrame:
    return df.with_columns(
        [pl.col(c).dt.convert_time_zone("UTC").cast(UTC_TS) for c in cols if c in df.columns]
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_positions(
    store: AisStore, since: datetime | None = None, until: datetime | None = None
) -> tuple[pl.DataFrame, list[Path]]:
    """Positions in ``[since, until)`` plus each vessel's last fix before ``since``, and the files read."""
    con = store.connect()
    cols = "mmsi, timestamp, lat, lon, sog_kn"
    where, params = [], []
    if since is not None:
        where.append("timestamp >= ?")
        params.append(since)
    if until is not None:
        where.append("timestamp < ?")
        params.append(until)
    sql = f"SELECT {cols} FROM positions" + (" WHERE " + " AND ".join(where) if where else "")  # noqa: S608
    df = con.sql(sql, params=params).pl()
    if since is not None:
        before = con.sql(
            f"SELECT {cols} FROM positions WHERE timestamp < ? AND lat BETWEEN -90 AND 90 "  # noqa: S608
            "AND lon BETWEEN -180 AND 180 AND NOT (lat = 0 AND lon = 0) "
            "QUALIFY row_number() OVER (PARTITION BY mmsi ORDER BY timestamp DESC) = 1",
            params=[since],
        ).pl()
        df = pl.concat([before, df])
    days = sorted((store.root / "positions").glob("day=*"))
    files = [
        f
        for d in days
        if (since is None or d.name[4:] >= (since - timedelta(days=1)).date().isoformat())
        and (until is None or d.name[4:] <= until.date().isoformat())
        for f in sorted(d.glob("*.parquet"))
    ]
    return _utc(df, "timestamp"), files


def synthetic_vessels(
    store: AisStore, since: datetime | None = None, until: datetime | None = None
) -> list[int]:
    """MMSIs with positions in ``[since, until)`` (the day before ``since`` too, as
    :func:`load_positions` reads) that came in sentences tagged ``s:synthetic``."""
    where, params = [f"source = '{SYNTHETIC}'"], []
    if since is not None:
        where.append("timestamp >= ?")
        params.append(since - timedelta(days=1))
    if until is not None:
        where.append("timestamp < ?")
        params.append(until)
    sql = f"SELECT DISTINCT mmsi FROM positions WHERE {' AND '.join(where)}"  # noqa: S608
    return [r[0] for r in store.connect().sql(sql, params=params).fetchall()]


def load_history(store: AisStore) -> pl.DataFrame:
    """The registry's history of static data."""
    return _utc(store.connect().sql("SELECT * FROM vessel_history").pl(), "valid_from")


@dataclass
class EventRun:
    """What one run produced and the stamp it was stored with."""

    run_id: str
    events: pl.DataFrame
    quality: QualityReport
    stamp: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        counts = self.events.group_by("type").len().sort("type").rows()
        return {
            "run_id": self.run_id,
            "events": self.events.height,
            "by_type": {t: n for t, n in counts},
            "quality": self.quality.as_dict(),
            "code_version": self.stamp.get("code_version"),
        }


def run_events(
    store: AisStore,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    detectors: Detectors | None = None,
    now: datetime | None = None,
    write: bool = True,
) -> EventRun:
    """Detect every event in the store's window and (unless ``write`` is false) store them."""
    now = now or datetime.now(UTC)
    positions, files = load_positions(store, since, until)
    cleaned, quality = clean(positions, now=now)
    end = until or (cleaned.filter(pl.col("quality") == "ok")["timestamp"].max() if cleaned.height else None)
    d = (detectors or Detectors()).with_until(end)  # type: ignore[arg-type]
    history = load_history(store)
    events = detect_all(cleaned, history=history, detectors=d)
    if since is not None:  # the context fixes before the window start events only when they span it
        events = events.filter((pl.col("end").is_null()) | (pl.col("end") >= since))
    if until is not None:  # registry changes may be later than the window
        events = events.filter(pl.col("start") < until)
    run_id = f"{now.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    stamp = {
        "run_id": run_id,
        "run_at": now.isoformat(),
        "code_version": code_version(),
        "since": since.isoformat() if since else None,
        "until": end.isoformat() if isinstance(end, datetime) else None,
        "parameters": d.params(),
        "inputs": [
            {"file": str(f.relative_to(store.root)), "bytes": f.stat().st_size, "sha256": _sha256(f)}
            for f in files
        ],
        "quality": quality.as_dict(),
        "events": events.height,
    }
    run = EventRun(run_id, events, quality, stamp)
    if write:
        folder = store.root / "events" / f"run={run_id}"
        folder.mkdir(parents=True, exist_ok=True)
        # each event says whether it is synthetic, as a live run's do, so that readers (the Arctic
        # picture) need not look through the positions for it
        stamped = mark_synthetic(events, synthetic_vessels(store, since, until)).with_columns(
            run_id=pl.lit(run_id), run_at=pl.lit(now).cast(UTC_TS)
        )
        write_parquet(stamped, folder / "events.parquet")  # the alert stream polls the folder
        runs = store.root / "events" / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        (runs / f"{run_id}.json").write_text(json.dumps(stamp, indent=1), encoding="utf-8")
    return run


def events_view(store: AisStore) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the store's views and ``events`` (latest row per ``event_id``)."""
    con = store.connect()
    folder = store.root / "events"
    if any(folder.glob("run=*/*.parquet")):
        con.sql(
            f"CREATE VIEW events_all AS SELECT * FROM read_parquet('{folder}/run=*/*.parquet', "  # noqa: S608
            "hive_partitioning = false, union_by_name = true)"
        )
        con.sql(
            "CREATE VIEW events AS SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER "
            "(PARTITION BY event_id ORDER BY run_at DESC, run_id DESC) AS rn FROM events_all) WHERE rn = 1"
        )
    else:
        con.register("events_empty", empty_events().to_arrow())
        con.sql("CREATE VIEW events AS SELECT * FROM events_empty")
    return con


def read_events(
    store: AisStore,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    zone: str | None = None,
    types: list[str] | None = None,
) -> pl.DataFrame:
    """Stored events (latest version of each) that overlap ``[since, until)``, filtered."""
    con = events_view(store)
    where: list[str] = ["true"]
    params: list[Any] = []
    if since is not None:
        where.append('("end" IS NULL OR "end" >= ?)')
        params.append(since)
    if until is not None:
        where.append("start < ?")
        params.append(until)
    if types:
        where.append("type IN (" + ", ".join("?" for _ in types) + ")")
        params.extend(types)
    cols = ", ".join(f'"{c}"' for c in EVENT_SCHEMA)
    df = con.sql(f"SELECT {cols} FROM events WHERE {' AND '.join(where)}", params=params).pl()  # noqa: S608
    df = _utc(df, "start", "end").cast(EVENT_SCHEMA)  # type: ignore[arg-type]
    if zone:
        df = filter_zone(df, zone)
    return sort_events(df)


def filter_zone(events: pl.DataFrame, zone: str, zones: Any = None) -> pl.DataFrame:
    """Events of zone ``zone`` (entries and exits) or located in it (every other type)."""
    from veille.core.events.zones import shipped_zones

    zones = zones or shipped_zones()
    if zone not in zones.ids:
        raise KeyError(zone)
    j = zones.ids.index(zone)
    inside = zones.contains(
        events["lat"].fill_null(91.0).to_numpy(), events["lon"].fill_null(181.0).to_numpy()
    )[:, j]
    return events.filter(pl.Series(inside) | (pl.col("zone") == zone))


class LiveRun:
    """The events of a live feed (``veille ais watch --save``), stored as they complete.

    Each batch of completed events becomes one Parquet file in ``<store>/events/run=<id>/``, written
    under a temporary name and renamed, so that readers (the Arctic picture's alert stream polls the
    folder) never see half a file. The run's stamp is written at the start and completed at the end.
    Besides ``run_id`` and ``run_at``, each row keeps the ``received_at`` that
    :func:`veille.maritime.live.watch` gives it (the wall-clock time, UTC, at which the batch of lines
    that completed the event was read; empty for the events reported when the feed ended), so
    that the latency from a sentence's arrival to an alert can be measured.
    """

    def __init__(
        self, store: AisStore, detectors: Detectors, source: str, now: datetime | None = None
    ) -> None:
        self.now = now or datetime.now(UTC)
        self.run_id = f"live-{self.now.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        self.folder = store.root / "events" / f"run={self.run_id}"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.stamp_path = store.root / "events" / "runs" / f"{self.run_id}.json"
        self.stamp_path.parent.mkdir(parents=True, exist_ok=True)
        self.stamp: dict[str, Any] = {
            "run_id": self.run_id,
            "run_at": self.now.isoformat(),
            "code_version": code_version(),
            "mode": "live",
            "source": source,
            "parameters": detectors.params(),
            "events": 0,
            "files": 0,
        }
        self._write_stamp()
        self.batches = 0

    def _write_stamp(self) -> None:
        tmp = self.stamp_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.stamp, indent=1), encoding="utf-8")
        tmp.replace(self.stamp_path)

    def save(self, events: pl.DataFrame) -> Path:
        self.batches += 1
        path = self.folder / f"events-{self.batches:06d}.parquet"
        stamped = events.with_columns(run_id=pl.lit(self.run_id), run_at=pl.lit(self.now).cast(UTC_TS))
        if "received_at" not in stamped.columns:  # every file of a live run has the column
            stamped = stamped.with_columns(received_at=pl.lit(None, dtype=UTC_TS))
        write_parquet(stamped, path)
        self.stamp["events"] += events.height
        self.stamp["files"] = self.batches
        return path

    def close(self, stats: dict[str, Any]) -> None:
        self.stamp["finished_at"] = datetime.now(UTC).isoformat()
        self.stamp["stats"] = stats
        self._write_stamp()
