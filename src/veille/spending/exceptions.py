"""Errors of the spending app (no Django here: the workbook readers raise them too).

VeilleError
├── InvalidInput
│   ├── WorkbookLayoutError    a table, section or header is missing or changed: names the sheet
│   │                          and what was expected; nothing is written
│   ├── UnreadableNumber       a data cell holds something that is not a number: names sheet and cell
│   └── InvalidPlan            a national plan with a wrong year or share (names the field)
├── PermissionDenied           (nations.WrongNation: an editor recording another nation's plan; an
│                              import by anyone but a coordinator or an import job)
└── NotFound
    └── NoSuchAlly             no ally with that code, or no figures for it
"""

from __future__ import annotations

from veille.core.errors import InvalidInput, NotFound

__all__ = ["InvalidPlan", "NoSuchAlly", "UnreadableNumber", "WorkbookLayoutError"]


class WorkbookLayoutError(InvalidInput):
    pass


class UnreadableNumber(InvalidInput):
    pass


class InvalidPlan(InvalidInput):
    pass


class NoSuchAlly(NotFound):
    pass
