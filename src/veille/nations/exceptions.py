"""Errors of the nations and access app.

VeilleError
├── InvalidInput
│   ├── UnknownNation          a code or name that matches no nation
│   └── WeakPassword           a password too short, common, or the demo's published one
├── PermissionDenied
│   ├── NotAMember             the user belongs to no nation nor NATO staff
│   └── WrongNation            an editor acting for another nation
└── Conflict
    ├── AccountLocked          too many failed logins
    └── UserExists             a user name taken by someone who is not what was asked
"""

from __future__ import annotations

from veille.core.errors import Conflict, InvalidInput, PermissionDenied

__all__ = ["AccountLocked", "NotAMember", "UnknownNation", "UserExists", "WeakPassword", "WrongNation"]


class UnknownNation(InvalidInput):
    pass


class WeakPassword(InvalidInput):
    pass


class NotAMember(PermissionDenied):
    pass


class WrongNation(PermissionDenied):
    pass


class AccountLocked(Conflict):
    http_status = 423


class UserExists(Conflict):
    pass
