"""Errors of the Arctic picture.

VeilleError
├── InvalidInput
│   ├── BadArea                an area that cannot be read (point, country list, WKT or GeoJSON)
│   └── RowsRejected           registry rows that cannot be read (each with its line); nothing is written
├── PermissionDenied           (veille.core.errors) an editor acting for another nation, a viewer writing,
│                              anyone but the event matcher raising an alert
├── NotFound
│   └── NoSuchActivity         no activity with this key or id, or not one the caller may see
├── Conflict                   (veille.core.errors) a key held by a record the caller may not change
├── TooManyStreams             (HTTP 429) the user has as many live streams open as one user may
└── StreamsFull                (HTTP 503) the server process has as many live streams open as it carries
"""

from __future__ import annotations

from veille.core.errors import InvalidInput, NotFound, VeilleError

__all__ = ["BadArea", "NoSuchActivity", "RowsRejected", "StreamsFull", "TooManyStreams"]


class BadArea(InvalidInput):
    pass


class RowsRejected(InvalidInput):
    def __init__(self, problems: list[str], where: str) -> None:
        self.problems = problems
        shown = "; ".join(problems[:5]) + (f"; … and {len(problems) - 5} more" if len(problems) > 5 else "")
        super().__init__(f"{len(problems)} row(s) cannot be read, nothing was written: {shown}", where=where)


class NoSuchActivity(NotFound):
    pass


class TooManyStreams(VeilleError):
    code = "too_many_streams"
    http_status = 429


class StreamsFull(VeilleError):
    code = "streams_full"
    http_status = 503
