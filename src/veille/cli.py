"""The ``veille`` command: Django's management commands with veille's settings.

``veille demo``, ``veille import KIND PATH``, ``veille ais …``, ``veille migrate`` …
A wrong setting ends the command with the variable's name and the expected form (exit code 2).

``veille ais ACTION …`` (the data commands: ingest, stats, events …) runs without Django: they read
and write files only, so :mod:`veille.maritime.cli.runner` runs them directly and the command
starts in a fraction of the time ``django.setup()`` takes with every app. Given one of Django's own
options (``--settings``, ``--traceback`` …) it goes through the management command instead.
"""

from __future__ import annotations

import os
import sys

#: Django's options of every management command: ``veille ais`` with one goes through Django
_DJANGO_OPTIONS = (
    "--settings",
    "--pythonpath",
    "--traceback",
    "--no-color",
    "--force-color",
    "--skip-checks",
)


def _fast(args: list[str]) -> bool:
    """``veille ais …`` that needs nothing of Django."""
    if len(args) < 2 or args[0] != "ais":
        return False
    return not any(a.startswith(_DJANGO_OPTIONS) or a in ("-v", "--verbosity") for a in args[1:])


def _exit_now(code: int) -> None:
    """End the process at once once a data command is done: its files are written and closed, its
    output is flushed here, and the interpreter's teardown (unloading Polars, PyArrow and NumPy,
    freeing what the command held: a twentieth of a second) would change nothing. Returns instead
    when another thread still runs or when Spark was used (its JVM is stopped at exit)."""
    import threading

    main_thread = threading.main_thread()
    if "pyspark" in sys.modules or any(
        t is not main_thread and not t.daemon and t.is_alive() for t in threading.enumerate()
    ):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the usual exit reports it
        return
    if "logging" in sys.modules:
        import logging

        logging.shutdown()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if _fast(args):
        from veille.maritime.cli.runner import main as ais

        code = ais(args[1:])
        if argv is None:  # the process's own command: nothing is left to do but exit
            _exit_now(code)
        return code
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veille.settings")
    from veille.core.env import SettingError

    try:
        import django

        django.setup()
    except SettingError as exc:
        print(f"veille: configuration error: {exc}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line

    execute_from_command_line(["veille", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
