"""Who takes each step of the cycle (:data:`veille.lessons.cycle.ROLES`), and who records what.

* a nation's editors record observations for their nation; coordinators for any nation;
* coordinators, and JATEC's editors, analyse, identify and validate; coordinators task the remedial
  action and declare a lesson learned; the remedial action's owner body's editors implement it;
* system processes (imports, the demo loader) take every step.
"""

from __future__ import annotations

from typing import Any

from veille.council.rights import bodies_of, coordinators, editors_of_body
from veille.lessons.cycle import COORDINATOR, JATEC, OWNER, ROLES
from veille.lessons.exceptions import WrongRole
from veille.nations.access import Actor, require_editor_for

WHO = {
    COORDINATOR: "a coordinator",
    JATEC: "an editor of JATEC",
    OWNER: "an editor of the body the remedial action is tasked to",
}


def require_observer_for(actor: Actor, nation: str) -> None:
    require_editor_for(actor, nation, "record observations")


def may_take(actor: Actor, step: str, owner: str | None = None) -> bool:
    if actor.system is not None:
        return True
    roles = ROLES.get(step, ())
    if COORDINATOR in roles and actor.user is not None and actor.is_coordinator:
        return True
    mine = bodies_of(actor)
    if JATEC in roles and "JATEC" in mine:
        return True
    return OWNER in roles and owner is not None and owner in mine


def require_step(actor: Actor, step: str, owner: str | None = None) -> None:
    if may_take(actor, step, owner):
        return
    who = " or ".join(WHO[r] for r in ROLES.get(step, ()))
    if owner and OWNER in ROLES.get(step, ()):
        who = f"an editor of {owner}, to whom the remedial action is tasked"
    raise WrongRole(
        f'"{step}" is taken by {who}; {actor.label} is {actor.role or "not a member"} of '
        f"{actor.nation_code or 'NATO staff'}",
        field="step",
    )


def users_for(step: str | None, owner: str | None = None) -> list[Any]:
    """Everyone who may take ``step`` (for notifications)."""
    if step is None:
        return []
    roles = ROLES.get(step, ())
    found: list[Any] = []
    if COORDINATOR in roles:
        found += coordinators()
    if JATEC in roles:
        found += editors_of_body("JATEC")
    if OWNER in roles and owner:
        found += editors_of_body(owner)
    return found
