"""Errors of the shell's own work: backups and restores.

VeilleError
├── InvalidInput
│   └── ArchiveRefused         a restore archive that is damaged, foreign, from a newer schema or
│                              another kind of database, or an instance that is not empty
└── Conflict
    └── BackupFailed           a snapshot that could not be taken (pg_dump missing or failing…)
"""

from __future__ import annotations

from veille.core.errors import Conflict, InvalidInput

__all__ = ["ArchiveRefused", "BackupFailed"]


class ArchiveRefused(InvalidInput):
    pass


class BackupFailed(Conflict):
    pass
