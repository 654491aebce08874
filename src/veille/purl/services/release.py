"""Releasing a package's funding to its recipient.

The contributions to a package are releasable to NATO (or to listed nations): Ukraine, the
recipient, is not an ally and sees none of them, so its users would read a funded package as
unfunded. A coordinator may release the package's *total* funding to the recipient (the package's
owner nation): its users then see the total counted, the coverage and whether it is fully funded,
never who gave what (each contribution keeps its own releasability). The release can be withdrawn.
Both are audited, and the recipient's editors are told.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from veille.audit.services import do_audit
from veille.core.errors import InvalidInput
from veille.nations.access import Actor, require_coordinator
from veille.notices import services as notices
from veille.purl.exceptions import ReleaseUnchanged
from veille.purl.models import Package
from veille.purl.services import notifications as notify
from veille.purl.services.funding import get_package


def check_release_funding(actor: Actor, package: Package, release: bool) -> None:
    """Coordinators only; the package has a recipient; the release changes something."""
    require_coordinator(actor, "release a package's funding to its recipient")
    if not package.owner_nation_id:
        raise InvalidInput("the package names no recipient to release its funding to", field="package")
    if release and package.funding_released_at is not None:
        raise ReleaseUnchanged(
            f"the funding of {package.name} was released to {package.owner_nation_id} on "
            f"{package.funding_released_at:%Y-%m-%d} by {package.funding_released_by}",
            field="release",
        )
    if not release and package.funding_released_at is None:
        raise ReleaseUnchanged(
            f"the funding of {package.name} is not released to {package.owner_nation_id}", field="release"
        )


def do_release_funding(actor: Actor, package_id: Any, release: bool = True, note: str = "") -> Package:
    """Release (or, ``release=False``, withhold again) the package's total funding to its recipient."""
    with transaction.atomic():
        package = get_package(actor, package_id, lock=True)
        check_release_funding(actor, package, release)
        before = {
            "funding_released_at": package.funding_released_at,
            "funding_released_by": package.funding_released_by,
        }
        package.funding_released_at = timezone.now() if release else None
        package.funding_released_by = actor.label if release else ""
        package.save(update_fields=["funding_released_at", "funding_released_by"])
        do_audit(
            actor,
            "purl.package.release_funding" if release else "purl.package.withhold_funding",
            package,
            before=before,
            after={
                "funding_released_at": package.funding_released_at,
                "funding_released_by": package.funding_released_by,
                "recipient": package.owner_nation_id,
            },
            note=(note or "").strip(),
        )
        if release:
            notify.funding_released(actor, package)
        else:
            notices.do_clear(actor, f"purl:package:{package.pk}:released")
        return package


__all__ = [
    "check_release_funding",
    "do_release_funding",
]
