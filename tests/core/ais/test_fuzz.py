"""Hypothesis fuzz of the NMEA readers: any line is parsed or rejected, never an exception nor a hang
(``bench/fuzz_nmea.py`` runs the same over a million lines and more)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.core.ais.fuzz_lines import batch, read_everything, time_limit

pytestmark = pytest.mark.slow


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(lines=batch(size=500))
def test_the_readers_take_any_line_without_raising_or_hanging(lines: list[bytes]) -> None:
    with time_limit(60):
        read_everything(lines)
