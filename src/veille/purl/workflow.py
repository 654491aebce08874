"""The approval state machine of a requirement list, as plain data (no Django).

Three steps, always in this order: Ukraine (an editor of Ukraine), NATO (a coordinator), the United
States (an editor of the United States). Each approves or returns the list with a comment.

::

    draft ──UKR approves──▶ awaiting_nato ──NATO approves──▶ awaiting_usa ──USA approves──▶ approved
      ▲                         │                                │                              │
      └──────── returned ◀──────┴──── NATO or USA returns ◀──────┘                              │
                (Ukraine edits, then approves again: a new round of all three steps)           │
                                                                                                │
    approved ──Ukraine amends──▶ awaiting_nato or awaiting_usa (only the steps the amendment reopens)

A *round* is the list of steps still to pass; a fresh round is all three, an amendment's round is
the steps it affects (:func:`reopened_by`). Ukraine's step is the amendment itself: Ukraine proposes it.

>>> t = transition("draft", "", "UKR", "approve")
>>> t.state, t.round
('awaiting_nato', 'UKR,NATO,USA')
>>> transition("awaiting_nato", "UKR,NATO,USA", "USA", "approve")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
veille.purl.exceptions.OutOfOrder: step: the list awaits NATO's approval; the United States approves after it
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from veille.purl.exceptions import AlreadyApproved, ListLocked, NotAmendable, OutOfOrder

STEPS = ("UKR", "NATO", "USA")
STEP_NAMES = {"UKR": "Ukraine", "NATO": "NATO", "USA": "the United States"}
FULL_ROUND = ",".join(STEPS)

DRAFT, RETURNED = "draft", "returned"
AWAITING = {"NATO": "awaiting_nato", "USA": "awaiting_usa"}
APPROVED = "approved"
EDITABLE = (DRAFT, RETURNED)
STATES = (DRAFT, AWAITING["NATO"], AWAITING["USA"], APPROVED, RETURNED)

#: Which approvals a change of each item field reopens once the list is approved. Ranking and
#: justification are Ukraine's and NATO's prioritisation; the cost source is the United States'
#: pricing; what is bought, how many and at what cost concern NATO and the United States.
REOPENS = {
    "rank": ("NATO",),
    "category": ("NATO",),
    "justification": ("NATO",),
    "cost_source": ("USA",),
    "description": ("NATO", "USA"),
    "quantity": ("NATO", "USA"),
    "unit": ("NATO", "USA"),
    "unit_cost_usd": ("NATO", "USA"),
    "add": ("NATO", "USA"),
    "remove": ("NATO", "USA"),
}


@dataclass(frozen=True)
class Transition:
    state: str
    round: str


def current_step(state: str) -> str | None:
    """The step whose decision the list awaits (None when approved).

    >>> current_step("draft"), current_step("awaiting_usa"), current_step("approved")
    ('UKR', 'USA', None)
    """
    if state in EDITABLE:
        return "UKR"
    for step, name in AWAITING.items():
        if state == name:
            return step
    return None


def _steps(round_: str) -> list[str]:
    return [s for s in round_.split(",") if s]


def transition(state: str, round_: str, step: str, decision: str) -> Transition:
    """The state after ``step`` decides ``decision`` ("approve" or "return"), or a named error."""
    if step not in STEPS:
        raise OutOfOrder(f"unknown step {step!r}; the steps are {', '.join(STEPS)}", field="step")
    if decision not in ("approve", "return"):
        raise OutOfOrder(f"unknown decision {decision!r}: approve or return", field="decision")
    expected = current_step(state)
    steps = _steps(round_) if state not in EDITABLE else list(STEPS)
    if expected is None:
        raise AlreadyApproved(
            f"the list is approved; {STEP_NAMES[step]} has nothing left to decide (amend it to reopen it)",
            field="step",
        )
    if step != expected:
        if step in steps and steps.index(step) < steps.index(expected):
            raise AlreadyApproved(
                f"{STEP_NAMES[step]} has approved this round already; it awaits {STEP_NAMES[expected]}",
                field="step",
            )
        if step not in steps:
            raise OutOfOrder(
                f"this round ({', '.join(STEP_NAMES[s] for s in steps)}) "
                f"does not reopen {STEP_NAMES[step]}'s "
                "approval",
                field="step",
            )
        raise OutOfOrder(
            f"the list awaits {STEP_NAMES[expected]}'s approval; {STEP_NAMES[step]} approves after it",
            field="step",
        )
    if decision == "return":
        if step == "UKR":
            raise OutOfOrder("Ukraine edits its own draft; it cannot return it to itself", field="decision")
        return Transition(RETURNED, "")
    if step == "UKR":
        return Transition(AWAITING["NATO"], FULL_ROUND)
    following = steps[steps.index(step) + 1 :]
    return Transition(AWAITING[following[0]] if following else APPROVED, round_)


def reopened_by(fields: Iterable[str]) -> tuple[str, ...]:
    """The approvals that changes of ``fields`` reopen, in step order.

    >>> reopened_by(["rank"]), reopened_by(["cost_source", "rank"]), reopened_by(["quantity"])
    (('NATO',), ('NATO', 'USA'), ('NATO', 'USA'))
    """
    hit = {s for f in fields for s in REOPENS[f]}
    return tuple(s for s in STEPS if s in hit)


def amend(state: str, fields: Iterable[str]) -> Transition:
    """The state after Ukraine amends an approved list changing ``fields``."""
    if state in EDITABLE:
        raise NotAmendable("the list is a draft: edit it directly", field="list")
    if state != APPROVED:
        raise ListLocked(
            f"the list awaits {STEP_NAMES[current_step(state) or 'UKR']}'s decision; amend it once approved",
            field="list",
        )
    steps = reopened_by(fields)
    if not steps:
        raise NotAmendable("the amendment changes nothing", field="changes")
    return Transition(AWAITING[steps[0]], ",".join(("UKR", *steps)))
