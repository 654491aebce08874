"""``veille ais stats``: what the store holds (text or JSON)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from veille.maritime.cli.common import EXIT_STORE, CommandError, existing_store

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> ArgumentParser:
    parser = sub.add_parser("stats", help="what the store holds")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    return parser


def run(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    from veille.maritime.store import StoreError

    try:
        stats = existing_store(opts).stats()
    except StoreError as exc:
        raise CommandError(str(exc), returncode=EXIT_STORE) from exc
    if opts["format"] == "json":
        stdout.write(json.dumps(stats, indent=2))
    else:
        stdout.write("\n".join(f"{k:<24}{v}" for k, v in stats.items()))
