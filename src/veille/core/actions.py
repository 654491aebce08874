"""What an action's status is, derived from its due date and its evidence; partial dates.

An action is never marked done by hand. Its status follows from what was recorded against it:

* **done**: a piece of evidence that says it completes the action, dated on or before the day asked
  about (the earliest such day is when it was done; *late* when that is after the due date);
* **overdue**: not done, and the due date has passed;
* **in progress**: not done, not overdue, with some evidence already;
* **open**: nothing recorded yet, and not overdue.

Evidence dated after the day asked about does not count, so the status "as of" any past day is the
one veille showed then.

>>> day = dt.date
>>> derive_status(day(2025, 3, 1), [], today=day(2025, 2, 1)).status
'open'
>>> derive_status(day(2025, 3, 1), [(day(2025, 2, 10), False)], today=day(2025, 2, 20)).status
'in_progress'
>>> derive_status(day(2025, 3, 1), [(day(2025, 2, 10), False)], today=day(2025, 3, 2)).status
'overdue'
>>> s = derive_status(day(2025, 3, 1), [(day(2025, 3, 5), True)], today=day(2025, 4, 1))
>>> s.status, s.done_on, s.late
('done', datetime.date(2025, 3, 5), True)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

OPEN, IN_PROGRESS, DONE, OVERDUE = "open", "in_progress", "done", "overdue"
STATUSES = (OPEN, IN_PROGRESS, DONE, OVERDUE)
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class ActionStatus:
    status: str
    done_on: dt.date | None = None
    late: bool = False
    days_left: int | None = None  # until the due date (negative once passed); None without a due date

    @property
    def due_soon(self) -> bool:
        """Not done, and due within :data:`DUE_SOON_DAYS` days (today included).

        >>> ActionStatus(OPEN, days_left=7).due_soon, ActionStatus(OPEN, days_left=8).due_soon
        (True, False)
        >>> ActionStatus(DONE, days_left=1).due_soon
        False
        """
        return (
            self.status in (OPEN, IN_PROGRESS)
            and self.days_left is not None
            and 0 <= self.days_left <= DUE_SOON_DAYS
        )


def derive_status(
    due: dt.date | None, evidence: Iterable[tuple[dt.date, bool]], *, today: dt.date
) -> ActionStatus:
    """The status on ``today`` of an action due on ``due`` with ``evidence`` as (day, completes)."""
    counted = [(d, completes) for d, completes in evidence if d <= today]
    days_left = (due - today).days if due is not None else None
    completions = [d for d, completes in counted if completes]
    if completions:
        done_on = min(completions)
        return ActionStatus(DONE, done_on, due is not None and done_on > due, days_left)
    if due is not None and today > due:
        return ActionStatus(OVERDUE, None, False, days_left)
    return ActionStatus(IN_PROGRESS if counted else OPEN, None, False, days_left)


# --- partial dates ------------------------------------------------------------------------------

DAY, MONTH, YEAR = "day", "month", "year"
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, the month or the year only, as public sources give them.

    ``start`` is the first day the date can mean; ``label`` writes it back as given.

    >>> PartialDate.parse("2024-09")
    PartialDate(start=datetime.date(2024, 9, 1), precision='month')
    >>> PartialDate.parse("2025").label, PartialDate.parse("2025-02-17").label
    ('2025', '2025-02-17')
    >>> PartialDate.parse("2024-13")
    Traceback (most recent call last):
    ...
    ValueError: '2024-13' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)
    """

    start: dt.date
    precision: str = DAY

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        m = _PARTIAL.match(text.strip())
        try:
            if m is None:
                raise ValueError
            year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
            start = dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None
        return cls(start, DAY if m[3] else MONTH if m[2] else YEAR)

    @property
    def label(self) -> str:
        if self.precision == YEAR:
            return f"{self.start:%Y}"
        if self.precision == MONTH:
            return f"{self.start:%Y-%m}"
        return self.start.isoformat()


def age_days(since: dt.date, today: dt.date) -> int:
    """Whole days from ``since`` to ``today`` (0 on the same day, never negative).

    >>> age_days(dt.date(2025, 1, 1), dt.date(2025, 3, 1))
    59
    """
    return max(0, (today - since).days)


__all__ = [
    "ActionStatus",
    "PartialDate",
    "age_days",
    "derive_status",
]
