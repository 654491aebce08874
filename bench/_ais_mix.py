"""The headline AIS input: real traffic from the captures shipped in ``data/ais/``.

Recipe (deterministic for a given seed):

1. every capture in ``data/ais/`` (``*.nmea``, ``*.aivdm``), in name order;
2. of each, every line that is an ``!--VDM``/``!--VDO`` sentence of any talker (``!AIVDM``,
   ``!BSVDM``, ``!ABVDO`` …; lines with a tag block, ``$PGHP`` times, comments and blank lines
   are left out), in file order;
3. those lines repeated, one whole copy of the captures after the other, until ``lines`` lines
   are written; with a seed other than 0, each copy takes the captures in an order drawn from
   ``random.Random(seed)`` (a capture's own lines always stay in order);
4. the end is moved back to the last line that ends a message (a single-part sentence, or the
   last fragment of a multi-part group), so that no multi-part group is cut at the end.

Per copy of the captures: 5,524 lines, 83 % single-part sentences and 17 % fragments of two- or
three-part messages; 4,939 complete messages, 76 % of them position reports (types 1, 2, 3, 18,
19, 27) and 10 % static reports (types 5 and 24), the rest base stations (4, 11), data-link,
binary, safety and other messages; and the captures' own bad lines (100 empty payloads, 20
fragments of incomplete groups, one message too short).

Usage: ``python bench/_ais_mix.py OUT [--lines N] [--seed S]`` (also imported by the tests as
``bench._ais_mix``).
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CAPTURES = ROOT / "data" / "ais"
HEADLINE_LINES = 1_000_000
_SENTENCE = re.compile(rb"![A-Z]{2}VD[MO],")


def capture_lines() -> list[tuple[str, list[bytes]]]:
    """Every shipped capture's ``!--VDM``/``!--VDO`` lines, by capture name."""
    out = []
    for path in sorted(p for p in CAPTURES.iterdir() if p.suffix in (".nmea", ".aivdm")):
        lines = [x.rstrip(b"\r") for x in path.read_bytes().split(b"\n")]
        out.append((path.name, [x for x in lines if _SENTENCE.match(x)]))
    return out


def _ends_message(line: bytes) -> bool:
    fields = line.split(b",", 3)
    return len(fields) > 2 and fields[1] == fields[2]


def real_mix(lines: int = HEADLINE_LINES, seed: int = 0) -> list[bytes]:
    """The mix of the recipe above, as a list of lines (without line ends).

    >>> mix = real_mix(5000)
    >>> len(mix) <= 5000 and len(mix) > 4990 and mix[0][3:6] == b"VDM"
    True
    """
    captures = capture_lines()
    rng = random.Random(seed)
    out: list[bytes] = []
    while len(out) < lines:
        order = list(captures)
        if seed:
            rng.shuffle(order)
        for _, part in order:
            out += part
    del out[lines:]
    while out and not _ends_message(out[-1]):
        out.pop()
    return out


def write_mix(path: Path, lines: int = HEADLINE_LINES, seed: int = 0) -> int:
    """Write the mix to ``path`` (one line per sentence, ``\\n`` line ends); returns its lines."""
    mix = real_mix(lines, seed)
    path.write_bytes(b"\n".join(mix) + b"\n")
    return len(mix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lines", type=int, default=HEADLINE_LINES)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n = write_mix(args.out, args.lines, args.seed)
    print(f"{args.out}: {n:,} lines")


if __name__ == "__main__":
    main()
