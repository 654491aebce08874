"""Properties of the bottleneck programme (veille.core.bottlenecks), solved by the real HiGHS."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veille.core import bottlenecks as lp
from veille.core.bottlenecks import InputLine, ProductLine, Requirement

caps = st.decimals(min_value=Decimal(1), max_value=Decimal(100_000), places=1)
ratios = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(5), places=3)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[ProductLine], list[InputLine], list[Requirement]]:
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 5))
    products = [
        ProductLine(
            f"p{j}", draw(caps), draw(st.decimals(min_value=Decimal("0.1"), max_value=Decimal(5), places=1))
        )
        for j in range(n)
    ]
    inputs = [InputLine(f"i{k}", draw(caps)) for k in range(m)]
    reqs = [
        Requirement(f"p{j}", f"i{k}", draw(ratios)) for j in range(n) for k in range(m) if draw(st.booleans())
    ]
    return products, inputs, reqs


def test_docstring_examples_hold() -> None:
    result = doctest.testmod(lp)
    assert result.attempted >= 8 and result.failed == 0


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_the_solution_keeps_every_capacity(sc: tuple) -> None:
    products, inputs, reqs = sc
    s = lp.solve(products, inputs, reqs)
    for r in s.inputs:
        assert r.used <= r.capacity * (1 + 1e-7) + 1e-7
    for p in s.products:
        assert -1e-9 <= p.output <= (p.capacity or 0) * (1 + 1e-7) + 1e-7


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_duals_price_the_capacities_at_the_optimum(sc: tuple) -> None:
    """Strong duality: the weighted output equals the capacities valued at their dual prices."""
    products, inputs, reqs = sc
    s = lp.solve(products, inputs, reqs)
    priced = sum(r.dual * r.capacity for r in s.inputs) + sum(p.dual * (p.capacity or 0) for p in s.products)
    assert priced == pytest.approx(s.objective, rel=1e-6, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.data())
def test_more_of_an_input_never_lowers_output_and_a_slack_input_changes_nothing(
    sc: tuple, data: st.DataObject
) -> None:
    products, inputs, reqs = sc
    k = data.draw(st.integers(0, len(inputs) - 1))
    name = inputs[k].name
    w = lp.what_if(products, inputs, reqs, {name: inputs[k].capacity * 2})
    assert w.after.objective >= w.before.objective - 1e-6
    if w.before.inputs[k].used < inputs[k].capacity * Decimal("0.999") and not w.before.inputs[k].binding:
        assert w.after.objective == pytest.approx(w.before.objective, rel=1e-7, abs=1e-7)


def test_a_binding_input_is_named_with_what_one_more_unit_is_worth() -> None:
    products = [ProductLine("shell", Decimal(1_000_000)), ProductLine("charge", None)]
    inputs = [InputLine("explosive", Decimal(4300)), InputLine("powder", Decimal(10_000))]
    reqs = [
        Requirement("shell", "explosive", Decimal("0.0108")),
        Requirement("charge", "powder", Decimal("0.0024")),
    ]
    s = lp.solve(products, inputs, reqs)
    assert set(s.binding) == {"input:explosive", "input:powder"}
    assert s.output("charge") == pytest.approx(10_000 / 0.0024)
    assert s.inputs[0].dual == pytest.approx(1 / 0.0108)


def test_a_product_nothing_limits_is_an_unbounded_scenario_naming_it() -> None:
    with pytest.raises(lp.UnboundedScenario) as err:
        lp.solve([ProductLine("shell", None)], [InputLine("explosive", Decimal(1))], [])
    assert "shell" in err.value.message


def test_minimums_beyond_the_inputs_are_an_infeasible_scenario_naming_the_input() -> None:
    with pytest.raises(lp.InfeasibleScenario) as err:
        lp.solve(
            [ProductLine("shell", Decimal(10), minimum=Decimal(5))],
            [InputLine("explosive", Decimal(1))],
            [Requirement("shell", "explosive", Decimal(1))],
        )
    assert err.value.field == "inputs.explosive" and "explosive" in err.value.message


@pytest.mark.parametrize(
    "products, inputs, field",
    [
        ([ProductLine("a", Decimal(-1))], [], "products.a.capacity"),
        ([ProductLine("a", Decimal(1))], [InputLine("x", Decimal(-5))], "inputs.x"),
        ([ProductLine("a", Decimal(1), weight=Decimal(-1))], [], "products.a.weight"),
    ],
)
def test_a_negative_quantity_is_refused_naming_the_field(products: list, inputs: list, field: str) -> None:
    with pytest.raises(lp.ScenarioError) as err:
        lp.solve(products, inputs, [])
    assert err.value.field == field


def test_a_what_if_on_an_unknown_input_is_refused() -> None:
    with pytest.raises(lp.ScenarioError) as err:
        lp.what_if([ProductLine("a", Decimal(1))], [], [], {"nitrocellulose": Decimal(1)})
    assert err.value.field == "what_if.input"
