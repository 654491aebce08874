"""Every write of training, one module per concept; callers import them from here.

* :mod:`~veille.training.services.records` — cohorts recorded by the providers' editors;
* :mod:`~veille.training.services.imports` — importing the shipped programmes, hosts and stated figures.

``check_*`` validates input and the caller's rights and raises a named error
(:mod:`veille.training.exceptions`); ``do_*`` performs the change in one transaction and writes the
audit record. Nothing else in training writes to the database.
"""

from __future__ import annotations

from veille.training.services.imports import import_training
from veille.training.services.records import check_cohort, do_record_cohort, may_record_cohort

__all__ = ["check_cohort", "do_record_cohort", "import_training", "may_record_cohort"]
