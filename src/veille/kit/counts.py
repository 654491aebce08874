"""Home-page counts: the ``Count`` shape every app's ``summary.home_counts`` returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Count"]


@dataclass(frozen=True)
class Count:
    label: Any
    value: int
    url: str = ""
    synthetic: bool = False
