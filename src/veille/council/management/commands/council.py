"""``veille council actions [--overdue] [--owner BODY] [--status S] [--format text|csv|json]``,
``veille council remind`` and ``veille council member USER BODY``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from veille.core.actions import STATUSES
from veille.core.errors import VeilleError
from veille.council import queries, services
from veille.council.services.records import _Everyone
from veille.kit.exports import CsvWriter, dumps
from veille.nations.access import Actor


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: {text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "The NATO-Ukraine Council's actions. 'actions' lists them with their status derived from their "
        "evidence and due dates; 'remind' tells bodies of actions due within 7 days or overdue (run it "
        "daily); 'member' makes an editor a member of a NATO body (NSATU, JATEC, CAP, PURL, NATO)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        lst = sub.add_parser("actions", help="list actions with their derived status")
        lst.add_argument("--overdue", action="store_true", help="only overdue actions")
        lst.add_argument("--owner", help="only actions tasked to this body (NSATU, JATEC … or a nation code)")
        lst.add_argument("--status", choices=STATUSES, help="only actions with this status")
        lst.add_argument("--as-of", type=_date, help="the status on this day (evidence recorded by then)")
        lst.add_argument("--user", help="apply this user's releasability (default: every action)")
        lst.add_argument("--format", choices=["text", "csv", "json"], default="text")
        remind = sub.add_parser("remind", help="notify bodies of actions due within 7 days or overdue")
        remind.add_argument("--as-of", type=_date, help="the day to remind for (default: today)")
        member = sub.add_parser("member", help="make a user an editor of a NATO body")
        member.add_argument("username")
        member.add_argument("body")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["what"] == "remind":
                sent = services.do_remind(Actor.system_process("council:remind"), options["as_of"])
                self.stdout.write(f"reminders sent: {sent['due_soon']} due soon, {sent['overdue']} overdue")
            elif options["what"] == "member":
                user = get_user_model().objects.filter(username=options["username"]).first()
                if user is None:
                    raise CommandError(f"no user called {options['username']!r}")
                services.do_assign_body(Actor.system_process("council:member"), user, options["body"])
                self.stdout.write(f"{user.get_username()} edits for {options['body'].upper()}")
            else:
                self._actions(options)
        except VeilleError as exc:
            raise CommandError(str(exc)) from exc

    def _actions(self, options: dict[str, Any]) -> None:
        reader: Any = _Everyone()
        if options["user"]:
            reader = get_user_model().objects.filter(username=options["user"]).first()
            if reader is None:
                raise CommandError(f"--user: no user called {options['user']!r}")
        owner = options["owner"]
        if owner:
            from veille.council.bodies import check_owner

            owner = check_owner(owner)
        rows = queries.actions(
            reader, owner=owner, status=options["status"], overdue=options["overdue"], on=options["as_of"]
        )
        if options["format"] == "json":
            self.stdout.write(dumps([{c: r[c] for c in queries.ACTION_COLUMNS} for r in rows]))
            return
        if options["format"] == "csv":
            writer = CsvWriter(self.stdout, lineterminator="\n")
            writer.writerow(queries.ACTION_COLUMNS)
            for r in rows:
                writer.writerow([_plain(r[c]) for c in queries.ACTION_COLUMNS])
            return
        if not rows:
            self.stdout.write("No action matches.")
            return
        for r in rows:
            late = " (late)" if r["late"] else ""
            self.stdout.write(
                f"{r['id']:>5}  {r['status']:<11}{late:7} due {r['due']}  {r['owner']:<6} {r['title']}"
            )
        counts = queries.status_counts(rows)
        self.stdout.write("  ".join(f"{k}: {v}" for k, v in counts.items()))
