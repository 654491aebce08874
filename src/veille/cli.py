"""The ``veille`` command: Django's management commands with veille's settings.

``veille demo``, ``veille import KIND PATH``, ``veille ais …``, ``veille migrate`` …
A wrong setting ends the command with the variable's name and the expected form (exit code 2).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veille.settings")
    from veille.core.env import SettingError

    try:
        import django

        django.setup()
    except SettingError as exc:
        print(f"veille: configuration error: {exc}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line

    execute_from_command_line(["veille", *(sys.argv[1:] if argv is None else argv)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
