"""Errors of the industry app (no Django here: the dataset reader raises them too).

VeilleError
├── InvalidInput
│   ├── UnknownUnit            (core.industry) a unit that is no rate, stock, mass or currency
│   ├── BadDate                (core.industry) a date that is not YYYY, YYYY-MM or YYYY-MM-DD
│   ├── DatasetLayoutError     a file without the columns expected: names them; nothing is written
│   ├── InvalidFigure          a figure with a negative quantity, an actual dated in the future, a
│   │                          kind or category outside the vocabulary: names the field (and row)
│   ├── InvalidMapping         a PURL category → product mapping that cannot be recorded
│   └── ScenarioError          (core.bottlenecks) a bottleneck scenario that cannot be solved
│       ├── InfeasibleScenario minimum outputs the capacities cannot meet: names the input
│       └── UnboundedScenario  a product nothing limits: names it
├── PermissionDenied           (nations.WrongNation: an editor recording another nation's figure)
├── NotFound
│   ├── NoSuchProduct          no product by that name or slug
│   ├── NoSuchSite             no site by that name
│   └── NoSuchFigure           no figure with that ref (a scenario naming a row)
└── Conflict                   a stored figure changed or deleted (figures are append-only)
"""

from __future__ import annotations

from veille.core.bottlenecks import InfeasibleScenario, ScenarioError, UnboundedScenario
from veille.core.errors import InvalidInput, NotFound
from veille.core.industry import BadDate, UnknownUnit


class DatasetLayoutError(InvalidInput):
    pass


class InvalidFigure(InvalidInput):
    pass


class InvalidMapping(InvalidInput):
    pass


class NoSuchProduct(NotFound):
    pass


class NoSuchSite(NotFound):
    pass


class NoSuchFigure(NotFound):
    pass


__all__ = [
    "BadDate",
    "DatasetLayoutError",
    "InfeasibleScenario",
    "InvalidFigure",
    "InvalidMapping",
    "NoSuchFigure",
    "NoSuchProduct",
    "NoSuchSite",
    "ScenarioError",
    "UnboundedScenario",
    "UnknownUnit",
]
