"""Synthetic demo records, as every page reads the reader's choice about them.

Made-up demo records (from a seeded generator) are marked wherever they are shown and left out of
totals unless the reader asks for them, with ``?synthetic=1`` on a page, an export or an API call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["PARAMETER", "wants_synthetic"]

#: The query parameter that adds synthetic records to totals.
PARAMETER = "synthetic"


def wants_synthetic(query: Mapping[str, Any] | Any) -> bool:
    """Whether the reader asks for synthetic records in totals (a request or its ``GET``).

    >>> wants_synthetic({"synthetic": "1"}), wants_synthetic({"synthetic": "no"}), wants_synthetic({})
    (True, False, False)
    """
    params = getattr(query, "GET", query)
    return str(params.get(PARAMETER, "")).strip().lower() in ("1", "true", "yes", "on")
