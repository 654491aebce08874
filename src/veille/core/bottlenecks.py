"""Bottlenecks: which inputs hold production back, as a linear programme solved by HiGHS (pure, no Django).

Maximise the weighted output ``Σ w_p x_p`` subject to, for every input ``i``,
``Σ_p a_ip x_p ≤ C_i`` (the input's capacity per year), and for every product
``m_p ≤ x_p ≤ U_p`` (its minimum, if the scenario asks one, and its capacity, if one is given).
The dual value of an input's row is what one more unit of that input adds to the weighted output;
an input is *binding* when it is used up and that value is positive.

>>> shells = ProductLine("shell", capacity=Decimal(1000000))
>>> fill = InputLine("explosive", capacity=Decimal(4300))
>>> s = solve([shells], [fill], [Requirement("shell", "explosive", Decimal("0.0108"))])
>>> round(s.objective), s.binding
(398148, ['input:explosive'])
>>> round(s.inputs[0].dual, 2)  # shells per extra tonne of explosive
92.59
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import numpy as np

from veille.core.errors import InvalidInput

TOLERANCE = 1e-7


class ScenarioError(InvalidInput):
    """A scenario that cannot be solved as given: names the product or input at fault."""


class InfeasibleScenario(ScenarioError):
    pass


class UnboundedScenario(ScenarioError):
    pass


@dataclass(frozen=True)
class ProductLine:
    """A product in the programme: its capacity per year (``None``: none given), weight and minimum."""

    name: str
    capacity: Decimal | None = None
    weight: Decimal = Decimal(1)
    minimum: Decimal = Decimal(0)


@dataclass(frozen=True)
class InputLine:
    """An input and its capacity per year (in the unit the requirements use, e.g. tonnes)."""

    name: str
    capacity: Decimal


@dataclass(frozen=True)
class Requirement:
    """How much of an input one unit of a product takes (same unit as the input's capacity)."""

    product: str
    input: str
    per_unit: Decimal


@dataclass(frozen=True)
class InputResult:
    name: str
    capacity: float
    used: float
    dual: float  # weighted output gained per extra unit of the input
    binding: bool

    @property
    def slack(self) -> float:
        return self.capacity - self.used


@dataclass(frozen=True)
class ProductResult:
    name: str
    output: float
    capacity: float | None
    dual: float  # weighted output gained per extra unit of product capacity
    binding: bool


@dataclass(frozen=True)
class Solution:
    objective: float
    products: tuple[ProductResult, ...]
    inputs: tuple[InputResult, ...]

    @property
    def binding(self) -> list[str]:
        """Binding constraints, strongest first: ``input:NAME`` and ``capacity:PRODUCT``."""
        named = [(r.dual, f"input:{r.name}") for r in self.inputs if r.binding]
        named += [(r.dual, f"capacity:{r.name}") for r in self.products if r.binding]
        return [n for _, n in sorted(named, key=lambda dn: (-dn[0], dn[1]))]

    def output(self, product: str) -> float:
        return next(p.output for p in self.products if p.name == product)


def _check(
    products: Sequence[ProductLine], inputs: Sequence[InputLine], requirements: Sequence[Requirement]
) -> None:
    names = [p.name for p in products]
    if len(set(names)) != len(names):
        raise ScenarioError("a product is listed twice", field="products")
    if len({i.name for i in inputs}) != len(inputs):
        raise ScenarioError("an input is listed twice", field="inputs")
    for i in inputs:
        if not i.capacity.is_finite() or i.capacity < 0:
            raise ScenarioError(
                f"{i.capacity}: expected a capacity of zero or more", field=f"inputs.{i.name}"
            )
    for p in products:
        if p.capacity is not None and (not p.capacity.is_finite() or p.capacity < 0):
            raise ScenarioError(
                f"{p.capacity}: expected a capacity of zero or more", field=f"products.{p.name}.capacity"
            )
        if not p.weight.is_finite() or p.weight < 0:
            raise ScenarioError(
                f"{p.weight}: expected a weight of zero or more", field=f"products.{p.name}.weight"
            )
        if not p.minimum.is_finite() or p.minimum < 0:
            raise ScenarioError(
                f"{p.minimum}: expected a minimum of zero or more", field=f"products.{p.name}.minimum"
            )
    known_p, known_i = set(names), {i.name for i in inputs}
    for r in requirements:
        if r.product not in known_p:
            raise ScenarioError(
                f"{r.product!r} is not a product of the scenario", field="requirements.product"
            )
        if r.input not in known_i:
            raise ScenarioError(f"{r.input!r} is not an input of the scenario", field="requirements.input")
        if not r.per_unit.is_finite() or r.per_unit < 0:
            raise ScenarioError(
                f"{r.per_unit}: expected zero or more per unit", field="requirements.per_unit"
            )


def _unbounded(
    products: Sequence[ProductLine], inputs: Sequence[InputLine], requirements: Sequence[Requirement]
) -> list[str]:
    """Products that nothing limits: no capacity, a positive weight and no input they use."""
    limited = {r.product for r in requirements if r.per_unit > 0}
    return [p.name for p in products if p.capacity is None and p.weight > 0 and p.name not in limited]


def _infeasible(
    products: Sequence[ProductLine], inputs: Sequence[InputLine], requirements: Sequence[Requirement]
) -> list[tuple[str, str]]:
    """The constraints the minimum outputs break on their own (field, why): a first reading."""
    out = [
        (f"products.{p.name}.minimum", f"{p.name}: minimum {p.minimum} above its capacity {p.capacity}")
        for p in products
        if p.capacity is not None and p.minimum > p.capacity
    ]
    minimum = {p.name: p.minimum for p in products}
    for i in inputs:
        need = sum((r.per_unit * minimum[r.product] for r in requirements if r.input == i.name), Decimal(0))
        if need > i.capacity:
            out.append(
                (f"inputs.{i.name}", f"{i.name}: the minimum outputs need {need}, capacity {i.capacity}")
            )
    return out


def _highs() -> Any:
    import highspy

    # The bare solver: the Python wrapper's callback set-up prints HiGHS's banner on standard output,
    # which would corrupt ``veille industry bottlenecks --format json``.
    solver = getattr(highspy, "_Highs", highspy.Highs)()
    solver.setOptionValue("output_flag", False)
    return solver


def solve(
    products: Sequence[ProductLine], inputs: Sequence[InputLine], requirements: Sequence[Requirement]
) -> Solution:
    """Solve the programme; raise :class:`InfeasibleScenario` or :class:`UnboundedScenario` naming the
    products or inputs at fault."""
    import highspy

    _check(products, inputs, requirements)
    free = _unbounded(products, inputs, requirements)
    if free:
        raise UnboundedScenario(
            f"nothing limits {', '.join(free)}: give a capacity or an input it needs", field="products"
        )
    n, m = len(products), len(inputs)
    col = {p.name: j for j, p in enumerate(products)}
    row = {i.name: k for k, i in enumerate(inputs)}
    matrix = np.zeros((m, n))
    for r in requirements:
        matrix[row[r.input], col[r.product]] += float(r.per_unit)
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = np.array([float(p.weight) for p in products])
    lp.col_lower_ = np.array([float(p.minimum) for p in products])
    lp.col_upper_ = np.array([inf if p.capacity is None else float(p.capacity) for p in products])
    lp.row_lower_ = np.full(m, -inf)
    lp.row_upper_ = np.array([float(i.capacity) for i in inputs])
    nz = matrix.T != 0  # column-wise
    starts = np.concatenate(([0], np.cumsum(nz.sum(axis=1))))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = starts.astype(np.int32)
    lp.a_matrix_.index_ = np.nonzero(nz)[1].astype(np.int32)
    lp.a_matrix_.value_ = matrix.T[nz]
    lp.sense_ = highspy.ObjSense.kMaximize
    h = _highs()
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        reasons = _infeasible(products, inputs, requirements)
        raise InfeasibleScenario(
            "the minimum outputs cannot all be met: "
            + ("; ".join(why for _, why in reasons) or "the constraints together"),
            field=reasons[0][0] if reasons else "products",
        )
    if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        raise UnboundedScenario("the weighted output has no limit: give more capacities", field="products")
    if status != highspy.HighsModelStatus.kOptimal:
        raise ScenarioError(f"HiGHS stopped without a solution ({h.modelStatusToString(status)})")
    sol = h.getSolution()
    x = np.asarray(sol.col_value)
    used = matrix @ x if m else np.zeros(0)
    row_dual = np.asarray(sol.row_dual)
    col_dual = np.asarray(sol.col_dual)
    input_results = []
    for k, i in enumerate(inputs):
        cap = float(i.capacity)
        dual = max(0.0, float(row_dual[k]))
        tight = cap - used[k] <= TOLERANCE * max(1.0, cap)
        input_results.append(InputResult(i.name, cap, float(used[k]), dual, bool(tight and dual > TOLERANCE)))
    product_results = []
    for j, p in enumerate(products):
        upper = None if p.capacity is None else float(p.capacity)
        reduced = max(0.0, float(col_dual[j]))
        full = upper is not None and upper - x[j] <= TOLERANCE * max(1.0, upper)
        product_results.append(
            ProductResult(p.name, float(x[j]), upper, reduced, bool(full and reduced > TOLERANCE))
        )
    objective = float(sum(float(p.weight) * x[j] for j, p in enumerate(products)))
    return Solution(objective, tuple(product_results), tuple(input_results))


@dataclass(frozen=True)
class WhatIf:
    """The same scenario solved before and after changing some inputs' capacities."""

    before: Solution
    after: Solution
    changes: Mapping[str, tuple[Decimal, Decimal]]  # input: (capacity before, after)

    @property
    def gain(self) -> float:
        return self.after.objective - self.before.objective

    @property
    def binding_changed(self) -> bool:
        return self.before.binding != self.after.binding


def what_if(
    products: Sequence[ProductLine],
    inputs: Sequence[InputLine],
    requirements: Sequence[Requirement],
    capacities: Mapping[str, Decimal],
) -> WhatIf:
    """Raise or lower inputs' capacities and solve again.

    >>> p = [ProductLine("shell", Decimal(1000000))]
    >>> i = [InputLine("explosive", Decimal(4300))]
    >>> r = [Requirement("shell", "explosive", Decimal("0.0108"))]
    >>> w = what_if(p, i, r, {"explosive": Decimal(20000)})
    >>> w.before.binding, w.after.binding, round(w.gain)
    (['input:explosive'], ['capacity:shell'], 601852)
    """
    known = {i.name for i in inputs}
    for name, value in capacities.items():
        if name not in known:
            raise ScenarioError(f"{name!r} is not an input of the scenario", field="what_if.input")
        if not value.is_finite() or value < 0:
            raise ScenarioError(f"{value}: expected a capacity of zero or more", field=f"what_if.{name}")
    before = solve(products, inputs, requirements)
    changed = [replace(i, capacity=capacities[i.name]) if i.name in capacities else i for i in inputs]
    after = solve(products, changed, requirements)
    changes = {i.name: (i.capacity, capacities[i.name]) for i in inputs if i.name in capacities}
    return WhatIf(before, after, changes)


__all__ = [
    "InfeasibleScenario",
    "InputLine",
    "InputResult",
    "ProductLine",
    "ProductResult",
    "Requirement",
    "ScenarioError",
    "Solution",
    "UnboundedScenario",
    "WhatIf",
    "solve",
    "what_if",
]
