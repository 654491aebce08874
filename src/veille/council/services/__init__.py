"""Every write of the NATO-Ukraine Council, one module per concept; callers import them from here.

* :mod:`~veille.council.services.records` — meetings, decisions, actions and their evidence, the
  bodies' editors, reminders;
* :mod:`~veille.council.services.imports` — importing the shipped records (``veille import
  training-council``);
* :mod:`~veille.council.services.notifications` — notices the writes above send, and marking them read.

``check_*`` validates input and the caller's rights and raises a named error
(:mod:`veille.council.exceptions`); ``do_*`` performs the change in one transaction and writes the
audit record. Nothing else in the Council's app writes to the database.
"""

from __future__ import annotations

from veille.council.services import notifications
from veille.council.services.imports import import_council
from veille.council.services.records import (
    DecisionData,
    EvidenceData,
    MeetingData,
    check_action,
    check_decision,
    check_evidence,
    check_meeting,
    create_action,
    do_assign_body,
    do_attach_evidence,
    do_record_decision,
    do_record_meeting,
    do_remind,
    do_task_action,
    marking,
    parse_date,
    visible_action,
    visible_meeting,
)

__all__ = [
    "DecisionData",
    "EvidenceData",
    "MeetingData",
    "check_action",
    "check_decision",
    "check_evidence",
    "check_meeting",
    "create_action",
    "do_assign_body",
    "do_attach_evidence",
    "do_record_decision",
    "do_record_meeting",
    "do_remind",
    "do_task_action",
    "import_council",
    "marking",
    "notifications",
    "parse_date",
    "visible_action",
    "visible_meeting",
]
