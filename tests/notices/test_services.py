"""The notices API: raise for a key and the users who must act, clear the key when the action is
done, one open notice per user and key, e-mail after the commit, every change audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from veille.audit.models import AuditEvent
from veille.nations.access import Actor
from veille.notices import queries
from veille.notices.exceptions import BadNotice
from veille.notices.models import Notice
from veille.notices.services import do_clear, do_mark_read, do_raise

SYSTEM = Actor.system_process("tests")
KEY = "tests:thing:1:decision"


def raise_for(users: list[Any], key: str = KEY, **over: Any) -> list[Notice]:
    fields: dict[str, Any] = {
        "app": "tests",
        "kind": "awaiting",
        "title": "A list awaits your approval",
        "subject": "Thing 1",
        "url": "/things/1/",
        "action": True,
    }
    fields.update(over)
    return do_raise(SYSTEM, key, users, **fields)


def test_a_notice_is_raised_once_per_user_and_key_while_open(users: dict[str, Any]) -> None:
    alice, sam = users["alice"], users["sam"]
    assert len(raise_for([alice, sam, alice])) == 2  # one each, whatever the list repeats
    assert raise_for([alice]) == []  # open and unread: kept, not doubled
    assert Notice.objects.filter(key=KEY, cleared_at=None).count() == 2
    (to_do,) = queries.for_user(alice).to_do
    assert (to_do.key, to_do.state, to_do.subject) == (KEY, "to_do", "Thing 1")


def test_clearing_a_key_clears_it_for_everyone_who_had_to_act(users: dict[str, Any]) -> None:
    alice, sam = users["alice"], users["sam"]
    raise_for([alice, sam])
    assert do_clear(Actor.for_user(alice), KEY) == 2  # alice acted: sam need not any more
    assert not queries.for_user(alice) and not queries.for_user(sam)
    assert {n.state for n in Notice.objects.filter(key=KEY)} == {"done"}
    assert set(Notice.objects.filter(key=KEY).values_list("cleared_by", flat=True)) == {"alice"}
    assert do_clear(SYSTEM, KEY) == 0  # nothing open: nothing cleared
    # Raised again later (a new round), it is a new notice.
    assert len(raise_for([alice])) == 1
    assert Notice.objects.filter(key=KEY, user=alice).count() == 2


def test_clearing_for_some_users_leaves_the_others(users: dict[str, Any]) -> None:
    alice, sam = users["alice"], users["sam"]
    raise_for([alice, sam])
    assert do_clear(SYSTEM, KEY, [sam]) == 1
    assert [n.key for n in queries.for_user(alice).to_do] == [KEY]
    assert not queries.for_user(sam)


def test_news_read_and_raised_again_is_news_again(users: dict[str, Any]) -> None:
    nora = users["nora"]
    raise_for(
        [nora], "tests:package:1:funded", action=False, kind="funded", title="A package is fully funded"
    )
    assert [n.state for n in queries.for_user(nora).new] == ["new"]
    assert do_mark_read(Actor.for_user(nora)) == 1
    assert not queries.for_user(nora)
    again = raise_for([nora], "tests:package:1:funded", action=False, kind="funded", title="x")
    assert len(again) == 1 and [n.state for n in queries.for_user(nora).new] == ["new"]
    assert sorted(n.state for n in Notice.objects.filter(user=nora)) == ["done", "new"]


def test_an_action_stays_to_do_once_read(users: dict[str, Any]) -> None:
    olga = users["olga"]
    raise_for([olga])
    do_mark_read(Actor.for_user(olga))
    assert [n.state for n in queries.for_user(olga).to_do] == ["to_do"]
    assert queries.unread_count(olga) == 0 and queries.open_count(olga) == 1


def test_users_who_may_not_see_the_record_are_left_out(users: dict[str, Any]) -> None:
    class OnlyFor:
        def __init__(self, *names: str) -> None:
            self.names = names

        def is_visible_to(self, user: Any) -> bool:
            return user.username in self.names

    made = raise_for([users["alice"], users["pawel"]], visible=OnlyFor("alice"))
    assert [n.user.username for n in made] == ["alice"]


def test_mail_goes_after_the_commit_and_a_failing_server_undoes_nothing(
    users: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    alice, sam = users["alice"], users["sam"]
    alice.email, sam.email = "alice@example.org", ""
    alice.save()
    sam.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        raise_for([alice, sam])
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    (sent,) = mail.outbox
    assert sent.to == ["alice@example.org"] and "A list awaits your approval: Thing 1" in sent.subject
    assert Notice.objects.get(user=alice, key=KEY).emailed
    assert not Notice.objects.get(user=sam, key=KEY).emailed
    settings.EMAIL_BACKEND = "tests.notices.test_services.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        raise_for([alice], "tests:thing:2:decision")
    assert Notice.objects.filter(key="tests:thing:2:decision", emailed=False).count() == 1


class BrokenBackend:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("the mail server is down")


def test_raising_clearing_and_reading_are_audited(users: dict[str, Any]) -> None:
    alice, sam = users["alice"], users["sam"]
    raise_for([alice, sam])
    do_clear(Actor.for_user(sam), KEY)
    (raised,) = AuditEvent.objects.filter(action="notices.raise")
    assert (raised.object_id, raised.after["users"], raised.after["action"]) == (KEY, ["alice", "sam"], True)
    (cleared,) = AuditEvent.objects.filter(action="notices.clear")
    assert (cleared.actor, cleared.after) == ("sam", {"cleared": 2, "users": ["alice", "sam"]})


@pytest.mark.parametrize(
    ("over", "field"),
    [({"key": ""}, "key"), ({"title": ""}, "title"), ({"url": "/" + "x" * 300}, "url"), ({"app": ""}, "app")],
)
def test_a_bad_notice_is_refused_and_nothing_is_written(
    users: dict[str, Any], over: dict[str, str], field: str
) -> None:
    key = over.pop("key", KEY)
    with pytest.raises(BadNotice) as exc:
        raise_for([users["alice"]], key, **over)
    assert exc.value.field == field
    assert not Notice.objects.exists() and not AuditEvent.objects.filter(action="notices.raise").exists()


def test_a_raise_inside_a_failed_transaction_leaves_nothing(users: dict[str, Any]) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_for([users["alice"]])
        raise RuntimeError("the change that raised it failed")
    assert not Notice.objects.exists()


def test_marking_read_needs_a_user(users: dict[str, Any]) -> None:
    from veille.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        do_mark_read(SYSTEM)
