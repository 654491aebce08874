"""Each public module says what it offers in ``__all__`` (as httpx checks its own): every module of
``veille.core`` and ``veille.kit``, and each app's ``services``, ``queries`` and ``exceptions``.

``__all__`` names only what exists, and every public function and class that a module defines is in
it: a helper that is not for others starts with ``_``.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
APP_MODULES = ("services", "queries", "exceptions")


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def public_modules() -> list[str]:
    veille = SRC / "veille"
    found = [p for layer in ("core", "kit") for p in (veille / layer).rglob("*.py")]
    found += [p for name in APP_MODULES for p in veille.glob(f"*/{name}.py")]
    # an app whose writes outgrew one module has a services/ package: the package and each module
    found += [p for name in APP_MODULES for p in veille.glob(f"*/{name}/*.py")]
    return sorted(_name(p) for p in found)


MODULES = public_modules()


def test_the_public_modules_are_found() -> None:
    assert {"veille.core.fx", "veille.kit.paths", "veille.audit.services", "veille.purl.queries"} <= set(
        MODULES
    )
    assert {"veille.arctic.exceptions", "veille.spending.services", "veille.core.events"} <= set(MODULES)
    assert {"veille.purl.services", "veille.purl.services.funding"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_all_names_what_the_module_offers(name: str) -> None:
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    listed = list(module.__all__)
    assert len(listed) == len(set(listed)), f"{name}.__all__ names something twice"
    missing = [n for n in listed if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what the module does not have: {missing}"
    defined = {
        n
        for n, obj in vars(module).items()
        if not n.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == name
    }
    unlisted = sorted(defined - set(listed))
    assert not unlisted, f"{name} defines public names that __all__ does not list: {unlisted}"
