"""AIS decoding and ingest benchmark; pyais is measured in the same run on the same input.

Headline: the shipped real captures mixed to 1,000,000 lines (``bench/_ais_mix.py``: every
VDM/VDO sentence line, repeated in order, no multi-part group cut at the end), ingested by the
command a user runs, ``veille ais ingest FILE --store DIR --workers 2``, against pyais doing the
same job (``bench/_pyais_ingest.py``: decode every message, keep the position reports, write
Parquet), each a whole process, alternating runs, median of ``--runs``. Secondary rows (marked
with their input: real captures or synthetic traffic) time the decoders alone.

Writes its section of docs/benchmarks.md between the ``bench:ais_decode`` markers.
Usage: python bench/ais_decode.py [--lines N] [--runs R] [--messages N] [--memory-gb G] [--tmp DIR]

The memory test streams a G GB capture (default 5: the mix repeated) through the ingest: it
needs about G GB free in the temporary folder and a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _ais_mix import write_mix  # bench/_ais_mix.py
from _common import machine  # bench/_common.py (the script folder is on the path)
from veille.core.ais.sources import BLOCK_BYTES

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench:ais_decode -->", "<!-- /bench:ais_decode -->"


def interleaved(fns: dict[str, object], rounds: int) -> dict[str, float]:
    """Best time of each function over ``rounds`` rounds that run them in turn, so that on a shared
    machine veille and pyais see the same load."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()  # type: ignore[operator]
            times[name].append(time.perf_counter() - t)
    return {name: min(ts) for name, ts in times.items()}


def ingest_run(path: Path, store: Path, workers: int) -> dict[str, float]:
    """Bulk ingest in a fresh process with ``workers`` threads: wall time, CPU time, peak RSS (MB)."""
    code = (
        "import resource, time, json\n"
        "from veille.maritime.store import AisStore\n"
        "from veille.core.ais.sources import file_blocks\n"
        "if __name__ == '__main__':\n"
        "    t = time.perf_counter()\n"
        f"    s = AisStore({str(store)!r}).ingest_blocks(file_blocks({str(path)!r}), workers={workers})\n"
        "    wall = time.perf_counter() - t\n"
        "    me = resource.getrusage(resource.RUSAGE_SELF)\n"
        "    print(json.dumps({'wall': wall, 'messages': s.messages, 'rejected': sum(s.rejected.values()),\n"
        "        'cpu': me.ru_utime + me.ru_stime, 'rss': me.ru_maxrss / 1024}))\n"
    )
    script = store.parent / f"ingest_{store.name}.py"
    script.write_text(code)
    out = subprocess.run([sys.executable, str(script)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _children_cpu() -> float:
    """CPU seconds (user + system) of the child processes waited for so far."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def veille_cli(path: Path, store: Path, workers: int = 2) -> dict[str, float]:
    """``veille ais ingest PATH --store STORE`` as a user runs it: wall time of the whole process
    (start-up included), and the command's own summary (in-process rate)."""
    veille = Path(sys.executable).parent / "veille"
    cmd = [str(veille), "ais", "ingest", str(path), "--store", str(store), "--workers", str(workers)]
    t, cpu = time.perf_counter(), _children_cpu()
    out = subprocess.run([*cmd, "--format", "json"], check=True, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t, _children_cpu() - cpu
    summary = json.loads(out.stdout)
    shutil.rmtree(store, ignore_errors=True)
    return {"wall": wall, "cpu": cpu, "elapsed": summary["elapsed_s"], "messages": summary["messages"],
            "positions": summary["positions"]}  # fmt: skip


def pyais_cli(path: Path, out: Path) -> dict[str, float]:
    """pyais doing the same job in a fresh process (``bench/_pyais_ingest.py``)."""
    script = Path(__file__).resolve().parent / "_pyais_ingest.py"
    t, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [sys.executable, str(script), str(path), str(out)], check=True, capture_output=True, text=True
    )
    wall, cpu = time.perf_counter() - t, _children_cpu() - cpu
    out.unlink(missing_ok=True)
    inside = json.loads(done.stdout.strip().splitlines()[-1])
    return {"wall": wall, "cpu": cpu, "inside": inside["wall"], "messages": inside["messages"]}


def headline(tmp: Path, lines: int, runs: int) -> tuple[list[str], dict[str, float]]:
    """End-to-end rows on the real mix: veille's command against pyais, alternating."""
    mix = tmp / "real_mix.nmea"
    n_lines = write_mix(mix, lines)
    small = tmp / "real_mix_100.nmea"
    small.write_bytes(b"\n".join(mix.read_bytes().split(b"\n")[:100]) + b"\n")
    # veille's bytecode up to date, as an installed wheel has it (``make bench`` does the same; an
    # editable install under PYTHONDONTWRITEBYTECODE would compile every module at every start)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True, capture_output=True
    )
    veille_runs, pyais_runs, startup = [], [], []
    for k in range(runs):
        veille_runs.append(veille_cli(mix, tmp / f"cli{k}"))
        pyais_runs.append(pyais_cli(mix, tmp / f"pyais{k}.parquet"))
    # start-up: 9 runs each, after the large ones, whole processes
    startup = [veille_cli(small, tmp / f"small{k}")["wall"] for k in range(9)]
    help_runs = []
    for _ in range(9):
        t0 = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "veille"), "ais", "stats", "--help"],
            capture_output=True,
            check=True,
            timeout=120,
        )
        help_runs.append(time.perf_counter() - t0)
    ratios = sorted(p["wall"] / v["wall"] for v, p in zip(veille_runs, pyais_runs, strict=True))
    med = statistics.median
    v_wall, p_wall = med(r["wall"] for r in veille_runs), med(r["wall"] for r in pyais_runs)
    v_in = med(r["messages"] / r["elapsed"] for r in veille_runs)
    msgs = veille_runs[0]["messages"]
    ratio = med(ratios)
    cpu_ratio = med(p["cpu"] / v["cpu"] for v, p in zip(veille_runs, pyais_runs, strict=True))
    loads = [f"{x:.1f}" for x in os.getloadavg()]
    rows = [
        f"Headline input: the shipped real captures mixed to {n_lines:,} lines "
        f"({mix.stat().st_size / 1e6:,.0f} MB; "
        "`bench/_ais_mix.py`: every VDM/VDO sentence line of `data/ais/`, repeated in order, no multi-part "
        f"group cut at the end; 83 % single-part sentences; {msgs:,} messages, "
        f"{veille_runs[0]['positions']:,} position reports). Whole processes, {runs} alternating runs each, "
        "median; the ratio is the median of the pairs' ratios. veille's modules are compiled to bytecode "
        "first, as installing a wheel does (`make bytecode`).",
        "",
        "| measure (real mix, whole process) | veille | pyais | ratio | target |",
        "|---|---:|---:|---:|---|",
        f"| `veille ais ingest FILE --store DIR --workers 2` vs pyais (decode every sentence, keep types "
        f"1/2/3/18/19/27, write Parquet), wall incl. start-up | {v_wall:.2f} s | {p_wall:.2f} s | "
        f"{ratio:.1f}x | >= 10x pyais ({'met' if ratio >= 10 else 'NOT met'}) |",
        f"| the same, in-process rate (the command's own summary) | {v_in:,.0f} msgs/s | "
        f"{med(r['messages'] / r['inside'] for r in pyais_runs):,.0f} msgs/s | - | >= 600,000 msgs/s "
        f"({'met' if v_in >= 600_000 else 'NOT met'}) |",
        f"| start-up: `veille ais ingest` of the mix's first 100 lines, wall, median of 9 (range "
        f"{min(startup):.3f}-{max(startup):.3f} s) | {med(startup):.3f} s | - | - | < 0.4 s "
        f"({'met' if med(startup) < 0.4 else 'NOT met'}) |",
        f"| start-up: `veille ais stats --help`, wall, median of 9 | {med(help_runs):.3f} s | - | - "
        f"| < 0.4 s ({'met' if med(help_runs) < 0.4 else 'NOT met'}) |",
        f"| beside: CPU time of the same whole processes (user + system, all threads; less sensitive to "
        f"other work on the machine than wall time) | {med(r['cpu'] for r in veille_runs):.2f} s | "
        f"{med(r['cpu'] for r in pyais_runs):.2f} s | {cpu_ratio:.1f}x | - |",
        "",
        f"Pairs (pyais wall / veille wall): {', '.join(f'{r:.1f}x' for r in ratios)}. In-process time of "
        f"the ingest alone, median: {med(r['elapsed'] for r in veille_runs):.2f} s (veille), "
        f"{med(r['inside'] for r in pyais_runs):.2f} s (pyais, its script after its imports). "
        f"Load average (1 / 5 / 15 min) after these runs: {' / '.join(loads)}.",
    ]
    return rows, {"mix": float(mix.stat().st_size), "ratio": ratio, "in_process": v_in}


def archive_rates(tmp: Path, nmea: Path) -> tuple[float, int, float, float, float, float]:
    """A MarineCadastre-layout CSV made from the synthetic capture's positions (names and
    dimensions from its registry), read by veille's archive ingest and by ``polars.read_csv``."""
    import polars as pl

    from veille.core.ais.archive import archive_lines, read_archive
    from veille.core.ais.sources import file_blocks
    from veille.maritime.store import AisStore

    src = AisStore(tmp / "csv_src")
    src.ingest_blocks(file_blocks(nmea))
    con = src.connect()
    frame = con.sql(
        """SELECT p.mmsi AS MMSI,
                  strftime(p.timestamp AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S') AS BaseDateTime,
                  round(p.lat, 5) AS LAT, round(p.lon, 5) AS LON, coalesce(p.sog_kn, 102.3) AS SOG,
                  coalesce(p.cog_deg, 360) AS COG, coalesce(p.heading_deg, 511) AS Heading,
                  v.name AS VesselName, CASE WHEN v.imo IS NULL THEN NULL ELSE 'IMO' || v.imo END AS IMO,
                  v.call_sign AS CallSign, v.ship_type AS VesselType, p.nav_status AS Status,
                  v.length_m AS Length, v.width_m AS Width, v.draught_m AS Draft,
                  v.ship_type AS Cargo, CASE WHEN p.msg_type IN (18, 19) THEN 'B' ELSE 'A' END
                  AS TransceiverClass
           FROM positions p LEFT JOIN vessels v USING (mmsi) ORDER BY p.timestamp"""
    ).pl()
    path = tmp / "AIS_synthetic.csv"
    frame.write_csv(path)
    shutil.rmtree(tmp / "csv_src")
    t = time.perf_counter()
    summary = AisStore(tmp / "csv_dst").ingest_archive(path)
    rate = summary.messages / (time.perf_counter() - t)
    shutil.rmtree(tmp / "csv_dst")
    t = time.perf_counter()
    rows = pl.read_csv(path).height
    polars_rate = rows / (time.perf_counter() - t)
    readers = {}
    for fast in (True, False):  # veille's reader (Polars on batches without quotes), csv module only
        t = time.perf_counter()
        n = sum(b.rows for b in read_archive(archive_lines(path), source="bench", fast=fast))
        readers[fast] = n / (time.perf_counter() - t)
    size = path.stat().st_size / 1e6
    path.unlink()
    return rate, summary.messages, polars_rate, size, readers[True], readers[False]


def main() -> None:
    import pyais

    from veille.core.ais.bulk import BulkReader, decode_block, decode_raw_messages
    from veille.core.ais.decode import decode_payload
    from veille.core.ais.fast import decode_positions
    from veille.core.ais.reader import AisReader
    from veille.core.ais.sources import file_batches
    from veille.core.ais.synth import generate
    from veille.maritime.store import AisStore

    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines of the headline real mix")
    parser.add_argument("--runs", type=int, default=3, help="alternating whole-process runs (median)")
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--memory-gb", type=float, default=5.0, help="size of the memory test file")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the decoding measures (best kept)")
    parser.add_argument("--tmp", default=None, help="folder for the generated files (needs ~3x --memory-gb)")
    args = parser.parse_args()

    # Real traffic: the DMA capture repeated; synthetic traffic for volume.
    real = (ROOT / "data/ais/dma_aislib_stream_example_2010-06-11.nmea").read_bytes().split(b"\n")
    lines = [x for x in real if x.startswith(b"!")] * max(1, args.messages // 4500)
    raws, _ = AisReader().feed(lines)
    pos = [r for r in raws if r.payload[:1] in b"123BCK" and r.payload[:1] != b""]
    payloads, fills = [r.payload for r in pos], [r.fill_bits for r in pos]
    sample = pos[: min(len(pos), 40_000)]

    allmsgs = raws[: min(len(raws), 40_000)]
    block = b"\n".join(lines[:40_000])
    n_read = len(AisReader().feed(lines[:40_000])[0])
    n_bulk = BulkReader().feed(decode_block(block, 40_000)).messages
    best = interleaved(
        {
            "fast": lambda: decode_positions(payloads, fills),
            "pyais_pos": lambda: [pyais.decode(*r.lines) for r in sample],
            "full": lambda: [decode_payload(r.payload, r.fill_bits) for r in allmsgs],
            "pyais_all": lambda: [pyais.decode(*r.lines) for r in allmsgs],
            "read_full": lambda: decode_raw_messages(AisReader().feed(lines[:40_000])[0]),
            "bulk": lambda: BulkReader().feed(decode_block(block, 40_000)),
        },
        args.rounds,
    )
    fast_rate, pyais_pos_rate = len(payloads) / best["fast"], len(sample) / best["pyais_pos"]
    full_rate, pyais_all_rate = len(allmsgs) / best["full"], len(allmsgs) / best["pyais_all"]
    read_full_rate, bulk_rate = n_read / best["read_full"], n_bulk / best["bulk"]

    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        head_rows, _ = headline(Path(tmp), args.lines, args.runs)
        mix = Path(tmp) / "real_mix.nmea"
        one = Path(tmp) / "synthetic.nmea"
        with one.open("wb") as f:
            for line in generate(seed=1, vessels=2000, messages=args.messages):
                f.write(line + b"\n")
        big = Path(tmp) / "synthetic_x10.nmea"  # the same traffic ten times: volume without encoding time
        with big.open("wb") as f:
            for _ in range(10):
                with one.open("rb") as src:
                    shutil.copyfileobj(src, f)
        t = time.perf_counter()
        summary = AisStore(Path(tmp) / "lines").ingest(file_batches(one))
        line_rate = summary.messages / (time.perf_counter() - t)
        shutil.rmtree(Path(tmp) / "lines")
        runs = {w: ingest_run(big, Path(tmp) / f"w{w}", w) for w in (1, 2)}
        for w in (1, 2):
            shutil.rmtree(Path(tmp) / f"w{w}")
        huge = Path(tmp) / "real_mix_huge.nmea"  # the real mix repeated: memory against input size
        with huge.open("wb") as f:
            while f.tell() < args.memory_gb * 1e9:
                with mix.open("rb") as src:
                    shutil.copyfileobj(src, f)
        mem_small = ingest_run(mix, Path(tmp) / "m1", 2)
        shutil.rmtree(Path(tmp) / "m1")
        mem_huge = ingest_run(huge, Path(tmp) / "m2", 2)
        shutil.rmtree(Path(tmp) / "m2")
        size_big, size_huge, size_mix = (p.stat().st_size / 1e6 for p in (big, huge, mix))
        huge.unlink()
        csv_rate, csv_rows, polars_rate, csv_size, read_fast, read_csv_module = archive_rates(Path(tmp), one)
    load = os.getloadavg()

    rows = [
        (
            "fast path, position reports (1/2/3/18/19/27), one core (real: DMA capture)",
            fast_rate,
            pyais_pos_rate,
            1_000_000,
            25,
        ),
        (
            "per-message decoder, all types (payload -> record; real: DMA capture)",
            full_rate,
            pyais_all_rate,
            None,
            2,
        ),
        (
            "bulk reader + batch decode, all types (NMEA -> frames), one core (real: DMA capture)",
            bulk_rate,
            pyais_all_rate,
            None,
            2,
        ),
        (
            "line reader + batch decode, all types (the live-feed path; real: DMA capture)",
            read_full_rate,
            pyais_all_rate,
            None,
            None,
        ),
        (
            f"ingest NMEA file -> Parquet, bulk reader, two threads ({size_big:,.0f} MB synthetic)",
            runs[2]["messages"] / runs[2]["wall"],
            None,
            300_000,
            None,
        ),
        (
            f"ingest NMEA file -> Parquet, bulk reader, one thread ({size_big:,.0f} MB synthetic)",
            runs[1]["messages"] / runs[1]["wall"],
            None,
            None,
            None,
        ),
        (
            "ingest NMEA file -> Parquet, line reader (live feeds), one thread (synthetic)",
            line_rate,
            None,
            None,
            None,
        ),
        (
            f"ingest CSV archive (MarineCadastre layout, {csv_size:,.0f} MB, synthetic) -> Parquet, 1 thread",
            csv_rate,
            None,
            None,
            None,
        ),
    ]
    out = [
        START,
        "## AIS decoding (`bench/ais_decode.py`)",
        "",
        f"Machine: {machine()}. Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"pyais {pyais.__version__} measured in the same run on the same messages. "
        f"Load average (1 / 5 / 15 min) at the start: {load0[0]:.1f} / {load0[1]:.1f} / {load0[2]:.1f}, "
        f"at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (the machine is shared: a load "
        "above the core count slows every figure below, veille's two threads more than pyais' one, "
        "and repeated runs differ; compare the ratios, measured side by side, and figures from runs "
        "on an idle machine)."
        + (
            " This run's machine was loaded by other work: its figures are provisional, the ones to "
            "quote come from a rerun on an idle machine."
            if load0[0] > (os.cpu_count() or 1)
            else ""
        ),
        "",
        *head_rows,
        "",
        "Secondary measures (the decoders alone, in this process; input named on each row):",
        "",
        "| measure | veille msgs/s | pyais msgs/s | ratio | target |",
        "|---|---:|---:|---:|---|",
    ]
    for name, ours, theirs, target_rate, target_ratio in rows:
        ratio = f"{ours / theirs:.1f}x" if theirs else "n/a"
        target = " and ".join(
            x
            for x in (
                f">= {target_rate:,}/s" if target_rate else "",
                f">= {target_ratio}x pyais" if target_ratio else "",
            )
            if x
        )
        met = (target_rate is None or ours >= target_rate) and (
            target_ratio is None or (theirs and ours / theirs >= target_ratio)
        )
        verdict = "" if not target else "(met)" if met else "(NOT met)"
        target = target or "-"
        pyais_rate = f"{theirs:,.0f}" if theirs else "-"
        out.append(f"| {name} | {ours:,.0f} | {pyais_rate} | {ratio} | {target} {verdict} |")
    cpu = {w: runs[w]["messages"] / runs[w]["cpu"] for w in (1, 2)}
    out += [
        "",
        f"CPU cost of the bulk ingest: {cpu[1]:,.0f} messages per CPU-second with one thread, "
        f"{cpu[2]:,.0f} with two worker threads. At that cost two free cores would carry "
        f"{2 * cpu[2]:,.0f} messages/s (an extrapolation from CPU time, not a measured rate; CPU time "
        "also grows when the cores are shared).",
        "",
        f"Memory (peak RSS of the ingest process, two worker threads, the real mix): {size_mix:,.0f} MB of "
        f"NMEA: {mem_small['rss']:,.0f} MB; {size_huge:,.0f} MB, the mix repeated "
        f"({mem_huge['messages']:,} messages in "
        f"{mem_huge['wall']:,.0f} s, {mem_huge['messages'] / mem_huge['wall']:,.0f} messages/s): "
        f"{mem_huge['rss']:,.0f} MB (target: under 1,024 MB for a 5 GB capture: "
        f"{'met' if size_huge >= 5000 and mem_huge['rss'] < 1024 else 'NOT shown in this run'}). "
        f"The input is read in {BLOCK_BYTES >> 20} MiB blocks with at most four in flight and positions "
        "are written 200,000 rows at a time, so memory does not grow with the input.",
        "",
        "Files (bulk reader) are the path the ingest rates above measure; the line reader serves live "
        "feeds (`ingest tcp://`, `watch`), where a few thousand messages a second arrive at most. "
        f"CSV archive ({csv_rows:,} rows): veille's reader checks every row's field count and keeps "
        "its exact line number, then splits batches without quotes with Polars' CSV reader (the "
        "others with the standard `csv` module). Reading and checking alone, without the store: "
        f"{read_fast:,.0f} rows/s, {read_fast / read_csv_module:.1f}x the `csv` module on every batch "
        f"({read_csv_module:,.0f} rows/s, the reader before). Polars' own `read_csv` of the whole "
        f"file, which checks nothing and keeps no line numbers: {polars_rate:,.0f} rows/s.",
        END,
    ]
    section = "\n".join(out)
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.parent.mkdir(exist_ok=True)
    doc.write_text(text)
    print(section)


if __name__ == "__main__":
    main()
