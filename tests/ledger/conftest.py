"""Ledger fixtures: a system actor and a short way to write events through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from veille.ledger import services
from veille.ledger.models import LedgerEvent
from veille.nations.access import Actor

DAY = dt.date(2024, 6, 14)  # a Friday with ECB rates
SRC = ["https://example.org/press-release"]

DO = {
    "pledge": services.do_pledge,
    "commitment": services.do_commit,
    "allocation": services.do_allocate,
    "contract": services.do_contract,
    "disbursement": services.do_disburse,
    "shipment": services.do_ship,
    "receipt": services.do_receive,
}


@pytest.fixture
def system(nations: None) -> Actor:
    return Actor.system_process("tests")


@pytest.fixture
def write(system: Actor) -> Callable[..., LedgerEvent]:
    """``write("commitment", party="NOR", amount="100", currency="EUR", parent=None, actor=...)``."""

    def make(kind: str, actor: Actor | None = None, **fields: Any) -> LedgerEvent:
        fields.setdefault("value_date", DAY)
        fields.setdefault("sources", SRC)
        fields.setdefault("party", "NOR")
        return DO[kind](actor or system, services.NewEvent(**fields))

    return make
