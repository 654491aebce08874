"""Hypothesis fuzz of the NMEA readers over a million generated lines (or ``--lines N``).

Each Hypothesis example is a batch of ``--batch`` lines (``tests/core/ais/fuzz_lines.py``: drawn
sentences with odd fields, tag blocks, ``$PGHP`` times and raw bytes, filled with mutations of them
and of the shipped captures' lines), read by the per-line parser, the line reader and the bulk
decoder. A batch that raises, or takes more than ``--hang-s`` seconds, fails the run: Hypothesis
then shrinks it and prints the smallest failing batch. Writes its section of docs/benchmarks.md
between the ``bench:fuzz_nmea`` markers.

Usage: python bench/fuzz_nmea.py [--lines 1000000] [--batch 1000] [--hang-s 60]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import machine  # noqa: E402
from bench._common import write_section as put_section  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from tests.core.ais.fuzz_lines import Hang, batch, read_everything, time_limit  # noqa: E402


def run(lines: int, size: int, hang_s: int) -> dict[str, float]:
    seen = {"lines": 0, "batches": 0, "accepted": 0, "slowest_s": 0.0, "exceptions": 0, "hangs": 0}

    @settings(
        max_examples=max(1, lines // size),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(got=batch(size=size))
    def fuzz(got: list[bytes]) -> None:
        t = time.perf_counter()
        try:
            with time_limit(hang_s):
                seen["accepted"] += read_everything(got, first_lineno=seen["lines"] + 1)
        except Hang:
            seen["hangs"] += 1
            raise
        except Exception:
            seen["exceptions"] += 1
            raise
        seen["slowest_s"] = max(seen["slowest_s"], time.perf_counter() - t)
        seen["lines"] += len(got)
        seen["batches"] += 1

    started = time.perf_counter()
    fuzz()
    seen["seconds"] = time.perf_counter() - started
    return seen


def write_section(r: dict[str, float], size: int, hang_s: int) -> str:
    section = "\n".join(
        [
            "## NMEA readers under fuzzing (`bench/fuzz_nmea.py`)",
            "",
            f"Machine: {machine()}.",
            "",
            "Hypothesis drew batches of NMEA lines (sentences with odd fields, tag blocks, `$PGHP` times, "
            "raw bytes, and mutations of them and of the shipped captures' lines); each batch went "
            "through the per-line parser, the line reader and the bulk decoder.",
            "",
            "| lines | batches | lines parsed as a sentence or a time | uncaught exceptions | hangs "
            f"(> {hang_s} s per batch) | slowest batch | run |",
            "|---|---|---|---|---|---|---|",
            f"| {int(r['lines']):,} | {int(r['batches']):,} of {size:,} lines | {int(r['accepted']):,} "
            f"| {int(r['exceptions'])} | {int(r['hangs'])} | {r['slowest_s']:.2f} s "
            f"| {r['seconds'] / 60:.1f} min |",
            "",
        ]
    )
    put_section("fuzz_nmea", section)
    return section


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--hang-s", type=int, default=60)
    args = parser.parse_args()
    result = run(args.lines, args.batch, args.hang_s)
    print(write_section(result, args.batch, args.hang_s))


if __name__ == "__main__":
    main()
