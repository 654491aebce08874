"""The baseline of the headline ingest benchmark: pyais doing the job of ``veille ais ingest``.

Reads an NMEA file with pyais' own stream reader (which reassembles multi-part messages and skips
invalid lines), decodes every message, keeps the position reports (types 1, 2, 3, 18, 19, 27)
with the columns veille stores (MMSI, latitude, longitude, speed, course, heading, navigation
status, message type) and writes them to one Parquet file with Polars (zstd, as veille).
Prints one JSON line: messages read, decoded, positions written, wall time in the process.

Usage: ``python bench/_pyais_ingest.py FILE OUT.parquet``
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    started = time.perf_counter()
    import polars as pl
    from pyais.stream import FileReaderStream

    path, out = sys.argv[1], sys.argv[2]
    columns: dict[str, list[object]] = {
        k: [] for k in ("mmsi", "lat", "lon", "sog_kn", "cog_deg", "heading_deg", "nav_status", "msg_type")
    }
    messages = decoded = 0
    for msg in FileReaderStream(path):
        messages += 1
        try:
            m = msg.decode()
        except Exception:  # noqa: S112 - pyais raises several kinds on bad payloads: skip them
            continue
        decoded += 1
        t = m.msg_type
        if t in (1, 2, 3, 18, 19, 27):
            columns["mmsi"].append(m.mmsi)
            columns["lat"].append(m.lat)
            columns["lon"].append(m.lon)
            columns["sog_kn"].append(m.speed)
            columns["cog_deg"].append(m.course)
            columns["heading_deg"].append(getattr(m, "heading", None))
            columns["nav_status"].append(int(getattr(m, "status", 0) or 0) if t not in (18, 19) else None)
            columns["msg_type"].append(t)
    frame = pl.DataFrame(
        columns,
        schema={
            "mmsi": pl.UInt32,
            "lat": pl.Float64,
            "lon": pl.Float64,
            "sog_kn": pl.Float64,
            "cog_deg": pl.Float64,
            "heading_deg": pl.UInt16,
            "nav_status": pl.UInt8,
            "msg_type": pl.UInt8,
        },
    )
    frame.write_parquet(out, compression="zstd")
    wall = time.perf_counter() - started
    print(json.dumps({"messages": messages, "decoded": decoded, "positions": frame.height, "wall": wall}))


if __name__ == "__main__":
    main()
