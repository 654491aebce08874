"""Errors of the nations and access app.

VeilleError
├── InvalidInput
│   ├── UnknownNation          a code or name that matches no nation
│   └── WeakPassword           a password too short, common, or the demo's published one
├── PermissionDenied
│   ├── NotAMember             the user belongs to no nation nor NATO staff
│   ├── WrongNation            an editor acting for another nation
│   └── GrantRefused           a grant above the granter's own rank, or to oneself
├── NotFound
│   └── UnknownInvitation      a link that no invitation has
└── Conflict
    ├── AccountLocked          too many failed logins
    ├── UserExists             a user name taken by someone who is not what was asked
    ├── InvitationUsed         an invitation's link used a second time
    ├── InvitationExpired      an invitation's link used after it expired
    └── InvitationCancelled    an invitation's link used after a coordinator cancelled it
"""

from __future__ import annotations

from veille.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

__all__ = [
    "AccountLocked",
    "GrantRefused",
    "InvitationCancelled",
    "InvitationExpired",
    "InvitationUsed",
    "NotAMember",
    "UnknownInvitation",
    "UnknownNation",
    "UserExists",
    "WeakPassword",
    "WrongNation",
]


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


class GrantRefused(PermissionDenied):
    pass


class UnknownInvitation(NotFound):
    pass


class InvitationUsed(Conflict):
    http_status = 410


class InvitationExpired(Conflict):
    http_status = 410


class InvitationCancelled(Conflict):
    http_status = 410
