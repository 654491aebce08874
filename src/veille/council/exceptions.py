"""Errors of the NATO-Ukraine Council's records. Each names the field it concerns; a refused write
writes nothing.

VeilleError
├── InvalidInput
│   ├── BeforeCouncil        a meeting dated before the Council existed (12 July 2023)   field: date
│   ├── BadMeeting           a meeting's field is missing or wrong                      field: the field
│   ├── BadDecision          a decision's field is missing or wrong                     field: the field
│   ├── BadAction            an action's title or due date is missing or wrong          field: the field
│   ├── UnknownOwner         an owner that is neither a NATO body nor a nation          field: owner
│   ├── BadEvidence          evidence with nothing in it, dated in the future, a bad link field: the field
│   ├── NotEvidence          a record type that no app offers as evidence              field: record_type
│   └── BadRow               a row of the shipped files that cannot be read             where: file, row
├── PermissionDenied
│   └── WrongOwner           evidence for an action of another owner than the actor's   field: action
├── NotFound
│   └── CouncilNotFound      no such meeting, decision, action or record, or not visible
└── Conflict
    └── DuplicateMeeting     a meeting with that key (one a day) exists already          field: date
"""

from __future__ import annotations

from veille.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class BeforeCouncil(InvalidInput):
    pass


class BadMeeting(InvalidInput):
    pass


class BadDecision(InvalidInput):
    pass


class BadAction(InvalidInput):
    pass


class UnknownOwner(InvalidInput):
    pass


class BadEvidence(InvalidInput):
    pass


class NotEvidence(InvalidInput):
    pass


class BadRow(InvalidInput):
    pass


class WrongOwner(PermissionDenied):
    pass


class CouncilNotFound(NotFound):
    pass


class DuplicateMeeting(Conflict):
    pass


__all__ = [
    "BadAction",
    "BadDecision",
    "BadEvidence",
    "BadMeeting",
    "BadRow",
    "BeforeCouncil",
    "CouncilNotFound",
    "DuplicateMeeting",
    "NotEvidence",
    "UnknownOwner",
    "WrongOwner",
]
