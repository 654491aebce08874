"""Errors of the nations and access app.

VeilleError
├── InvalidInput
│   └── UnknownNation          a code or name that matches no nation
├── PermissionDenied
│   ├── NotAMember             the user belongs to no nation nor NATO staff
│   └── WrongNation            an editor acting for another nation
└── Conflict
    └── AccountLocked          too many failed logins
"""

from __future__ import annotations

from veille.core.errors import Conflict, InvalidInput, PermissionDenied

__all__ = ["AccountLocked", "NotAMember", "UnknownNation", "WrongNation"]


class UnknownNation(InvalidInput):
    pass


class NotAMember(PermissionDenied):
    pass


class WrongNation(PermissionDenied):
    pass


class AccountLocked(Conflict):
    http_status = 423
