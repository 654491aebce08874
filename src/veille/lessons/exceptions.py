"""Errors of lessons learned. Each names the field it concerns; a refused write writes nothing.

VeilleError
├── InvalidInput
│   ├── BadObservation      an observation's field is missing or wrong             field: the field
│   ├── BadLesson           a lesson's or summary's field is missing or wrong       field: the field
│   ├── UnknownDomain       a tag that is not one of the domains                    field: domains
│   └── UnknownStep         a step that the cycle does not have                     field: step
├── PermissionDenied
│   └── WrongRole           a step taken by someone not of the role that takes it   field: step
├── NotFound
│   └── LessonNotFound      no such observation or lesson, or not visible
└── Conflict
    ├── SkippedStep         a step whose earlier steps were not taken               field: step
    ├── AlreadyTaken        a step taken already                                    field: step
    └── ActionNotDone       implementing while the remedial action is not done      field: action
"""

from __future__ import annotations

from veille.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class BadObservation(InvalidInput):
    pass


class BadLesson(InvalidInput):
    pass


class UnknownDomain(InvalidInput):
    pass


class UnknownStep(InvalidInput):
    pass


class WrongRole(PermissionDenied):
    pass


class LessonNotFound(NotFound):
    pass


class SkippedStep(Conflict):
    pass


class AlreadyTaken(Conflict):
    pass


class ActionNotDone(Conflict):
    pass


__all__ = [
    "ActionNotDone",
    "AlreadyTaken",
    "BadLesson",
    "BadObservation",
    "LessonNotFound",
    "SkippedStep",
    "UnknownDomain",
    "UnknownStep",
    "WrongRole",
]
