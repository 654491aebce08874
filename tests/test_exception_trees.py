"""Errors are types (DESIGN.md, rules of the house 8): each app's ``exceptions.py`` draws its
exception tree in its docstring, and the drawing is true. Every class the module defines is drawn,
under its own base class; every name drawn is one of veille's errors, under its real base."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from veille.core.errors import VeilleError

SRC = Path(__file__).resolve().parents[1] / "src" / "veille"
APPS = sorted(p.parent.name for p in SRC.glob("*/exceptions.py"))
NODE = re.compile(r"^(?P<indent>(?:[│ ]   )*)(?P<glyph>├── |└── )(?P<name>[A-Z]\w*)")


def drawn(doc: str) -> dict[str, str]:
    """Each name in the drawing → the name it hangs from. The glyphs must be right: ``└──`` for
    the last child of a parent, ``├──`` for the others."""
    parents: dict[str, str] = {}
    last: dict[str, tuple[str, bool]] = {}  # parent → (its latest child, drawn as the last one)
    path = ["VeilleError"]
    for line in doc.splitlines():
        m = NODE.match(line)
        if m is None:
            continue
        depth = len(m["indent"]) // 4 + 1
        path = [*path[:depth], m["name"]]
        parent = path[depth - 1]
        previous = last.get(parent)
        assert previous is None or not previous[1], (
            f"{previous[0]} is drawn last under {parent}, then {m['name']}"
        )
        parents[m["name"]] = parent
        last[parent] = (m["name"], m["glyph"] == "└── ")
    wrong = [child for child, is_last in last.values() if not is_last]
    assert not wrong, f"the last child of a parent is drawn with ├──: {wrong}"
    return parents


def errors_by_name() -> dict[str, type[VeilleError]]:
    for module in (
        "veille.core.fx",
        "veille.core.money",
        "veille.support.kiel",
        *(f"veille.{a}.exceptions" for a in APPS),
    ):
        importlib.import_module(module)
    found: dict[str, type[VeilleError]] = {}
    todo: list[type[VeilleError]] = [VeilleError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo += cls.__subclasses__()
    return found


@pytest.mark.parametrize("app", APPS)
def test_the_exception_tree_is_drawn_as_it_is(app: str) -> None:
    module = importlib.import_module(f"veille.{app}.exceptions")
    doc = inspect.getdoc(module) or ""
    tree = drawn(doc)
    assert tree, f"{app}/exceptions.py draws no exception tree"
    defined = {
        name: cls
        for name, cls in vars(module).items()
        if inspect.isclass(cls) and issubclass(cls, VeilleError) and cls.__module__ == module.__name__
    }
    assert not set(defined) - set(tree), f"{app}: defined but not drawn: {set(defined) - set(tree)}"
    known = errors_by_name()
    for name, parent in tree.items():
        assert name in known, f"{app}: {name} is drawn but is no error of veille"
        assert known[name].__bases__[0].__name__ == parent, (
            f"{app}: {name} is drawn under {parent} but derives from {known[name].__bases__[0].__name__}"
        )


def test_the_reading_of_a_drawing() -> None:
    doc = "VeilleError\n├── InvalidInput\n│   └── BadArea   note\n│       text\n└── NotFound\n    └── X\n"
    assert drawn(doc) == {
        "InvalidInput": "VeilleError",
        "BadArea": "InvalidInput",
        "NotFound": "VeilleError",
        "X": "NotFound",
    }
