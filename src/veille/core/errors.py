"""The root of veille's exception tree.

Every error veille raises on purpose derives from :class:`VeilleError`; each app's
``exceptions.py`` hangs its own types below these four::

    VeilleError                 code="error"        HTTP 400
    ├── InvalidInput            code="invalid"      HTTP 422  (a value is wrong: names the field)
    ├── PermissionDenied        code="forbidden"    HTTP 403  (the caller may not do this)
    ├── NotFound                code="not_found"    HTTP 404  (no such record, or not visible)
    └── Conflict                code="conflict"     HTTP 409  (the state forbids it: approve twice…)

The API, the pages and the CLI all render them the same way: a message that says what was
wrong, the ``field`` it concerns and ``where`` it was found (a file, sheet and cell; a line).
"""

from __future__ import annotations

__all__ = ["Conflict", "InvalidInput", "NotFound", "PermissionDenied", "VeilleError"]


class VeilleError(Exception):
    """Base class: a message, and optionally the field and place it concerns.

    >>> e = InvalidInput("must be a date (YYYY-MM-DD)", field="value_date", where="row 4")
    >>> str(e)
    'value_date: must be a date (YYYY-MM-DD) (row 4)'
    >>> e.as_dict()["code"]
    'invalid'
    """

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None, where: str | None = None) -> None:
        self.message = message
        self.field = field
        self.where = where
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        return f"{text} ({self.where})" if self.where else text

    def as_dict(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "type": type(self).__name__,
            "message": self.message,
            "field": self.field,
            "where": self.where,
        }


class InvalidInput(VeilleError):
    code = "invalid"
    http_status = 422


class PermissionDenied(VeilleError):
    code = "forbidden"
    http_status = 403


class NotFound(VeilleError):
    code = "not_found"
    http_status = 404


class Conflict(VeilleError):
    code = "conflict"
    http_status = 409
