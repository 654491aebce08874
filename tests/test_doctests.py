"""Every ``>>>`` example in veille's docstrings runs and says what it shows (``veille.core`` above
all: DESIGN.md asks for an example on every core function).

Each module of ``src/veille`` that has an example is a case (as ``pytest --doctest-modules`` would
collect it); the failures are reported with the example, what it expected and what it got.
"""

from __future__ import annotations

import doctest
import importlib
import io
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(
    _name(p)
    for p in (SRC / "veille").rglob("*.py")
    if "migrations" not in p.parts and ">>>" in p.read_text(encoding="utf-8")
)


def test_every_core_module_with_examples_is_a_case() -> None:
    core = [m for m in MODULES if m.startswith("veille.core.")]
    assert len(core) >= 20 and "veille.core.fx" in core and "veille.core.events.schema" in core


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = [t for t in doctest.DocTestFinder().find(module, name) if t.examples]
    assert tests, f"{name} has '>>>' in its text but no example doctest can find"
    for test in tests:
        runner.run(test, out=out.write)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, out.getvalue()
