"""Benchmark of the event detectors (``make bench`` / ``python bench/ais_events.py``).

Generates N synthetic positions (seeded; default 10 million: 20,000 vessels in the Norwegian and
Barents Seas, some of them slow, some silent for hours), then times on the same frame:

- veille's batch detectors all together (:func:`veille.core.events.batch.detect_all`);
- a straightforward Polars implementation of the same detectors (window expressions over each
  MMSI, Shapely tests of every fix against every zone, a cable query for every slow fix, a join
  on rounded cells for encounters);
- movingpandas' ObservationGapSplitter (gaps of 6 h) on a sample of whole vessels, reported per
  position (it builds one GeoDataFrame per trajectory, so the full frame would take hours);
- the streaming engine on a time-ordered sample, one core, and its state per vessel.

Writes its section of docs/benchmarks.md between the ``bench:ais_events`` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import time
from pathlib import Path

import numpy as np
import polars as pl
import shapely

from veille.core.events.batch import Detectors, detect_all
from veille.core.events.cables import cable_index
from veille.core.events.stream import StreamEngine
from veille.core.events.zones import shipped_zones
from veille.core.tracks import clean

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
T0 = 1_767_225_600


def synthetic(n: int, vessels: int, seed: int = 1) -> pl.DataFrame:
    """Seeded synthetic positions, sorted by MMSI and time (marked synthetic by its source)."""
    rng = np.random.default_rng(seed)
    per = n // vessels
    mmsi = np.repeat(rng.choice(np.arange(200_000_000, 775_000_000, 7), vessels, replace=False), per)
    step = np.repeat(rng.choice([10.0, 30.0, 60.0, 180.0], vessels), per)
    dt_s = step * rng.uniform(0.8, 1.2, n)
    silent = rng.random(n) < 2e-4  # now and then a silence of 3 to 20 h
    dt_s[silent] += rng.uniform(3 * 3600, 20 * 3600, int(silent.sum()))
    first = np.arange(0, n, per)
    dt_s[first] = rng.uniform(0, 3600, vessels)
    t = np.cumsum(dt_s)
    t -= np.repeat(t[first], per) - np.repeat(dt_s[first], per)
    slow = np.repeat(rng.random(vessels) < 0.2, per)
    sog = np.where(slow, rng.uniform(0.0, 3.0, n), np.repeat(rng.uniform(6.0, 16.0, vessels), per))
    course = np.repeat(rng.uniform(0, 2 * np.pi, vessels), per) + np.cumsum(rng.normal(0, 0.02, n))
    d_deg = sog * dt_s / 3600.0 / 60.0
    dlat = np.cos(course) * d_deg
    lat0 = np.repeat(rng.uniform(62.0, 78.0, vessels), per)
    lon0 = np.repeat(rng.uniform(-15.0, 50.0, vessels), per)
    dlat[first] = 0.0
    lat = np.clip(lat0 + _seg_cumsum(dlat, per), 55.0, 85.0)
    dlon = np.sin(course) * d_deg / np.cos(np.radians(lat))
    dlon[first] = 0.0
    lon = (lon0 + _seg_cumsum(dlon, per) + 180.0) % 360.0 - 180.0
    return (
        pl.DataFrame(
            {
                "mmsi": mmsi.astype(np.uint32),
                "timestamp": ((T0 + t) * 1e6).astype(np.int64),
                "lat": np.round(lat * 600_000) / 600_000,
                "lon": np.round(lon * 600_000) / 600_000,
                "sog_kn": np.round(sog, 1),
            }
        )
        .with_columns(pl.col("timestamp").cast(pl.Datetime("us", "UTC")), source=pl.lit("synthetic"))
        .sort("mmsi", "timestamp")
    )  # clean() sorts a store's rows once; that sort is timed apart


def _seg_cumsum(x: np.ndarray, per: int) -> np.ndarray:
    c = np.cumsum(x.reshape(-1, per), axis=1)
    return c.reshape(-1)


def straightforward(df: pl.DataFrame) -> int:
    """The same detectors written plainly with Polars expressions and Shapely; returns an event count."""
    r = 6371.0088
    rad = np.pi / 180
    lat, lon = pl.col("lat") * rad, pl.col("lon") * rad
    plat, plon = lat.shift(1).over("mmsi"), lon.shift(1).over("mmsi")
    a = ((lat - plat) / 2).sin() ** 2 + lat.cos() * plat.cos() * ((lon - plon) / 2).sin() ** 2
    dt_s = (pl.col("timestamp") - pl.col("timestamp").shift(1).over("mmsi")).dt.total_seconds()
    seg = df.with_columns(d_km=2 * r * a.sqrt().arcsin(), dt_s=dt_s).with_columns(
        v_kn=pl.col("d_km") / 1.852 / (pl.col("dt_s").clip(1) / 3600)
    )
    seg = seg.with_columns(brk=(pl.col("dt_s") > 86400) | (pl.col("v_kn") > 25)).with_columns(
        segment=pl.col("brk").fill_null(True).cum_sum().over("mmsi")
    )
    n = seg.filter(pl.col("dt_s") >= 6 * 3600).height
    hours = seg.group_by("mmsi", pl.col("timestamp").dt.truncate("1h")).agg(pl.col("sog_kn").mean())
    n += hours.filter(pl.col("sog_kn") < 2).height
    zones = shipped_zones()
    x, y = df["lon"].to_numpy(), df["lat"].to_numpy()
    inside = [shapely.contains_xy(g, x, y) for g in zones.index.geoms]
    n += sum(int(np.count_nonzero(np.diff(z.astype(np.int8)))) for z in inside)
    slow = df.filter(pl.col("sog_kn") < 5)
    cables = cable_index()
    if cables is not None and slow.height:
        pts = shapely.points(slow["lon"].to_numpy(), slow["lat"].to_numpy())
        hit, _ = cables.tree.query(pts, predicate="dwithin", distance=1.0 / 111.0)
        n += len(np.unique(hit))
    bins = (
        df.with_columns(b=pl.col("timestamp").dt.epoch("s") // 600)
        .group_by("mmsi", "b")
        .last()
        .with_columns(
            cy=(pl.col("lat") * 222).floor().cast(pl.Int64), cx=(pl.col("lon") * 80).floor().cast(pl.Int64)
        )
    )
    pairs = bins.join(bins, on=["b", "cy", "cx"], suffix="_2").filter(pl.col("mmsi") < pl.col("mmsi_2"))
    n += pairs.height
    return n


def movingpandas_rate(df: pl.DataFrame, vessels: int) -> tuple[float | None, str]:
    try:
        import geopandas as gpd
        import movingpandas as mpd
    except ImportError as exc:
        return None, f"movingpandas not installed ({exc})"
    sample = df.filter(pl.col("mmsi").is_in(df["mmsi"].unique().sort().head(vessels).implode()))
    pdf = sample.select("mmsi", "timestamp", "lat", "lon").to_pandas()
    pdf["timestamp"] = pdf["timestamp"].dt.tz_localize(None)
    gdf = gpd.GeoDataFrame(pdf, geometry=gpd.points_from_xy(pdf["lon"], pdf["lat"]), crs="EPSG:4326")
    started = time.perf_counter()
    tc = mpd.TrajectoryCollection(gdf, "mmsi", t="timestamp")
    mpd.ObservationGapSplitter(tc).split(gap=dt.timedelta(hours=6))
    elapsed = time.perf_counter() - started
    return (
        sample.height / elapsed,
        f"movingpandas {mpd.__version__}, {vessels} vessels ({sample.height:,} positions)",
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--positions", type=int, default=10_000_000)
    ap.add_argument("--vessels", type=int, default=20_000)
    ap.add_argument("--stream", type=int, default=1_000_000, help="positions fed to the streaming engine")
    ap.add_argument("--mp-vessels", type=int, default=40, help="vessels given to movingpandas")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    df = synthetic(args.positions, args.vessels)
    shipped_zones()
    cable_index()
    Detectors().gaps.segmenter  # noqa: B018 - warm imports
    detect_all(df.head(100_000))  # warm caches (zone rasters, cable raster, coast)

    arrival = df.sort("timestamp")
    started = time.perf_counter()
    clean(arrival, now=dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    t_sort = time.perf_counter() - started
    del arrival
    started, cpu = time.perf_counter(), time.process_time()
    events = detect_all(df)
    t_veille, c_veille = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    straightforward(df)
    t_plain, c_plain = time.perf_counter() - started, time.process_time() - cpu
    mp_rate, mp_note = movingpandas_rate(df, args.mp_vessels)

    ordered = df.head(args.stream).sort("timestamp")
    engine = StreamEngine()
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(0, ordered.height, 20_000):
        engine.feed(ordered.slice(i, 20_000))
    engine.close()
    t_stream, c_stream = time.perf_counter() - started, time.process_time() - cpu
    bpv = engine.bytes_per_vessel()

    n = df.height
    rate, plain = n / t_veille, n / t_plain
    srate = ordered.height / t_stream
    rows = [
        (
            "all batch detectors (segments, jumps, gaps, encounters, loitering, zones, cables)",
            rate,
            "-",
            "-",
            ">= 3,000,000/s on two cores " + ("(met)" if rate >= 3e6 else "(NOT met)"),
        ),
        (
            "the same with the cleaning from arrival order before them (`clean()`: sort, duplicates, flags)",
            n / (t_sort + t_veille),
            "-",
            "-",
            "-",
        ),
        (
            "straightforward Polars + Shapely implementation, same data",
            plain,
            f"{rate / plain:.1f}x",
            "-",
            "veille >= 2x it in the same run " + ("(met)" if rate >= 2 * plain else "(NOT met)"),
        ),
        (
            "movingpandas ObservationGapSplitter (gaps only)",
            mp_rate or 0.0,
            f"{rate / mp_rate:.0f}x" if mp_rate else "n/a",
            "-",
            mp_note,
        ),
        (
            "streaming engine, one core, time-ordered",
            srate,
            "-",
            f"{bpv:,.0f} B/vessel",
            ">= 100,000 msgs/s "
            + ("(met)" if srate >= 1e5 else "(NOT met)")
            + ", <= 1 KB/vessel "
            + ("(met)" if bpv <= 1024 else "(NOT met)"),
        ),
    ]
    machine = f"{_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}, polars {pl.__version__}"
    lines = [
        "## AIS events (`bench/ais_events.py`)",
        "",
        f"Machine: {machine}. Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {n:,} synthetic positions "
        f"({args.vessels:,} vessels, seeded), {events.height:,} events found; streaming on the first "
        f"{ordered.height:,} positions in time order ({len(engine.vessels):,} vessels).",
        "",
        "| measure | positions/s | veille is | state | target / note |",
        "|---|---:|---:|---:|---|",
        *[f"| {a} | {b:,.0f} | {c} | {d} | {e} |" for a, b, c, d, e in rows],
        "",
        f"Input sorted by MMSI and time, as `clean()` leaves it (cleaning the {n:,} positions from arrival "
        f"order: sort, duplicates, flags, took {t_sort:.2f} s more). "
        f"Wall times: veille {t_veille:.2f} s (CPU {c_veille:.2f} s), straightforward {t_plain:.2f} s "
        f"(CPU {c_plain:.2f} s; by CPU time, which other work on the machine stretches less than wall "
        f"time, veille is {c_plain / c_veille:.1f}x the straightforward version), "
        f"streaming {t_stream:.2f} s (CPU {c_stream:.2f} s, "
        f"{ordered.height / c_stream:,.0f} msgs per CPU-second). Rates are positions per wall-clock "
        f"second; the machine is shared with other work (load average {os.getloadavg()[0]:.1f} at the end "
        "of the run), so figures vary by tens of per cent between runs."
        + (
            " This run's machine was loaded by other work: its figures are provisional, the ones to "
            "quote come from a rerun on an idle machine."
            if os.getloadavg()[0] > (os.cpu_count() or 1)
            else ""
        ),
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
        block = f"<!-- bench:ais_events -->\n{section}\n<!-- /bench:ais_events -->"
        if "<!-- bench:ais_events -->" in text:
            text = re.sub(
                r"<!-- bench:ais_events -->.*?<!-- /bench:ais_events -->", lambda _: block, text, flags=re.S
            )
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        DOC.write_text(text, encoding="utf-8")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
