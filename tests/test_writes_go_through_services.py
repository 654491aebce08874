"""Writes go through services (DESIGN.md, rules of the house 1): no module of an app writes to the
database but its services (``services.py``, or the ``services/`` package of an app whose writes
are split by concept) and the few helpers listed in :data:`ALLOWED`, each with its reason.

The walk reads every module's syntax tree (functions' bodies included) and looks for the calls that
write through the ORM (``.save()``, ``.delete()``, ``.create()``, ``.bulk_create()``,
``.bulk_update()``, ``.get_or_create()``, ``.update_or_create()``, and ``.update()`` on a queryset)
and for SQL that writes (``INSERT INTO``, ``UPDATE … SET``, ``DELETE FROM``). ``core/`` never
touches Django, and migrations are not the application's writes.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "veille"

#: Modules outside the services that may write, and why.
ALLOWED = {
    "ledger/figures.py": "the ledger's derived tables (per-event figures, day sums): kept by the ledger's "
    "services inside their own transaction, rebuilt by services.do_rebuild_figures; never the record",
}

#: Services whose writes only other services call, and why.
SERVICES_ONLY = {
    "audit/services.py": "the audit trail: each service writes the record of its own change, in its "
    "transaction",
}

ALWAYS = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERYSET = {"objects", "filter", "exclude", "all", "select_for_update", "visible_to", "using", "only"}
WRITING_SQL = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b")


def is_service(path: Path) -> bool:
    rel = path.relative_to(SRC)
    return rel.name == "services.py" or "services" in rel.parts[1:-1]


def modules() -> list[Path]:
    return sorted(
        p
        for p in SRC.rglob("*.py")
        if p.relative_to(SRC).parts[0] != "core" and "migrations" not in p.relative_to(SRC).parts
    )


def _chain(node: ast.expr) -> list[str]:
    """The names along a receiver: ``Model.objects.filter(x=1)`` → ``[filter, objects, Model]``."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names
        else:
            return names


def _is_super(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def writes(path: Path, root: Path = SRC) -> list[str]:
    """Each write in the module, as ``path:line what``, in the order of the lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = path.relative_to(root)
    return [f"{rel}:{line} {what}" for line, what in _found(tree)]


def _found(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, receiver = node.func.attr, node.func.value
            if _is_super(receiver):
                continue  # a model's own save() or delete() handing over to Django's
            if method == "save" and node.args:
                continue  # a file's or a frame's writer (a model's save takes no positional value)
            if method in ALWAYS or (method == "update" and QUERYSET & set(_chain(receiver))):
                found.append((node.lineno, f".{method}()"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            sql = WRITING_SQL.search(node.value)
            if sql is not None:
                found.append((node.lineno, f"SQL {sql.group(1)!r}"))
    return sorted(found)


def test_only_services_write() -> None:
    outside = [
        w
        for p in modules()
        if not is_service(p) and str(p.relative_to(SRC)) not in ALLOWED
        for w in writes(p)
    ]
    assert not outside, (
        "writes outside the services (move them into the app's services.py as check_*/do_*, audited; "
        "or add the module to ALLOWED with the reason):\n  " + "\n  ".join(outside)
    )


def writing_functions(path: Path) -> set[str]:
    """The module's top-level functions that write, themselves or through another of them."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    writing = {name for name, fn in functions.items() if _writes_in(fn)}
    while True:
        more = {
            name
            for name, fn in functions.items()
            if name not in writing and any(isinstance(c, ast.Name) and c.id in writing for c in ast.walk(fn))
        }
        if not more:
            return writing
        writing |= more


def _writes_in(fn: ast.FunctionDef) -> bool:
    probe = ast.Module(body=[fn], type_ignores=[])
    return bool(_found(probe))


def test_the_modules_allowed_to_write_are_called_by_services_only() -> None:
    """A helper allowed to write is not a way around the services, nor is the audit trail's
    writer: only services call their writes."""
    misuse = []
    for name in [*ALLOWED, *SERVICES_ONLY]:
        dotted = "veille." + name.removesuffix(".py").replace("/", ".")
        package, _, short = dotted.rpartition(".")
        writing = writing_functions(SRC / name)
        for p in modules():
            if is_service(p) or p == SRC / name:
                continue
            tree = ast.parse(p.read_text(encoding="utf-8"))
            aliases = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == dotted:
                    misuse += [
                        f"{p.relative_to(SRC)}:{node.lineno} imports {a.name}"
                        for a in node.names
                        if a.name in writing
                    ]
                elif isinstance(node, ast.ImportFrom) and node.module == package:
                    aliases |= {a.asname or a.name for a in node.names if a.name == short}
                elif isinstance(node, ast.Import):
                    aliases |= {a.asname for a in node.names if a.name == dotted and a.asname}
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr in writing
                    and isinstance(node.value, ast.Name)
                    and node.value.id in aliases
                ):
                    misuse.append(f"{p.relative_to(SRC)}:{node.lineno} calls {node.value.id}.{node.attr}")
    assert not misuse, (
        "writes of an allowed helper or of the audit trail called outside the services:\n  "
        + "\n  ".join(misuse)
    )


def test_every_module_allowed_to_write_still_does() -> None:
    """An entry of ALLOWED whose module no longer writes is removed, not kept as a blank cheque."""
    stale = [name for name in ALLOWED if not writes(SRC / name)]
    assert not stale, f"modules allowed to write that no longer do: {stale}"


def test_the_walk_finds_the_writes_it_looks_for(tmp_path: Path) -> None:
    """The walk itself: each kind of write is seen, the look-alikes are not."""
    module = tmp_path / "probe.py"
    module.write_text(
        "def f(m, request, frame, counts):\n"
        "    m.objects.create(a=1)\n"
        "    m.objects.filter(a=1).update(a=2)\n"
        "    request.user.save()\n"
        "    m.objects.get(pk=1).delete()\n"
        "    m.objects.bulk_create([])\n"
        "    m.objects.get_or_create(a=1)\n"
        "    cursor.execute('DELETE FROM x WHERE y')\n"
        "    counts.update({'a': 1})\n"  # a dict
        "    frame.save(path)\n"  # a file writer
        "    super().save()\n",
        encoding="utf-8",
    )
    found = [w.split(" ", 1)[1] for w in writes(module, tmp_path)]
    assert found == [
        ".create()",
        ".update()",
        ".save()",
        ".delete()",
        ".bulk_create()",
        ".get_or_create()",
        "SQL 'DELETE FROM'",
    ]


def test_the_services_are_where_the_walk_looks() -> None:
    """Every app that writes has its services where this test expects them."""
    apps = {p.relative_to(SRC).parts[0] for p in modules() if is_service(p)}
    assert {"arctic", "audit", "ledger", "nations", "purl", "spending", "support"} <= apps
