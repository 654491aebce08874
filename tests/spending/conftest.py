"""Fixtures of the spending tests: the shipped files, each parsed once per session.

Parsing is pure (no database), so the parsed files are shared; each test that needs the database
stores them through the service, inside its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from veille.nations.access import Actor
from veille.spending.services import do_import_figures
from veille.spending.workbooks import Parsed, read_nato, read_press, read_sipri

DATA = Path(__file__).resolve().parents[2] / "data" / "defence_spending"
NATO_FILE = DATA / "nato_240617-def-exp-2024-TABLES-en.xlsx"
SIPRI_FILE = DATA / "SIPRI-Milex-data-1949-2024_2.xlsx"
PRESS_FILE = DATA / "nato_pct_gdp_2024_2025_from_press.csv"


@pytest.fixture(scope="session")
def nato_parsed() -> Parsed:
    return read_nato(NATO_FILE)


@pytest.fixture(scope="session")
def sipri_parsed() -> Parsed:
    return read_sipri(SIPRI_FILE)


@pytest.fixture(scope="session")
def press_parsed() -> Parsed:
    return read_press(PRESS_FILE)


@pytest.fixture
def load(nations: None) -> Callable[[Parsed], Any]:
    """``load(parsed)`` stores a parsed file as an import would."""

    def run(parsed: Parsed) -> Any:
        return do_import_figures(Actor.system_process("tests"), parsed)

    return run


@pytest.fixture
def nato_loaded(load: Callable[[Parsed], Any], nato_parsed: Parsed, press_parsed: Parsed) -> None:
    load(nato_parsed)
    load(press_parsed)
