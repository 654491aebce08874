"""``veille ais …`` put together: one parser for the actions, the checks made before any work, and
the run, without Django.

The ``veille`` entry point (:mod:`veille.cli`) sends ``veille ais ACTION …`` here directly, so a data
command starts without ``django.setup()``, templates, URLs or the other apps, and imports only its
own action's module (``veille ais stats --help`` reads no Polars, DuckDB or detector). The
management command (``veille.maritime.management.commands.ais``, used by ``call_command`` and by
``veille ais`` with Django's own options such as ``--settings``) calls the same functions.

Exit codes: :mod:`veille.maritime.cli.common`.
"""

from __future__ import annotations

import importlib
import sys
from argparse import ArgumentParser
from typing import Any, TextIO

from veille.maritime.cli.common import STORE_HELP, CommandError

__all__ = ["ACTIONS", "HELP", "Output", "add_actions", "dispatch", "main"]

#: action -> (module of veille.maritime.cli, its add_parser function, its run function), in the
#: order ``veille ais --help`` lists them
ACTIONS: dict[str, tuple[str, str, str]] = {
    "ingest": ("ingest", "add_parser", "run"),
    "runs": ("runs", "add_runs_parser", "runs"),
    "rollback": ("runs", "add_rollback_parser", "rollback"),
    "resume": ("runs", "add_resume_parser", "resume"),
    "replay": ("replay", "add_parser", "run"),
    "stats": ("stats", "add_parser", "run"),
    "generate": ("generate", "add_parser", "run"),
    "events": ("events", "add_parser", "run"),
    "scenario": ("scenario", "add_scenario_parser", "scenario"),
    "evaluate": ("scenario", "add_evaluate_parser", "evaluate"),
    "watch": ("watch", "add_parser", "run"),
}

HELP = (
    "AIS: ingest NMEA (files, .gz, stdin, tcp://host:port), list, roll back or resume ingest "
    "runs, replay a capture, store stats, "
    "synthetic traffic, events (embedded engine, or Apache Spark with --engine spark)."
)


def _module(action: str) -> Any:
    return importlib.import_module(f"veille.maritime.cli.{ACTIONS[action][0]}")


def add_actions(parser: ArgumentParser, only: str | None = None) -> None:
    """The actions' sub-parsers under ``parser`` (``dest="action"``). With ``only``, that action's
    module alone is imported: the others get a bare entry, enough to name them in the usage."""
    sub = parser.add_subparsers(dest="action", required=True, metavar="{" + ",".join(ACTIONS) + "}")
    for action, (_module_name, add_name, _run) in ACTIONS.items():
        if only is None or action == only:
            action_parser = getattr(_module(action), add_name)(sub)
        else:
            action_parser = sub.add_parser(action)
        action_parser.add_argument("--store", "--out", dest="store", help=STORE_HELP)


def dispatch(opts: dict[str, Any], stdout: Any, stderr: Any) -> None:
    """Check the options (every argument before any work starts), then run the action; a store that
    cannot be written or read ends with exit 6 naming it."""
    from veille.maritime.cli.common import EXIT_STORE, existing_store

    action = opts["action"]
    module = _module(action)
    if action in ("stats", "events", "runs", "rollback", "resume"):
        existing_store(opts)
    if action in ("events", "watch"):
        module.check(opts)
    try:
        getattr(module, ACTIONS[action][2])(opts, stdout, stderr)
    except Exception as exc:
        from veille.maritime.store import StoreError

        if isinstance(exc, StoreError):
            raise CommandError(str(exc), returncode=EXIT_STORE) from exc
        raise


class Output:
    """What the actions write to: Django's ``OutputWrapper`` in short (``write(msg, ending="\\n")``
    adds the line end unless the text has it)."""

    def __init__(self, stream: TextIO) -> None:
        self._out = stream

    def write(self, msg: str = "", style_func: Any = None, ending: str = "\n") -> None:
        if ending and not msg.endswith(ending):
            msg += ending
        self._out.write(msg)

    def flush(self) -> None:
        self._out.flush()

    def isatty(self) -> bool:
        return self._out.isatty()


def main(argv: list[str], prog: str = "veille ais") -> int:
    """Run ``veille ais`` with ``argv`` (the words after ``ais``); the exit code.

    An error is printed as Django's management commands print theirs (``CommandError: …`` on
    standard error), so both ways in read alike.
    """
    only = argv[0] if argv and argv[0] in ACTIONS else None
    if only != "ingest":
        return _run(argv, prog, only)
    # its input files hashed while the data libraries load; what it did not use is forgotten
    from veille.maritime.ingest_runs import forget_prefetched, prefetch_sha256

    prefetch_sha256(argv[1:])
    try:
        return _run(argv, prog, only)
    finally:
        forget_prefetched()


def _run(argv: list[str], prog: str, only: str | None) -> int:
    from veille.core.env import SettingError

    parser = ArgumentParser(prog=prog, description=HELP)
    add_actions(parser, only)
    opts = vars(parser.parse_args(argv))
    stdout, stderr = Output(sys.stdout), Output(sys.stderr)
    try:
        dispatch(opts, stdout, stderr)
    except CommandError as exc:
        sys.stdout.flush()
        stderr.write(f"CommandError: {exc}")
        return exc.returncode
    except SettingError as exc:
        stderr.write(f"veille: configuration error: {exc}")
        return 2
    sys.stdout.flush()
    return 0
