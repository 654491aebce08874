"""The picture page's cost does not grow with the AIS store: the store's time extent (the slider's
range) is read once per state of the positions' files, not at every page (opening DuckDB and
reading every file's times took most of the page's time on the demo data). Counted, not timed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.arctic.conftest import utc
from veille.arctic import layers
from veille.maritime.store import AisStore


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the DuckDB connections the store opens (the real ones: the counter wraps them)."""
    opened: list[int] = []
    real = AisStore.connect

    def counted(self: AisStore) -> Any:
        opened.append(1)
        return real(self)

    monkeypatch.setattr(AisStore, "connect", counted)
    return opened


def test_the_store_extent_is_read_once_per_state_of_the_store(
    picture: Any, write_positions: Any, connects: list[int]
) -> None:
    write_positions([(257000001, utc(2026, 3, 1, 12), 70.0, 20.0)])
    first = layers.store_extent()
    assert first == (utc(2026, 3, 1, 12), utc(2026, 3, 1, 12))
    assert layers.store_extent() == first
    assert len(connects) == 1
    write_positions([(257000001, utc(2026, 3, 4, 8), 70.5, 21.0)])  # an ingest: a new file
    assert layers.store_extent() == (utc(2026, 3, 1, 12), utc(2026, 3, 4, 8))
    assert len(connects) == 2


def test_the_picture_page_opens_no_store_and_makes_few_queries_once_warm(
    picture: Any, write_positions: Any, connects: list[int], client_as: Any
) -> None:
    write_positions([(257000001, utc(2026, 3, 1, 12), 70.0, 20.0)])
    nora = client_as("nora")
    assert nora.get("/arctic/").status_code == 200
    opened = len(connects)
    with CaptureQueriesContext(connection) as queries:
        assert nora.get("/arctic/").status_code == 200
    assert len(connects) == opened  # the store's extent came from what was read before
    assert len(queries) <= 10, [q["sql"][:120] for q in queries]
