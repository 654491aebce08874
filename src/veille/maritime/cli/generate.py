"""``veille ais generate``: seeded synthetic traffic as NMEA, every sentence tagged ``s:synthetic``."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from veille.core.ais.synth import generate

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> ArgumentParser:
    parser = sub.add_parser("generate", help="seeded synthetic traffic as NMEA (tag block s:synthetic)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vessels", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--output", default="-", help="file to write (- for stdout)")
    return parser


def run(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    lines = generate(seed=opts["seed"], vessels=opts["vessels"], messages=opts["messages"])
    out = sys.stdout.buffer if opts["output"] == "-" else open(opts["output"], "wb")  # noqa: SIM115
    try:
        for line in lines:
            out.write(line + b"\r\n")
    finally:
        if out is not sys.stdout.buffer:
            out.close()
        else:
            out.flush()
