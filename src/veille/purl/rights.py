"""Who may take each PURL step (DESIGN.md §3, issue 5's authorization rules).

* drafting a list, amending it, Ukraine's approval and confirming receipt: Ukraine's editors only;
* NATO's approval, building packages, allocating general contributions: coordinators;
* the United States' approval: editors of the United States; shipments: them or coordinators;
* pledges and commitments: a nation's editors for their own nation (coordinators for any).
"""

from __future__ import annotations

from veille.core.errors import PermissionDenied
from veille.nations.access import Actor, require_member
from veille.nations.models import Role
from veille.purl.exceptions import WrongApprover
from veille.purl.workflow import STEP_NAMES

UKRAINE, UNITED_STATES = "UKR", "USA"


def is_editor_of(actor: Actor, nation: str) -> bool:
    return actor.system is None and actor.role == Role.EDITOR and actor.nation_code == nation


def require_ukraine_editor(actor: Actor, what: str) -> None:
    if actor.system is not None:
        return  # imports and the demo loader
    require_member(actor)
    if not is_editor_of(actor, UKRAINE):
        raise PermissionDenied(
            f"only Ukraine's editors may {what}; {actor.label} is "
            f"{actor.role or 'not a member'} of {actor.nation_code or 'NATO staff'}"
        )


def require_step_role(actor: Actor, step: str) -> None:
    """Each approval step by its role only: Ukraine's editor, a coordinator, a US editor."""
    allowed = {
        "UKR": is_editor_of(actor, UKRAINE),
        "NATO": actor.system is None and actor.role in (Role.COORDINATOR, Role.ADMIN),
        "USA": is_editor_of(actor, UNITED_STATES),
    }.get(step, False)
    if not allowed:
        who = {
            "UKR": "an editor of Ukraine",
            "NATO": "a coordinator",
            "USA": "an editor of the United States",
        }
        raise WrongApprover(
            f"{STEP_NAMES.get(step, step)}'s approval is given by {who.get(step, 'nobody')}; "
            f"{actor.label} is {actor.role or 'not a member'} of {actor.nation_code or 'NATO staff'}",
            field="step",
        )


def require_shipper(actor: Actor) -> None:
    if actor.is_coordinator or is_editor_of(actor, UNITED_STATES):
        return
    raise PermissionDenied(
        f"only editors of the United States and coordinators record shipments; {actor.label} may not"
    )
