"""The shape of an importer for ``veille import KIND PATH``.

An app lists its importers in ``<app>/importers.py`` as ``IMPORTERS = {"kind": Importer(...)}``.
``run(path, actor, progress, dry_run)`` reads the file, writes through the app's services in one
transaction and returns an :class:`ImportSummary`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["FLAGS", "ImportSummary", "Importer", "Progress", "no_progress"]


class Progress(Protocol):
    def __call__(
        self, advance: int = 1, total: int | None = None, description: str | None = None
    ) -> None: ...


@dataclass
class ImportSummary:
    source: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "problems": self.problems,
            **self.extra,
        }


@dataclass(frozen=True)
class Importer:
    """``run(path, actor, progress, dry_run, **flags)``; ``flags`` names the optional switches the
    importer understands, among :data:`FLAGS` (``veille import KIND PATH --allow-unknown``)."""

    help: str
    run: Callable[..., ImportSummary]
    default_path: str = ""  # relative to the data folder: what ``veille demo`` loads
    flags: tuple[str, ...] = ()


#: Switches an importer may accept, with their help text.
FLAGS = {
    "allow_unknown": "import the rows whose names are known even when others are not (they are listed)",
}


def no_progress(advance: int = 1, total: int | None = None, description: str | None = None) -> None:
    return None
