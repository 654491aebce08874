"""``veille token create USER NAME`` / ``veille token revoke USER ID`` / ``veille token list USER``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.core.errors import VeilleError
from veille.nations.access import Actor
from veille.nations.models import ApiToken
from veille.nations.services import do_create_token, do_revoke_token


class Command(BaseCommand):
    help = "Create, list or revoke API tokens for a user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("username")
        parser.add_argument("arg", nargs="?", help="token name (create) or id (revoke)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user called {options['username']!r}")
        actor = Actor.for_user(user, via="cli")
        try:
            if options["action"] == "create":
                _token, clear = do_create_token(actor, options["arg"] or "command line")
                self.stdout.write(clear)
            elif options["action"] == "revoke":
                if not (options["arg"] or "").isdigit():
                    raise CommandError("give the id of the token to revoke (see 'veille token list USER')")
                do_revoke_token(actor, int(options["arg"]))
                self.stdout.write("revoked")
            else:
                for t in ApiToken.objects.filter(user=user):
                    state = "revoked" if t.revoked_at else "active"
                    self.stdout.write(f"{t.pk:5} {t.prefix}…  {t.name}  {state}")
        except VeilleError as exc:
            raise CommandError(str(exc)) from exc
