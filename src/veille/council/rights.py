"""Who may do what with the Council's records (issue 15's authorization rules).

* coordinators record meetings and decisions and task actions;
* the owner body's editors attach evidence to its actions: a nation's editors for their nation, the
  editors listed as members of a NATO body (NSATU, JATEC …) for that body;
* imports and demo loaders (system processes) act with coordinator rights and for every body.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from veille.council.bodies import NATO_BODIES
from veille.council.exceptions import WrongOwner
from veille.council.models import Action, BodyMember
from veille.nations.access import Actor, require_coordinator
from veille.nations.models import Membership, Role

__all__ = ["bodies_of", "editors_of_body", "is_body_editor", "require_coordinator", "require_owner_editor"]


def bodies_of(actor: Actor) -> set[str]:
    """The bodies the actor edits for (none unless an editor)."""
    if actor.system is not None:
        return set(NATO_BODIES)
    if actor.user is None or actor.role != Role.EDITOR:
        return set()
    found = set(BodyMember.objects.filter(user_id=actor.user.pk).values_list("body", flat=True))
    if actor.nation_code:
        found.add(actor.nation_code)
    return found


def is_body_editor(actor: Actor, body: str) -> bool:
    return actor.system is not None or body in bodies_of(actor)


def require_owner_editor(actor: Actor, action: Action, what: str = "attach evidence") -> None:
    if is_body_editor(actor, action.owner):
        return
    mine = sorted(bodies_of(actor))
    raise WrongOwner(
        f"action {action.pk} belongs to {action.owner}; only its editors may {what} "
        f"({actor.label} edits for {', '.join(mine) if mine else 'no body'})",
        field="action",
    )


def editors_of_body(body: str) -> list[Any]:
    """Active users who edit for ``body``."""
    if body in NATO_BODIES:
        ids = set(BodyMember.objects.filter(body=body).values_list("user_id", flat=True))
        ids &= set(Membership.objects.filter(role=Role.EDITOR).values_list("user_id", flat=True))
    else:
        ids = set(
            Membership.objects.filter(role=Role.EDITOR, nation_id=body).values_list("user_id", flat=True)
        )
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def coordinators() -> list[Any]:
    ids = Membership.objects.filter(role__in=(Role.COORDINATOR, Role.ADMIN)).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))
