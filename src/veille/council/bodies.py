"""The bodies an action can be tasked to: NATO's bodies for Ukraine, or a nation.

* NSATU (NATO Security Assistance and Training for Ukraine, Wiesbaden) coordinates equipment
  deliveries and training;
* JATEC (Joint Analysis, Training and Education Centre, Bydgoszcz) draws lessons from the war with
  Ukraine and turns them into training;
* the CAP trust fund (Comprehensive Assistance Package) funds non-lethal assistance;
* PURL (Prioritized Ukraine Requirements List) funds US equipment from allies' contributions;
* NATO's International Staff takes what belongs to no other body;
* a nation is named by its ISO 3166 alpha-3 code (``NOR``, ``UKR`` …).

Who edits for a body: a nation's editors for their nation; for a NATO body, editors listed as its
members (:class:`veille.council.models.BodyMember`, assigned by coordinators).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from veille.council.exceptions import UnknownOwner
from veille.nations.models import Nation

NATO_BODIES = {
    "NSATU": _("NSATU, NATO Security Assistance and Training for Ukraine (Wiesbaden)"),
    "JATEC": _("JATEC, NATO-Ukraine Joint Analysis, Training and Education Centre (Bydgoszcz)"),
    "CAP": _("CAP trust fund, Comprehensive Assistance Package for Ukraine"),
    "PURL": _("PURL, Prioritized Ukraine Requirements List"),
    "NATO": _("NATO International Staff"),
}


def is_nato_body(code: str) -> bool:
    return code in NATO_BODIES


def check_owner(value: object) -> str:
    """A body code as stored (``NSATU``, ``NOR``), or :class:`UnknownOwner` naming what is known."""
    code = str(value or "").strip().upper()
    if code in NATO_BODIES:
        return code
    if len(code) == 3 and Nation.objects.filter(code=code).exists():
        return code
    raise UnknownOwner(
        f"{value!r} is no body: use {', '.join(NATO_BODIES)} or a nation's ISO 3166 alpha-3 code",
        field="owner",
    )


def body_label(code: str) -> str:
    """The body's name for pages ("NSATU, …" or the nation's name)."""
    if code in NATO_BODIES:
        return str(NATO_BODIES[code])
    nation = Nation.objects.filter(code=code).only("name", "name_fr").first()
    return nation.display_name if nation else code


def owner_choices() -> list[tuple[str, str]]:
    """NATO's bodies, then the nations by their name in the reader's language ("Allemagne (DEU)")."""
    nations = sorted((n.display_name, n.code) for n in Nation.objects.only("code", "name", "name_fr"))
    return [(c, str(n)) for c, n in NATO_BODIES.items()] + [(c, f"{n} ({c})") for n, c in nations]
