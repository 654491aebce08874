"""``veille unlock USER``: lift the login locks of a user (from every address), audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.core.errors import VeilleError
from veille.nations.access import Actor
from veille.nations.services import do_unlock


class Command(BaseCommand):
    help = (
        "Unlock a user locked out after failed logins: every address's lock on the user name is lifted "
        "and its failures forgotten. Recorded in the audit trail as system:unlock."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = do_unlock(Actor.system_process("unlock"), options["username"])
        except VeilleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{options['username']} unlocked ({count} locked address(es))")
