"""NATO's lessons-learned cycle as plain data (no Django): the stages, the steps, who takes each.

::

    observed ──analyse──▶ analysed ──identify──▶ identified ──task──▶ tasked
                                                                        │
    learned ◀──learn── validated ◀──validate── implemented ◀──implement─┘

The first two steps move an observation; ``identify`` creates the lesson, and the four last steps
move the lesson. Each step starts from exactly one stage: a step whose stage is not reached yet is
*skipped* (refused, naming the step that comes first), a step whose stage is passed is *taken*.

Who takes each step (:data:`ROLES`): a coordinator, or an editor of JATEC (NATO's centre for
lessons from the war) for the analysis, the identification and the validation; only a coordinator
tasks the remedial action and declares the lesson learned; the editors of the body the remedial
action is tasked to declare it implemented, once the action is done.

>>> transition("observed", "analyse")
'analysed'
>>> transition("identified", "implement")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
veille.lessons.exceptions.SkippedStep: step: the lesson is at "identified": "task" comes before "implement"
>>> next_step("tasked"), next_step("learned")
('implement', None)
"""

from __future__ import annotations

from veille.lessons.exceptions import AlreadyTaken, SkippedStep, UnknownStep

OBSERVED, ANALYSED, IDENTIFIED, TASKED = "observed", "analysed", "identified", "tasked"
IMPLEMENTED, VALIDATED, LEARNED = "implemented", "validated", "learned"
STAGES = (OBSERVED, ANALYSED, IDENTIFIED, TASKED, IMPLEMENTED, VALIDATED, LEARNED)

#: step → (the stage it starts from, the stage it leads to)
STEPS = {
    "analyse": (OBSERVED, ANALYSED),
    "identify": (ANALYSED, IDENTIFIED),
    "task": (IDENTIFIED, TASKED),
    "implement": (TASKED, IMPLEMENTED),
    "validate": (IMPLEMENTED, VALIDATED),
    "learn": (VALIDATED, LEARNED),
}
OBSERVATION_STEPS = ("analyse", "identify")
LESSON_STEPS = ("task", "implement", "validate", "learn")

COORDINATOR, JATEC, OWNER = "coordinator", "jatec", "owner"
#: step → who may take it: coordinators, JATEC's editors, the remedial action's owner body's editors.
ROLES = {
    "analyse": (COORDINATOR, JATEC),
    "identify": (COORDINATOR, JATEC),
    "task": (COORDINATOR,),
    "implement": (OWNER,),
    "validate": (COORDINATOR, JATEC),
    "learn": (COORDINATOR,),
}


def next_step(stage: str) -> str | None:
    """The step that moves a record on from ``stage`` (None once learned)."""
    for step, (start, _end) in STEPS.items():
        if start == stage:
            return step
    return None


def transition(stage: str, step: str) -> str:
    """The stage after ``step``, or a named error: unknown step, skipped step, step taken."""
    if step not in STEPS:
        raise UnknownStep(f"unknown step {step!r}; the steps are {', '.join(STEPS)}", field="step")
    if stage not in STAGES:
        raise UnknownStep(f"unknown stage {stage!r}", field="stage")
    start, end = STEPS[step]
    if stage == start:
        return end
    what = "observation" if STAGES.index(stage) < STAGES.index(IDENTIFIED) else "lesson"
    if STAGES.index(stage) < STAGES.index(start):
        raise SkippedStep(
            f'the {what} is at "{stage}": "{next_step(stage)}" comes before "{step}"', field="step"
        )
    raise AlreadyTaken(f'"{step}" was taken already: the {what} is at "{stage}"', field="step")
