"""Who acts, as the layers below ``veille.nations`` see it.

The audit trail records every change with who made it, from where and through which channel. It
sits below ``veille.nations`` (which writes to it), so it cannot know ``veille.nations.access.Actor``;
it takes any object with the four attributes of :class:`ActorLike` instead, which ``Actor`` has.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Batch:
...     user: object = None
...     ip: str | None = None
...     via: str = "cli"
...     label: str = "system:import"
>>> isinstance(Batch(), ActorLike)
True
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["ActorLike"]


@runtime_checkable
class ActorLike(Protocol):
    """The party behind a write, as the audit trail records it."""

    @property
    def user(self) -> Any:
        """The user model instance, or ``None`` for a system process or an anonymous visitor."""

    @property
    def ip(self) -> str | None:
        """The client's address (web and API), else ``None``."""

    @property
    def via(self) -> str:
        """The channel: ``web``, ``api``, ``cli`` or ``admin``."""

    @property
    def label(self) -> str:
        """The user name, or ``system:<process>``."""
