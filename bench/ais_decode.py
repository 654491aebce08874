"""AIS decoding and ingest benchmark; pyais is measured in the same run on the same input.

Writes its section of docs/benchmarks.md between the ``bench:ais_decode`` markers.
Usage: python bench/ais_decode.py [--messages N]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench:ais_decode -->", "<!-- /bench:ais_decode -->"


def best(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def machine() -> str:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def rss_of_ingest(path: Path, store: Path) -> float:
    code = (
        "import resource,sys; from veille.maritime.store import AisStore;"
        "from veille.core.ais.sources import file_batches;"
        f"AisStore({str(store)!r}).ingest(file_batches({str(path)!r}));"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024.0


def main() -> None:
    import pyais

    from veille.core.ais.decode import decode_payload
    from veille.core.ais.fast import decode_positions
    from veille.core.ais.reader import AisReader
    from veille.core.ais.sources import file_batches
    from veille.core.ais.synth import generate
    from veille.maritime.store import AisStore

    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200_000)
    args = parser.parse_args()

    # Real traffic: the DMA capture repeated; synthetic traffic for volume.
    real = (ROOT / "data/ais/dma_aislib_stream_example_2010-06-11.nmea").read_bytes().split(b"\n")
    lines = [x for x in real if x.startswith(b"!")] * max(1, args.messages // 4500)
    raws, _ = AisReader().feed(lines)
    pos = [r for r in raws if r.payload[:1] in b"123BCK" and r.payload[:1] != b""]
    payloads, fills = [r.payload for r in pos], [r.fill_bits for r in pos]
    sample = pos[: min(len(pos), 40_000)]

    t_fast = best(lambda: decode_positions(payloads, fills))
    t_pyais_pos = best(lambda: [pyais.decode(*r.lines) for r in sample], 1)
    fast_rate = len(payloads) / t_fast
    pyais_pos_rate = len(sample) / t_pyais_pos

    allmsgs = raws[: min(len(raws), 40_000)]
    t_full = best(lambda: [decode_payload(r.payload, r.fill_bits) for r in allmsgs], 2)
    t_pyais_all = best(lambda: [pyais.decode(*r.lines) for r in allmsgs], 1)
    full_rate, pyais_all_rate = len(allmsgs) / t_full, len(allmsgs) / t_pyais_all
    t_read_full = best(
        lambda: [decode_payload(r.payload, r.fill_bits) for r in AisReader().feed(lines[:40_000])[0]], 2
    )
    read_full_rate = len(AisReader().feed(lines[:40_000])[0]) / t_read_full

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "synthetic.nmea"
        small = Path(tmp) / "synthetic_small.nmea"
        with big.open("wb") as f:
            for line in generate(seed=1, vessels=500, messages=args.messages):
                f.write(line + b"\n")
        with small.open("wb") as f:
            for line in generate(seed=1, vessels=500, messages=args.messages // 4):
                f.write(line + b"\n")
        t = time.perf_counter()
        summary = AisStore(Path(tmp) / "store").ingest(file_batches(big))
        ingest_rate = summary.messages / (time.perf_counter() - t)
        rss_small = rss_of_ingest(small, Path(tmp) / "s1")
        rss_big = rss_of_ingest(big, Path(tmp) / "s2")
        size_small, size_big = small.stat().st_size / 1e6, big.stat().st_size / 1e6

    rows = [
        ("fast path, position reports (1/2/3/18/19/27), one core", fast_rate, pyais_pos_rate, 1_000_000, 25),
        ("full decode, all types (payload -> record)", full_rate, pyais_all_rate, None, 2),
        ("read + full decode, all types (NMEA -> record)", read_full_rate, pyais_all_rate, None, 2),
        ("ingest NMEA file -> Parquet, end to end (synthetic, tag blocks)", ingest_rate, None, 300_000, None),
    ]
    out = [
        START,
        "## AIS decoding (`bench/ais_decode.py`)",
        "",
        f"Machine: {machine()}. Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"pyais {pyais.__version__} measured in the same run on the same messages.",
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
        verdict = "(met)" if met else "(NOT met)"
        pyais_rate = f"{theirs:,.0f}" if theirs else "-"
        out.append(f"| {name} | {ours:,.0f} | {pyais_rate} | {ratio} | {target} {verdict} |")
    out += [
        "",
        f"Memory (peak RSS of an ingest subprocess): {rss_small:,.0f} MB for {size_small:,.1f} MB of NMEA, "
        f"{rss_big:,.0f} MB for {size_big:,.1f} MB (flat if these are close).",
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
