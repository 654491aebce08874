"""Every text, list and geometry an API caller sends has a declared limit in the API schema
(``maxLength``, ``maxItems``), and a value over it is refused with a 422 naming the field; every
amount is a plain decimal. The schema is read as the API serves it, so a new field without a limit
fails here."""

from __future__ import annotations

import re
from typing import Any

import pytest

from veille.api import api
from veille.kit.limits import MAX_AMOUNT_CHARS, PLAIN_AMOUNT

SCHEMA = api.get_openapi_schema()
COMPONENTS = SCHEMA["components"]["schemas"]
JSON = "application/json"


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    return COMPONENTS[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node


def _bodies() -> list[tuple[str, str, str]]:
    """(method, path, schema name) of every JSON request body."""
    found = []
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if JSON in content and "$ref" in content[JSON]["schema"]:
                found.append((method, path, content[JSON]["schema"]["$ref"].rsplit("/", 1)[-1]))
    return sorted(found)


def _input_schemas() -> list[str]:
    """Every schema a request body is made of, the nested ones too."""
    seen: set[str] = set()
    todo = [name for _, _, name in _bodies()]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += re.findall(r"#/components/schemas/(\w+)", repr(COMPONENTS[name]))
    return sorted(seen)


def _variants(prop: dict[str, Any]) -> list[dict[str, Any]]:
    prop = _resolve(prop)
    if "anyOf" in prop:
        return [v for option in prop["anyOf"] for v in _variants(option)]
    return [prop]


def _unbounded(prop: dict[str, Any]) -> list[str]:
    """What the property lacks: a text without ``maxLength``, a list without ``maxItems``, a
    mapping without ``maxProperties``."""
    missing = []
    for v in _variants(prop):
        if v.get("type") == "string" and "maxLength" not in v and "enum" not in v and "format" not in v:
            missing.append("maxLength")
        if v.get("type") == "array" and "maxItems" not in v:
            missing.append("maxItems")
        if v.get("type") == "object" and "additionalProperties" in v and "maxProperties" not in v:
            missing.append("maxProperties")
        if v.get("type") == "array" and "items" in v:
            missing += [f"items {m}" for m in _unbounded(v["items"])]
    return missing


INPUT_PROPERTIES = [
    (name, prop) for name in _input_schemas() for prop in COMPONENTS[name].get("properties", {})
]
QUERY_PARAMETERS = sorted(
    {
        (method, path, p["name"])
        for path, operations in SCHEMA["paths"].items()
        for method, operation in operations.items()
        for p in operation.get("parameters", [])
    }
)


def test_the_schema_has_the_input_schemas_of_every_app() -> None:
    apps = {path.split("/")[3] for _, path, _ in _bodies()}
    assert {"arctic", "council", "industry", "ledger", "lessons", "notices", "purl", "spending"} <= apps
    assert {"training"} <= apps
    assert len(INPUT_PROPERTIES) > 150


@pytest.mark.parametrize("schema, prop", INPUT_PROPERTIES, ids=[f"{s}.{p}" for s, p in INPUT_PROPERTIES])
def test_every_text_and_list_of_a_body_declares_its_limit(schema: str, prop: str) -> None:
    assert not _unbounded(COMPONENTS[schema]["properties"][prop]), COMPONENTS[schema]["properties"][prop]


@pytest.mark.parametrize("method, path, name", QUERY_PARAMETERS)
def test_every_text_of_a_query_or_a_path_declares_its_limit(method: str, path: str, name: str) -> None:
    operation = SCHEMA["paths"][path][method]
    param = next(p for p in operation["parameters"] if p["name"] == name)
    assert not _unbounded(param["schema"]), param


def _amounts() -> list[tuple[str, str]]:
    money = re.compile(r"(amount|_usd|_pct|_eur)$")
    return [(s, p) for s, p in INPUT_PROPERTIES if money.search(p)]


def test_the_amounts_are_found() -> None:
    found = dict(_amounts())
    assert {"ContractIn", "RecordLinkIn", "PlanYearIn", "ContributionIn", "ItemIn"} <= set(found)


@pytest.mark.parametrize("schema, prop", _amounts(), ids=[f"{s}.{p}" for s, p in _amounts()])
def test_every_amount_of_a_body_is_a_plain_decimal(schema: str, prop: str) -> None:
    texts = [v for v in _variants(COMPONENTS[schema]["properties"][prop]) if v.get("type") != "null"]
    assert texts and all(
        v.get("type") == "string" and v["pattern"] == PLAIN_AMOUNT and v["maxLength"] == MAX_AMOUNT_CHARS
        for v in texts
    ), texts


# --- over the limit: a 422 naming the field, for every body of every app ---------------------------


def _minimal(node: dict[str, Any]) -> Any:
    """A value the schema accepts (the service may refuse it later; the schema must not)."""
    options = [v for v in _variants(node) if v.get("type") != "null"]
    v = options[0] if options else {}
    if "default" in node:
        return node["default"]
    if "enum" in v:
        return v["enum"][0]
    kind = v.get("type")
    if kind == "string":
        if v.get("format") == "date":
            return "2026-01-05"
        if v.get("format") == "date-time":
            return "2026-01-05T10:00:00Z"
        return "1" if "pattern" in v else "x"
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object" and "properties" in v:
        return {k: _minimal(p) for k, p in v["properties"].items() if k in v.get("required", [])}
    return {}


def _oversize(prop: dict[str, Any]) -> Any:
    for v in _variants(prop):
        if v.get("type") == "string" and "maxLength" in v:
            return ("1" if "pattern" in v else "x") * (v["maxLength"] + 1)
        if v.get("type") == "array" and "maxItems" in v:
            return [_minimal(v.get("items", {}))] * (v["maxItems"] + 1)
    return None


def _oversize_cases() -> list[tuple[str, str, str]]:
    cases = []
    for method, path, name in _bodies():
        for prop, node in COMPONENTS[name].get("properties", {}).items():
            if _oversize(node) is not None:
                cases.append((method, path, prop))
    return cases


OVERSIZE = _oversize_cases()


def test_every_app_has_a_body_to_try() -> None:
    apps = {path.split("/")[3] for _, path, _ in OVERSIZE}
    assert {"arctic", "council", "industry", "ledger", "lessons", "purl", "spending", "training"} <= apps


@pytest.mark.django_db
@pytest.mark.parametrize("method, path, prop", OVERSIZE)
def test_a_value_over_its_limit_is_refused_naming_the_field(
    method: str, path: str, prop: str, client_as: Any
) -> None:
    operation = SCHEMA["paths"][path][method]
    name = operation["requestBody"]["content"][JSON]["schema"]["$ref"].rsplit("/", 1)[-1]
    body = _minimal(COMPONENTS[name])
    body[prop] = _oversize(COMPONENTS[name]["properties"][prop])
    url = re.sub(r"\{[^}]+\}", "1", path)
    client = client_as("alice")
    response = getattr(client, method)(url, body, content_type=JSON)
    assert response.status_code == 422, (response.status_code, response.content[:300])
    assert response.json()["error"]["field"] == prop, response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/arctic/activities?bbox=" + "1" * 65, "bbox"),
        ("/api/v1/purl/contributions?nation=" + "N" * 65, "nation"),
        ("/api/v1/ledger/links?party=" + "P" * 65, "party"),
    ],
)
def test_a_query_over_its_limit_is_refused_naming_the_field(url: str, field: str, client_as: Any) -> None:
    response = client_as("alice").get(url)
    assert response.status_code == 422, response.content[:300]
    assert response.json()["error"]["field"] == field


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["1,000", "1_000", "\u0661\u0660\u0660\u0660", "1 000", "1e3"])
@pytest.mark.parametrize(
    "url, body, field",
    [
        (
            "/api/v1/industry/contracts",
            {"product": "shells", "buyer_kind": "nation", "signed": "2026-01", "source_title": "t"},
            "value_amount",
        ),
        ("/api/v1/ledger/links", {"event": 1, "counted_in": 2}, "tolerance_pct"),
        (
            "/api/v1/spending/plans",
            {"nation": "NOR", "source": "s", "years": [{"year": 2030}]},
            "core_pct",
        ),
    ],
)
def test_the_api_reads_every_amount_as_a_plain_decimal(
    amount: str, url: str, body: dict[str, Any], field: str, client_as: Any
) -> None:
    if field == "core_pct":
        body = {**body, "years": [{"year": 2030, "core_pct": amount}]}
    else:
        body = {**body, field: amount, "source_url": "https://example.org"}
    response = client_as("alice").post(url, body, content_type=JSON)
    assert response.status_code == 422, response.content[:300]
    assert response.json()["error"]["field"] == field, response.json()


def test_no_two_schemas_of_the_api_share_a_name() -> None:
    """The API schema names its components by class name: two ``DecisionIn`` would document one
    body under the other's fields (and its limits)."""
    import ast
    from collections import Counter
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "veille"
    modules = [*src.glob("*/api.py"), *src.glob("web/*_api.py")]
    names = Counter(
        node.name
        for path in modules
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.ClassDef)
    )
    assert not [name for name, count in names.items() if count > 1]
