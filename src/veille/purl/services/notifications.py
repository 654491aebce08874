"""PURL's notices, on the shared facility :mod:`veille.notices`: who must act at each step of the
workflow, and who should know. PURL's services call these inside their own transaction, after the
state has moved; each clears what was awaited and raises what is awaited now.

========================================  ==========================================  ============
key                                       raised for                                  cleared when
========================================  ==========================================  ============
``purl:list:<id>:decision``               the users of the step the list awaits       the step is
                                          (coordinators for NATO, US editors, or       taken
                                          Ukraine's editors for a returned list)
``purl:list:<id>:approved``               Ukraine's editors (news)                    read
``purl:shipment:<id>:receipt``            Ukraine's editors                           received
``purl:shipment:<id>:received``           coordinators, US editors, contributors      read
``purl:package:<id>:funded``              coordinators, contributors (and the         read
                                          recipient once its funding is released)
``purl:package:<id>:released``            the recipient's editors (news)              read
========================================  ==========================================  ============

Only users who may see the list or package are told.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from veille.nations.access import Actor
from veille.nations.queries import coordinators, editors_of
from veille.notices import services as notices
from veille.purl import workflow
from veille.purl.models import Contribution, FundingEvent, Package, RequirementList, Shipment

APP = "purl"
AWAITING = gettext_noop("A list awaits your approval")
RETURNED = gettext_noop("A list was returned to you")
APPROVED = gettext_noop("Your list was approved")
SHIPPED = gettext_noop("A shipment awaits your receipt")
RECEIVED = gettext_noop("A delivery was received")
FUNDED = gettext_noop("A package is fully funded")
RELEASED = gettext_noop("The funding of a package was released to you")


def list_moved(actor: Actor, lst: RequirementList) -> None:
    """A list changed state (a decision, an amendment): the awaited decision is taken; tell whoever
    must take the next one, or Ukraine that its list is approved."""
    key = f"purl:list:{lst.pk}:decision"
    url = f"/purl/lists/{lst.pk}/"
    notices.do_clear(actor, key)
    step = workflow.current_step(lst.state)
    common: dict[str, Any] = {"app": APP, "subject": lst.title, "url": url, "visible": lst}
    if lst.state == workflow.RETURNED:
        notices.do_raise(
            actor, key, editors_of("UKR"), kind="returned", title=RETURNED, action=True, **common
        )
    elif lst.state == workflow.APPROVED:
        notices.do_raise(
            actor,
            f"purl:list:{lst.pk}:approved",
            editors_of("UKR"),
            kind="approved",
            title=APPROVED,
            **common,
        )
    elif step in ("NATO", "USA"):
        users = coordinators() if step == "NATO" else editors_of("USA")
        notices.do_raise(actor, key, users, kind="awaiting", title=AWAITING, action=True, **common)


def shipment_sent(actor: Actor, shipment: Shipment) -> None:
    """Ukraine's editors must confirm receipt."""
    package = shipment.package_item.package
    notices.do_raise(
        actor,
        f"purl:shipment:{shipment.pk}:receipt",
        editors_of("UKR"),
        app=APP,
        kind="shipment",
        title=SHIPPED,
        subject=f"{package.name}: {shipment.quantity} × {shipment.package_item.item.description}",  # noqa: RUF001
        url=f"/purl/shipments/{shipment.pk}/receive/",
        action=True,
        visible=package,
    )


def shipment_received(actor: Actor, shipment: Shipment) -> None:
    """The receipt awaited is confirmed; coordinators, the United States and the contributors learn it."""
    package = shipment.package_item.package
    notices.do_clear(actor, f"purl:shipment:{shipment.pk}:receipt")
    notices.do_raise(
        actor,
        f"purl:shipment:{shipment.pk}:received",
        coordinators() + editors_of("USA", *contributors(package)),
        app=APP,
        kind="received",
        title=RECEIVED,
        subject=f"{package.name}: {shipment.received} × {shipment.package_item.item.description}",  # noqa: RUF001
        url=f"/purl/packages/{package.pk}/",
        visible=package,
    )


def package_funded(actor: Actor, package: Package) -> None:
    """A package became fully funded: coordinators and its contributors learn it, and the
    recipient too once the funding is released to it."""
    users = coordinators() + editors_of(*contributors(package))
    if package.funding_released_at is not None and package.owner_nation_id:
        users += editors_of(package.owner_nation_id)
    notices.do_raise(
        actor,
        f"purl:package:{package.pk}:funded",
        users,
        app=APP,
        kind="funded",
        title=FUNDED,
        subject=package.name,
        url=f"/purl/packages/{package.pk}/",
        visible=package,
    )


def funding_released(actor: Actor, package: Package) -> None:
    """The recipient's editors learn they may now see the package's funding."""
    if not package.owner_nation_id:
        return
    notices.do_raise(
        actor,
        f"purl:package:{package.pk}:released",
        editors_of(package.owner_nation_id),
        app=APP,
        kind="released",
        title=RELEASED,
        subject=package.name,
        url=f"/purl/packages/{package.pk}/",
        visible=package,
    )


def contributors(package: Package) -> set[str]:
    """The nations that pledged, committed or allocated to ``package``."""
    nations: set[Any] = set(Contribution.objects.filter(package=package).values_list("nation_id", flat=True))
    nations |= set(
        FundingEvent.objects.filter(package=package).values_list("contribution__nation_id", flat=True)
    )
    return {n for n in nations if n}


def do_mark_read(actor: Actor) -> int:
    """The user marks every PURL notice of theirs read; returns how many were unread (audited)."""
    return notices.do_mark_read(actor, app=APP)


__all__ = [
    "contributors",
    "do_mark_read",
    "funding_released",
    "list_moved",
    "package_funded",
    "shipment_received",
    "shipment_sent",
]
