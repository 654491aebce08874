"""Notices of the Council and lessons learned, on the shared facility :mod:`veille.notices`: an
action tasked to a user's body, due within 7 days or overdue; a lesson waiting on a user's step.

They follow the state: an action's notices are to do until the action is done (evidence that
completes it clears them for everyone), a lesson's step notice until the step is taken. A reminder
is raised once per action, kind and due date: a user who has read one is not told again by the next
day's ``veille council remind``. Mail is sent by :mod:`veille.notices` once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_noop

from veille.kit.actors import ActorLike
from veille.notices import services as notices
from veille.notices.queries import open_keys, unread_count
from veille.notices.queries import users_told as _users_told

APP = "council"

#: English titles (translated where shown, from this app's catalogue), by kind.
TITLES = {
    "tasked": gettext_noop("An action was tasked to your body"),
    "due_soon": gettext_noop("An action is due within 7 days"),
    "overdue": gettext_noop("An action is overdue"),
    "lesson_step": gettext_noop("A lesson awaits your step"),
}

ACTION_KINDS = ("tasked", "due_soon", "overdue")


def action_key(action_id: int, kind: str, due: Any = None) -> str:
    """The notice key of an action's ``kind``; reminders are once per due date.

    >>> action_key(4, "tasked"), action_key(4, "overdue", "2026-05-01")
    ('council:action:4:tasked', 'council:action:4:overdue:2026-05-01')
    """
    return f"council:action:{action_id}:{kind}" + (f":{due}" if kind != "tasked" else "")


def step_key(kind: str, record_id: int, stage: str) -> str:
    """The notice key of the step awaited on an observation or lesson at ``stage``.

    >>> step_key("lesson", 2, "identified")
    'council:lesson:2:identified'
    """
    return f"council:{kind}:{record_id}:{stage}"


def send(
    actor: ActorLike,
    users: Iterable[Any],
    kind: str,
    subject: str,
    url: str,
    key: str,
    *,
    visible: Any = None,
) -> list[Any]:
    """Raise the notice ``key`` for each of ``users`` who may see ``visible`` and was never told
    of this key (a reminder is raised once). Returns the notices created."""
    told = _users_told(key)
    return notices.do_raise(
        actor,
        key,
        [u for u in users if u is not None and u.pk not in told],
        app=APP,
        kind=kind,
        title=TITLES[kind],
        subject=subject,
        url=url,
        action=True,
        visible=visible,
    )


def clear_action(actor: ActorLike, action: Any) -> int:
    """The action is done: its tasked, due-soon and overdue notices are cleared for everyone."""
    return sum(notices.do_clear(actor, action_key(action.pk, k, action.due)) for k in ACTION_KINDS)


def clear_step(actor: ActorLike, kind: str, record_id: int, stages: Iterable[str]) -> int:
    """The step awaited at each of ``stages`` is taken: clear those notices for everyone."""
    keys = [step_key(kind, record_id, s) for s in stages]
    still_open = open_keys(keys)  # one read; a key with no open notice has nothing to clear
    return sum(notices.do_clear(actor, key) for key in keys if key in still_open)


def unread(user: Any) -> int:
    """The user's Council and lessons notices not read yet."""
    return unread_count(user, APP)


def do_mark_read(actor: ActorLike) -> int:
    """Mark the acting user's Council and lessons notices read; audited. Returns how many."""
    if actor.user is None:
        return 0
    return notices.do_mark_read(actor, app=APP)


__all__ = [
    "ACTION_KINDS",
    "APP",
    "TITLES",
    "action_key",
    "clear_action",
    "clear_step",
    "do_mark_read",
    "send",
    "step_key",
    "unread",
]
