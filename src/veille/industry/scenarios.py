"""Bottleneck scenarios: which products and inputs, and where each capacity and ratio comes from.

A scenario is JSON (a file for ``veille industry bottlenecks --scenario FILE``, a body for the API)::

    {"name": "...",
     "products": [{"product": "155 mm artillery shell", "capacity": {"row": "IND-010"}, "weight": "1"}],
     "inputs": [{"input": "propellant powder", "capacity": {"value": "1200", "unit": "tonnes per year"}}],
     "requirements": [{"row": "INP-001"},
                      {"product": "...", "input": "...", "quantity": "10.8", "unit": "kg per shell"}]}

A capacity or ratio given by ``row`` comes from a stored, sourced row; one given by value is the
user's own and is marked ``scenario`` wherever it is shown. Without ``requirements``, every sourced
ratio between the scenario's products and inputs is used. Nothing else is ever filled in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings

from veille.core import bottlenecks as lp
from veille.core import industry as core
from veille.core.errors import VeilleError
from veille.industry.exceptions import NoSuchFigure, NoSuchProduct, ScenarioError
from veille.industry.models import CapacityFigure, InputRequirement, Product

EXAMPLE = "industry/scenario_example.json"


@dataclass
class Origin:
    """Where a number of the scenario comes from: a row (with its source) or the user's scenario."""

    kind: str  # row | scenario
    ref: str = ""
    label: str = ""
    url: str = ""
    conversion: str = ""
    bound: str = ""
    figure_kind: str = ""
    #: the conversion's arithmetic, for a page to write in its reader's language
    conversion_of: Any = None


@dataclass
class Built:
    name: str
    note: str
    products: list[lp.ProductLine] = field(default_factory=list)
    inputs: list[lp.InputLine] = field(default_factory=list)
    requirements: list[lp.Requirement] = field(default_factory=list)
    origins: dict[str, Origin] = field(default_factory=dict)  # "product:X", "input:Y", "req:X|Y"
    user_values: bool = False


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(settings.DATA_DIR) / EXAMPLE).read_text(encoding="utf-8"))
    return data


def load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"cannot read the scenario: {exc}", field="scenario", where=str(path)) from None
    if not isinstance(data, dict):
        raise ScenarioError("a scenario is a JSON object", field="scenario", where=str(path))
    return data


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ScenarioError(f"{value!r} is not a number", field=where) from None
    if not number.is_finite():
        raise ScenarioError(f"{value!r} is not a number", field=where)
    if number < 0:
        raise ScenarioError(f"{value}: expected zero or more", field=where)
    return number


def _row(ref: str, user: Any, where: str) -> CapacityFigure:
    figure = (
        CapacityFigure.objects.visible_to(user).current().filter(ref=ref).select_related("product").first()
    )
    if figure is None:
        raise NoSuchFigure(f"no figure {ref!r}", field=where)
    return figure


def _capacity(spec: Any, user: Any, where: str, unit: str) -> tuple[Decimal | None, Origin | None]:
    """A capacity per year from a row (converted, the arithmetic kept) or a value (marked)."""
    if spec is None:
        return None, None
    if not isinstance(spec, Mapping):
        raise ScenarioError('expected {"row": "IND-…"} or {"value": …, "unit": …}', field=where)
    if "row" in spec:
        f = _row(str(spec["row"]), user, where)
        value, stated_unit = f.quantity, f.unit
        origin = Origin("row", f.ref, f.source_title, f.source_url, bound=f.bound, figure_kind=f.kind)
    else:
        value = _decimal(spec.get("value"), f"{where}.value")
        stated_unit = str(spec.get("unit") or unit)
        origin = Origin("scenario", label="the scenario's own value")
    try:
        conversion = core.normalise(value, stated_unit, unit)
    except VeilleError:
        raise ScenarioError(
            f"a capacity in {stated_unit!r} cannot serve here: expected a rate in {unit}", field=where
        ) from None
    origin.conversion, origin.conversion_of = conversion.shown, conversion
    return conversion.value, origin


def build(spec: Mapping[str, Any], user: Any) -> Built:
    """Resolve a scenario against the stored rows the user may see."""
    if not isinstance(spec.get("products"), list) or not spec["products"]:
        raise ScenarioError("list at least one product", field="products")
    built = Built(str(spec.get("name") or "scenario"), str(spec.get("note") or ""))
    for k, p in enumerate(spec["products"]):
        if not isinstance(p, Mapping) or not Product.objects.filter(name=p.get("product")).exists():
            raise NoSuchProduct(
                f"no product {p.get('product') if isinstance(p, Mapping) else p!r}",
                field=f"products[{k}].product",
            )
        name = str(p["product"])
        capacity, origin = _capacity(p.get("capacity"), user, f"products[{k}].capacity", "per year")
        built.products.append(
            lp.ProductLine(
                name,
                capacity,
                _decimal(p.get("weight", 1), f"products[{k}].weight"),
                _decimal(p.get("minimum", 0), f"products[{k}].minimum"),
            )
        )
        if origin:
            built.origins[f"product:{name}"] = origin
            built.user_values |= origin.kind == "scenario"
    if not isinstance(spec.get("inputs") or [], list):
        raise ScenarioError("expected a list of inputs", field="inputs")
    for k, i in enumerate(spec.get("inputs") or []):
        if not isinstance(i, Mapping) or not str(i.get("input") or "").strip():
            raise ScenarioError("name the input", field=f"inputs[{k}].input")
        capacity, origin = _capacity(i.get("capacity"), user, f"inputs[{k}].capacity", "tonnes per year")
        if capacity is None or origin is None:
            raise ScenarioError("give the input's capacity", field=f"inputs[{k}].capacity")
        built.inputs.append(lp.InputLine(str(i["input"]), capacity))
        built.origins[f"input:{i['input']}"] = origin
        built.user_values |= origin.kind == "scenario"
    products = {p.name for p in built.products}
    inputs = {i.name for i in built.inputs}
    given = spec.get("requirements")
    if given is None:
        rows = InputRequirement.objects.select_related("product", "input").filter(
            product__name__in=products, input__name__in=inputs
        )
        given = [{"row": r.ref} for r in rows]
    if not isinstance(given, list):
        raise ScenarioError("expected a list of requirements", field="requirements")
    for k, r in enumerate(given):
        where = f"requirements[{k}]"
        if not isinstance(r, Mapping):
            raise ScenarioError(
                'expected {"row": "INP-…"} or {"product", "input", "quantity", "unit"}', field=where
            )
        if "row" in r:
            req = InputRequirement.objects.select_related("product", "input").filter(ref=r["row"]).first()
            if req is None:
                raise NoSuchFigure(f"no input ratio {r['row']!r}", field=where)
            product, input_, per_unit = req.product.name, req.input.name, req.per_unit_tonnes
            origin = Origin("row", req.ref, req.source_title, req.source_url, req.conversion)
            origin.conversion_of = req.conversion_of
        else:
            product, input_ = str(r.get("product")), str(r.get("input"))
            conversion = core.per_unit_tonnes(
                _decimal(r.get("quantity"), f"{where}.quantity"), str(r.get("unit") or "")
            )
            per_unit = conversion.value
            origin = Origin(
                "scenario",
                label="the scenario's own ratio",
                conversion=conversion.shown,
                conversion_of=conversion,
            )
            built.user_values = True
        if product not in products or input_ not in inputs:
            raise ScenarioError(f"{product!r} → {input_!r}: both must be in the scenario", field=where)
        built.requirements.append(lp.Requirement(product, input_, per_unit))
        built.origins[f"req:{product}|{input_}"] = origin
    return built


def what_if_values(built: Built, changes: Mapping[str, Any]) -> dict[str, Decimal]:
    return {name: _decimal(v, f"what_if.{name}") for name, v in changes.items() if str(v).strip() != ""}


def result(built: Built, changes: Mapping[str, Decimal] | None = None) -> dict[str, Any]:
    """Solve (and, with ``changes``, solve again) and describe every number with its origin."""
    if changes:
        w = lp.what_if(built.products, built.inputs, built.requirements, changes)
        before, after = w.before, w.after
    else:
        before = after = lp.solve(built.products, built.inputs, built.requirements)

    def origin(key: str) -> dict[str, Any] | None:
        o = built.origins.get(key)
        return None if o is None else o.__dict__

    return {
        "name": built.name,
        "note": built.note,
        "user_values": built.user_values or bool(changes),
        "objective": after.objective,
        "objective_before": before.objective,
        "binding": after.binding,
        "binding_before": before.binding,
        "products": [
            {
                "name": p.name,
                "output": p.output,
                "output_before": before.output(p.name),
                "capacity": p.capacity,
                "dual": p.dual,
                "binding": p.binding,
                "origin": origin(f"product:{p.name}"),
            }
            for p in after.products
        ],
        "inputs": [
            {
                "name": i.name,
                "capacity": i.capacity,
                "capacity_before": next(b.capacity for b in before.inputs if b.name == i.name),
                "used": i.used,
                "dual": i.dual,
                "binding": i.binding,
                "changed": bool(changes and i.name in changes),
                "origin": origin(f"input:{i.name}"),
            }
            for i in after.inputs
        ],
        "requirements": [
            {
                "product": r.product,
                "input": r.input,
                "per_unit_tonnes": r.per_unit,
                "origin": origin(f"req:{r.product}|{r.input}"),
            }
            for r in built.requirements
        ],
    }
