"""The layers of veille (DESIGN.md §1): every import arrow points down, mechanisms never import each
other, ``core`` imports no Django and no other veille package.

Every module under ``src/veille`` is parsed with :mod:`ast`; every import is an arrow, at module
level, inside a function or under ``if TYPE_CHECKING`` alike. Imports by name at run time
(``veille.kit.registry.app_modules``) are not arrows: the hooks they find are listed in
docs/contributing.md.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: package -> layer, bottom (0) to top (7); arrows go from a higher layer to a lower one
LAYERS: dict[str, int] = {
    "core": 0,
    "veille": 0,  # veille/__init__.py: the version, which anything may show
    "kit": 1,
    "audit": 2,
    "nations": 3,
    "ledger": 4,
    "maritime": 4,
    "notices": 4,
    "purl": 5,
    "support": 5,
    "spending": 5,
    "industry": 5,
    "training": 5,
    "council": 5,
    "lessons": 5,
    "arctic": 5,
    "web": 6,
    "wiring": 7,  # veille/settings.py, urls.py, api.py, asgi.py, wsgi.py, cli.py …: may import anything
}
#: A mechanism made of several apps (so that each has its own addresses: /council/, /lessons/,
#: /training/): within it, apps import each other in this order only, lower first; never another
#: mechanism. Training & lessons learned & the NATO-Ukraine Council: the Council's actions are the
#: remedial actions of lessons, and training cohorts are evidence of both.
MECHANISM_APPS: dict[str, tuple[str, ...]] = {"training": ("council", "lessons", "training")}
#: the modules at the top of the tree (settings.py, urls.py, api.py, asgi.py, wsgi.py, cli.py …)
WIRING = frozenset(p.stem for p in (SRC / "veille").glob("*.py") if p.stem != "__init__")
#: third-party packages that are Django (core never imports them)
DJANGO = ("django", "ninja", "whitenoise")


@dataclass(frozen=True)
class Arrow:
    path: str
    line: int
    source: str  # the importing module's package
    target: str  # the imported package, or a third-party module for core's checks
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source} -> {self.target}: {self.problem}"


def package_of(module: str) -> str:
    """``veille.purl.views`` -> ``purl``; ``veille.settings`` -> ``wiring``; ``veille`` and
    ``veille.__version__`` -> ``veille``; a module outside veille -> ``""``."""
    parts = module.split(".")
    if parts[0] != "veille":
        return ""
    if len(parts) > 1 and parts[1] in WIRING:
        return "wiring"
    if len(parts) > 1 and (SRC / "veille" / parts[1]).is_dir():
        return parts[1]  # a package of the tree (its layer must be in LAYERS)
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "veille"


def module_name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(module: str, source: str, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import in ``source``, wherever it stands; relative imports
    are resolved against ``module``; ``from a import b`` gives ``a.b`` (``b`` may be a module)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}" if alias.name != "*" else base


def check(modules: Mapping[str, tuple[str, str, bool]]) -> list[Arrow]:
    """The wrong arrows among ``modules``: {module name: (path shown, source, is a package)}."""
    wrong = []
    for module, (path, source, is_package) in sorted(modules.items()):
        here = package_of(module)
        for line, imported in imports(module, source, is_package):
            there = package_of(imported)
            if here == "core":
                top = imported.split(".")[0]
                if top in DJANGO:
                    wrong.append(Arrow(path, line, here, imported, "core imports no Django"))
                elif there and there != "core":
                    wrong.append(Arrow(path, line, here, there, "core imports no other veille package"))
                continue
            if not there or there == here or here == "wiring":
                continue
            if LAYERS[there] > LAYERS[here]:
                problem = f"goes up (layer {LAYERS[here]} -> {LAYERS[there]})"
            elif LAYERS[there] == LAYERS[here] and _within_one_mechanism(here, there):
                continue
            elif LAYERS[there] == LAYERS[here]:
                problem = f"goes across layer {LAYERS[here]} (apps of one layer never import each other)"
            else:
                continue
            wrong.append(Arrow(path, line, here, there, problem))
    return list(dict.fromkeys(wrong))  # ``from a import b, c``: one arrow


def _within_one_mechanism(here: str, there: str) -> bool:
    """True when ``here`` may import ``there`` inside one mechanism made of several apps."""
    for apps in MECHANISM_APPS.values():
        if here in apps and there in apps:
            return apps.index(there) < apps.index(here)
    return False


def tree(src: Path = SRC) -> dict[str, tuple[str, str, bool]]:
    out = {}
    for path in sorted((src / "veille").rglob("*.py")):
        out[module_name(path, src)] = (
            str(path.relative_to(src.parent)),
            path.read_text(encoding="utf-8"),
            path.name == "__init__.py",
        )
    return out


def report(arrows: Iterable[Arrow]) -> str:
    return "\n  ".join(str(a) for a in arrows)


# --- the tree ----------------------------------------------------------------------------------------


def test_every_package_of_the_tree_has_a_layer() -> None:
    packages = {p.parent.name for p in (SRC / "veille").glob("*/__init__.py")}
    assert packages - set(LAYERS) == set(), "add the new package to LAYERS (and to DESIGN.md's table)"
    assert {package_of(m) for m in tree()} == packages | {"veille", "wiring"}


def test_no_import_goes_up_or_across_mechanisms() -> None:
    wrong = check(tree())
    assert not wrong, "imports against the layers (DESIGN.md §1):\n  " + report(wrong)


# --- the checker can fail ------------------------------------------------------------------------------


def modules(**sources: str) -> dict[str, tuple[str, str, bool]]:
    """Synthetic modules: ``modules(veille__purl__x="...")``."""
    return {
        name.replace("__", "."): (name.replace("__", "/") + ".py", text, False)
        for name, text in sources.items()
    }


@pytest.mark.parametrize(
    ("source_module", "text", "line", "expected"),
    [
        (
            "veille.purl.queries",
            "from veille.support.queries import donor_table\n",
            1,
            "support: goes across",
        ),
        (
            "veille.support.queries",
            "def f():\n    from veille.spending import queries\n",
            2,
            "spending: goes across",
        ),
        (
            "veille.kit.exports",
            "import csv\nfrom veille.nations.access import Actor\n",
            2,
            "nations: goes up",
        ),
        ("veille.audit.services", "from veille.nations.access import Actor\n", 1, "nations: goes up"),
        ("veille.nations.views", "from veille.web.exports import export_response\n", 1, "web: goes up"),
        ("veille.ledger.queries", "import veille.maritime.store\n", 1, "maritime: goes across"),
        ("veille.arctic.views", "from veille.web import views\n", 1, "web: goes up"),
        (
            "veille.audit.queries",
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from veille.nations import models\n",
            4,
            "nations: goes up",
        ),
        ("veille.core.money", "import django.db\n", 1, "django.db: core imports no Django"),
        ("veille.core.fx", "from ninja import Schema\n", 1, "ninja.Schema: core imports no Django"),
        ("veille.core.geo", "def f():\n    from veille.kit import paths\n", 2, "kit: core imports no other"),
        ("veille.core.env", "from veille import __version__\n", 1, "veille: core imports no other"),
        # within one mechanism of several apps, only the declared order; never out to another mechanism
        ("veille.council.services", "from veille.lessons import models\n", 1, "lessons: goes across"),
        ("veille.lessons.views", "from veille.training import queries\n", 1, "training: goes across"),
        ("veille.lessons.views", "from veille.purl.models import Shipment\n", 1, "purl: goes across"),
        ("veille.purl.views", "from veille.council import queries\n", 1, "council: goes across"),
    ],
)
def test_the_checker_names_a_wrong_arrow_with_its_file_and_line(
    source_module: str, text: str, line: int, expected: str
) -> None:
    (arrow,) = check(modules(**{source_module.replace(".", "__"): text}))
    assert f"{arrow.target}: {arrow.problem}".startswith(expected)
    assert (arrow.path, arrow.line) == (source_module.replace(".", "/") + ".py", line)
    assert str(arrow).startswith(f"{arrow.path}:{line}: {package_of(source_module)} -> ")


@pytest.mark.parametrize(
    ("source_module", "text"),
    [
        ("veille.purl.services", "from veille.ledger import services as ledger\n"),
        ("veille.arctic.demo", "from veille.maritime.event_runs import run_events\n"),
        ("veille.web.views", "from veille.arctic.demo import run_feed\nfrom veille.purl import queries\n"),
        ("veille.nations.services", "from veille.audit.services import do_audit\n"),
        ("veille.kit.paths", "from veille.core.env import Env\nimport django\n"),
        ("veille.urls", "from veille.web import views\nfrom veille.api import api\n"),
        ("veille.maritime.event_runs", "from veille import __version__\n"),
        ("veille.core.events.gaps", "from veille.core.env import data_dir\nimport polars\n"),
        ("veille.purl.views", "from veille.purl import queries\n"),
        ("veille.lessons.services", "from veille.council.services import do_task_action\n"),
        ("veille.training.views", "from veille.council import queries\nfrom veille.lessons import models\n"),
    ],
)
def test_the_checker_lets_arrows_that_point_down_pass(source_module: str, text: str) -> None:
    assert check(modules(**{source_module.replace(".", "__"): text})) == []


def test_a_relative_import_is_resolved_before_it_is_judged() -> None:
    found = {
        "veille.support.queries": ("support/queries.py", "from ..spending import queries\n", False),
        "veille.support": ("support/__init__.py", "from .queries import x\nfrom ..purl import y\n", True),
    }
    assert [(a.path, a.line, a.target) for a in check(found)] == [
        ("support/__init__.py", 2, "purl"),
        ("support/queries.py", 1, "spending"),
    ]


def test_a_planted_import_in_a_copy_of_the_tree_is_found(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    for path, text, _ in tree().values():
        target = copy / path.removeprefix("src/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    assert check(tree(copy)) == []
    services = copy / "veille" / "support" / "services.py"
    services.write_text(
        services.read_text() + "\n\ndef later():\n    from veille.purl.models import Package\n"
    )
    (arrow,) = check(tree(copy))
    assert str(arrow).startswith("src/veille/support/services.py:")
    assert arrow.line == len(services.read_text().splitlines())
    assert (arrow.source, arrow.target) == ("support", "purl")
