"""``veille setup``: make (or bring up to date) an instance for real use: migrate the database (which
loads the reference nations), compile the French messages, collect the static files, and create the
first coordinator. Safe to run again, after each upgrade: what is done already is left as it is.

Everything is checked before anything is written: a missing terminal without
``VEILLE_ADMIN_PASSWORD_FILE``, a weak password (the demo's, or under 12 characters), a missing
``msgfmt`` stop the command naming what is wrong, with the database untouched.
"""

from __future__ import annotations

import contextlib
import getpass
import shutil
import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

import veille
from veille.core.errors import VeilleError
from veille.kit.paths import resolve
from veille.nations.access import Actor
from veille.nations.services import MIN_PASSWORD_LENGTH, check_first_coordinator, do_create_coordinator

EXIT_REFUSED = 2


class Command(BaseCommand):
    help = (
        "Set up an instance for real use (again after each upgrade): migrate the database (the "
        "reference nations included), compile messages, collect static files, create the first "
        "coordinator. The password is read from the terminal or from the file named by "
        "VEILLE_ADMIN_PASSWORD_FILE; the demo's or one under 12 characters is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", help="the first coordinator's user name (asked when missing)")
        parser.add_argument("--email", help="the first coordinator's e-mail address (asked when missing)")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help="never ask: take the user name and address from the options and the password from "
            "VEILLE_ADMIN_PASSWORD_FILE",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = not options["no_input"] and sys.stdin.isatty()
        coordinators = _coordinators()
        username = options["username"]
        wanted: tuple[str, str, str | None] | None = None
        if username and username in coordinators:
            self.stdout.write(f"coordinator {username}: already there, left as it is")
        elif username or not coordinators:
            wanted = self._ask_coordinator(username, options["email"], interactive)
        else:
            self.stdout.write(f"coordinator: {', '.join(sorted(coordinators))} already there")
        if shutil.which("msgfmt") is None:
            raise CommandError(
                "msgfmt not found: install GNU gettext (apt-get install gettext, or make gettext); "
                "nothing was changed",
                returncode=EXIT_REFUSED,
            )

        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database: migrated (the reference nations included)")
        # compilemessages finds the catalogues under the current folder: veille's own package
        with contextlib.chdir(Path(veille.__file__).resolve().parent):
            call_command("compilemessages", verbosity=0)
        self.stdout.write("messages: compiled")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"static files: collected in {resolve().static_root}")
        if wanted is not None:
            name, email, password = wanted
            try:
                user, created = do_create_coordinator(Actor.system_process("setup"), name, email, password)
            except VeilleError as exc:
                raise CommandError(f"{exc.field or 'coordinator'}: {exc}", returncode=EXIT_REFUSED) from exc
            said = "created" if created else "already there, left as it is"
            self.stdout.write(f"coordinator {user.get_username()}: {said} (NATO staff)")
        self.stdout.write("veille is set up")

    def _ask_coordinator(
        self, username: str | None, email: str | None, interactive: bool
    ) -> tuple[str, str, str | None]:
        """The user name, address and password of the coordinator to create, all checked."""

        def ask(label: str, given: str | None) -> str:
            if given:
                return given.strip()
            if not interactive:
                raise CommandError(
                    f"no terminal to ask the first coordinator's {label}: give --{label.replace(' ', '')}"
                    "; nothing was changed",
                    returncode=EXIT_REFUSED,
                )
            return input(f"First coordinator's {label}: ").strip()

        name = ask("username", username)
        address = ask("email", email)
        if _user_exists(name):
            # a user of that name who is not a coordinator (the service refuses it too)
            raise CommandError(
                f"username: {name!r} is already a user and not a coordinator; nothing was changed",
                returncode=EXIT_REFUSED,
            )
        try:
            check_first_coordinator(name, address, None)
        except VeilleError as exc:
            raise _refusal(exc) from exc
        password = _password(interactive)
        try:
            check_first_coordinator(name, address, password)
        except VeilleError as exc:
            raise _refusal(exc) from exc
        return name, address, password


def _refusal(exc: VeilleError) -> CommandError:
    return CommandError(f"{exc.field}: {exc}; nothing was changed", returncode=EXIT_REFUSED)


def _password(interactive: bool) -> str:
    """The password from ``VEILLE_ADMIN_PASSWORD_FILE`` (its first line), else from the terminal
    (twice); refused without either."""
    file = resolve().admin_password_file
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                f"VEILLE_ADMIN_PASSWORD_FILE {file}: {exc.strerror or exc}; nothing was changed",
                returncode=EXIT_REFUSED,
            ) from exc
        return text.splitlines()[0] if text else ""
    if not interactive:
        raise CommandError(
            "no terminal to ask the first coordinator's password and no VEILLE_ADMIN_PASSWORD_FILE: "
            "run veille setup on a terminal, or name a file holding the password in "
            "VEILLE_ADMIN_PASSWORD_FILE; nothing was changed",
            returncode=EXIT_REFUSED,
        )
    first = getpass.getpass(f"Password (at least {MIN_PASSWORD_LENGTH} characters): ")
    again = getpass.getpass("Password (again): ")
    if first != again:
        raise CommandError("password: the two entries differ; nothing was changed", returncode=EXIT_REFUSED)
    return first


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def _coordinators() -> set[str]:
    """User names of the coordinators (and admins) already there; none on a database not yet
    migrated. Reads only."""
    if not {"auth_user", "nations_membership"} <= _tables():
        return set()
    from veille.nations.queries import coordinators

    return {u.get_username() for u in coordinators()}


def _user_exists(username: str) -> bool:
    if "auth_user" not in _tables():
        return False
    from django.contrib.auth import get_user_model

    return bool(get_user_model().objects.filter(username=username).exists())
