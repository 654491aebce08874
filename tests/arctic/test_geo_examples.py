"""The examples in ``veille.arctic.geo``'s docstrings hold."""

from __future__ import annotations

import doctest

from veille.arctic import geo


def test_the_geometry_examples_hold() -> None:
    result = doctest.testmod(geo)
    assert result.attempted > 5 and result.failed == 0
