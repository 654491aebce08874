"""Errors of training records. Each names the field it concerns; a refused write writes nothing.

VeilleError
├── InvalidInput
│   ├── BadCohort               a cohort's field is missing or wrong                    field: the field
│   ├── CohortEndsBeforeStart   a cohort ending before it starts                        field: ends_on
│   ├── NegativeCount           a trainee count below zero                              field: trainees
│   └── BadFigure               a row of the training files that cannot be read         field, where
├── PermissionDenied            (recording a cohort without being a coordinator, an editor of the
│                                host nation or of NSATU)
└── NotFound
    └── TrainingNotFound        no such programme or cohort, or not visible
"""

from __future__ import annotations

from veille.core.errors import InvalidInput, NotFound


class BadCohort(InvalidInput):
    pass


class CohortEndsBeforeStart(InvalidInput):
    pass


class NegativeCount(InvalidInput):
    pass


class BadFigure(InvalidInput):
    pass


class TrainingNotFound(NotFound):
    pass


__all__ = [
    "BadCohort",
    "BadFigure",
    "CohortEndsBeforeStart",
    "NegativeCount",
    "TrainingNotFound",
]
