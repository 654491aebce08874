"""Detector runs over the AIS store, which write the event files: a batch run over the stored
positions (:func:`run_events`, ``veille ais events``) and a live run's batches as they complete
(:class:`LiveRun`, ``veille ais watch --save``). Where the files go and how they are read back is
:mod:`veille.maritime.event_files`.

A run over a window (``since``) starts from each vessel's last fix before the window, so a silence
that spans the start of the window is found; an open gap (or loitering, encounter, cable run) that a
later run sees closed keeps its id, and the readers show the latest run's row.
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

import polars as pl

from veille import __version__
from veille.core.ais.synth import SOURCE as SYNTHETIC
from veille.core.env import SOURCE_ROOT
from veille.core.events.batch import Detectors, detect_all
from veille.core.events.schema import mark_synthetic
from veille.core.tracks import QualityReport, clean
from veille.maritime.event_files import UTC_TS, as_utc, run_folder, stamp_file
from veille.maritime.store import AisStore, write_parquet

__all__ = [
    "EventRun",
    "LiveRun",
    "code_version",
    "load_history",
    "load_positions",
    "run_events",
    "store_run",
    "synthetic_vessels",
    "window_files",
]


def code_version() -> str:
    """veille's version, with the git commit when run from a checkout."""
    try:
        out = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "-C", str(SOURCE_ROOT), "rev-parse", "--short=12", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        commit = out.stdout.strip()
    except OSError:
        commit = ""
    return f"{__version__}+{commit}" if commit else __version__


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
    return as_utc(df, "timestamp"), window_files(store, since, until)


def window_files(store: AisStore, since: datetime | None = None, until: datetime | None = None) -> list[Path]:
    """The position parts a run over ``[since, until)`` reads (the day before ``since`` too)."""
    days = sorted((store.root / "positions").glob("day=*"))
    return [
        f
        for d in days
        if (since is None or d.name[4:] >= (since - timedelta(days=1)).date().isoformat())
        and (until is None or d.name[4:] <= until.date().isoformat())
        for f in sorted(d.glob("*.parquet"))
    ]


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
    return as_utc(store.connect().sql("SELECT * FROM vessel_history").pl(), "valid_from")


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
    return store_run(
        store, events, quality, d, files,
        since=since, until=until, end=end, now=now, write=write,  # type: ignore[arg-type]
    )  # fmt: skip


def store_run(
    store: AisStore,
    events: pl.DataFrame,
    quality: QualityReport,
    detectors: Detectors,
    files: list[Path],
    *,
    since: datetime | None,
    until: datetime | None,
    end: datetime | None,
    now: datetime,
    write: bool = True,
) -> EventRun:
    """Keep the events of a run over ``[since, until)`` (``end``: the end of the data the
    detectors were given) and, unless ``write`` is false, store them with the run's stamp. Both
    engines end here (:func:`run_events`; ``veille.maritime.spark.events_job``)."""
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
        "parameters": detectors.params(),
        "inputs": [
            {"file": str(f.relative_to(store.root)), "bytes": f.stat().st_size, "sha256": _sha256(f)}
            for f in files
        ],
        "quality": quality.as_dict(),
        "events": events.height,
    }
    run = EventRun(run_id, events, quality, stamp)
    if write:
        folder = run_folder(store.root, run_id)
        folder.mkdir(parents=True, exist_ok=True)
        # each event says whether it is synthetic, as a live run's do, so that readers (the Arctic
        # picture) need not look through the positions for it
        stamped = mark_synthetic(events, synthetic_vessels(store, since, until)).with_columns(
            run_id=pl.lit(run_id), run_at=pl.lit(now).cast(UTC_TS)
        )
        write_parquet(stamped, folder / "events.parquet")  # the alert stream polls the folder
        stamp_path = stamp_file(store.root, run_id)
        stamp_path.parent.mkdir(parents=True, exist_ok=True)
        stamp_path.write_text(json.dumps(stamp, indent=1), encoding="utf-8")
    return run


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
        self.folder = run_folder(store.root, self.run_id)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.stamp_path = stamp_file(store.root, self.run_id)
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
