"""NATO's lessons-learned cycle as a state machine: one step leads on from each stage; an earlier
step is taken already, a later one is skipped; nothing else exists."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import veille.lessons.cycle as cycle_module
from veille.lessons.cycle import LEARNED, OBSERVED, STAGES, STEPS, next_step, transition
from veille.lessons.exceptions import AlreadyTaken, SkippedStep, UnknownStep


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(cycle_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 3 and result.failed == 0


def test_the_steps_walk_the_stages_in_order() -> None:
    stage = OBSERVED
    walked = [stage]
    while (step := next_step(stage)) is not None:
        stage = transition(stage, step)
        walked.append(stage)
    assert tuple(walked) == STAGES and stage == LEARNED


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("step", list(STEPS))
def test_each_pair_of_stage_and_step(stage: str, step: str) -> None:
    start, end = STEPS[step]
    if stage == start:
        assert transition(stage, step) == end
    elif STAGES.index(stage) < STAGES.index(start):
        with pytest.raises(SkippedStep) as err:
            transition(stage, step)
        assert err.value.field == "step" and f'"{next_step(stage)}" comes before' in err.value.message
    else:
        with pytest.raises(AlreadyTaken):
            transition(stage, step)


@settings(deadline=None)  # no timing in a unit test
@given(st.lists(st.sampled_from(list(STEPS)), max_size=10))
def test_only_the_canonical_order_reaches_learned(steps: list[str]) -> None:
    stage = OBSERVED
    for step in steps:
        try:
            stage = transition(stage, step)
        except (SkippedStep, AlreadyTaken):
            continue
    assert STAGES.index(stage) <= len(steps)
    assert (stage == LEARNED) == (list(STEPS) == [s for s in _taken(steps)])


def _taken(steps: list[str]) -> list[str]:
    stage, taken = OBSERVED, []
    for step in steps:
        if STEPS[step][0] == stage:
            stage = STEPS[step][1]
            taken.append(step)
    return taken


def test_an_unknown_step_is_named() -> None:
    with pytest.raises(UnknownStep) as err:
        transition(OBSERVED, "approve")
    assert "analyse" in err.value.message
