"""Errors of notices. A mechanism that raises a notice with a bad key or text gets one of these;
nothing is written.

VeilleError
└── InvalidInput
    └── BadNotice               a key, title, subject or address that cannot be a notice  field: it
"""

from __future__ import annotations

from veille.core.errors import InvalidInput

__all__ = ["BadNotice"]


class BadNotice(InvalidInput):
    """A notice's key, title, subject or address is missing or too long."""
