"""Errors of the support app.

VeilleError
├── InvalidInput
│   ├── KielFormatError        (veille.support.kiel) the file is not laid out as published
│   ├── UnknownDonors          donor names that match no nation (listed); --allow-unknown imports the rest
│   └── RowsRejected           rows that cannot be read (each with sheet and row); nothing is written
├── PermissionDenied           (veille.core.errors) an import by anyone but a coordinator or an import job
└── Conflict
    └── ReleaseChanged         the same release number was imported from a different file
"""

from __future__ import annotations

from veille.core.errors import Conflict, InvalidInput

__all__ = ["ReleaseChanged", "RowsRejected", "UnknownDonors"]


class UnknownDonors(InvalidInput):
    def __init__(self, names: list[str], where: str) -> None:
        self.names = names
        super().__init__(
            f"{len(names)} donor name(s) match no nation: {', '.join(names)}. Add them to the reference "
            "data, or pass --allow-unknown to import the other rows",
            field="donor",
            where=where,
        )


class RowsRejected(InvalidInput):
    def __init__(self, problems: list[str], where: str) -> None:
        self.problems = problems
        shown = "; ".join(problems[:5]) + (f"; … and {len(problems) - 5} more" if len(problems) > 5 else "")
        super().__init__(f"{len(problems)} row(s) cannot be read, nothing was written: {shown}", where=where)


class ReleaseChanged(Conflict):
    pass
