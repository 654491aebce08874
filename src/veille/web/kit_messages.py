"""The texts of :mod:`veille.kit.forms` (the amount and count fields of every page), declared here for the
shell's French catalogue: ``veille.kit`` is no app and has no catalogue of its own. Each one is the
exact English text of the kit (``tests/kit/test_forms.py`` checks that every one is translated)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

__all__ = ["KIT_MESSAGES"]

KIT_MESSAGES = (
    gettext_noop("In English 1,000.50 or 1000.50; in French 1 000,50 or 1000,50"),
    gettext_noop("%(text)r is not an amount: use the digits 0-9, without underscores"),
    gettext_noop("%(text)r: spaces group the thousands by three"),
    gettext_noop("%(text)r is ambiguous or not an amount: write %(example)s or %(plain)s"),
    gettext_noop("A whole number: in English 1,000 or 1000; in French 1 000 or 1000"),
    gettext_noop("%(text)r is not a whole number"),
)
