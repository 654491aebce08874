"""Writes of deliveries: shipments against package items (editors of the United States, which
delivers, or coordinators) and their receipt, confirmed by Ukraine's editors only.

Never more of a package item is shipped than the package holds (:class:`OverDelivery`), and only an
item of the package named (:class:`WrongPackage`); a shipment is received once
(:class:`AlreadyReceived`), on or after the day it was shipped, for at most what was shipped
(:class:`OverReceipt`). What is delivered is derived from these quantities
(:mod:`veille.purl.queries`), never stored.

Each delivery is also materiel on the ledger (DESIGN.md §4): the shipment is a *pooled* shipment of
the package (written for the United States, which delivers, and not counted for it), of the item in
its own unit, valued at the item's estimated unit cost with that cost's source; the receipt follows
it. The package's funders' shares of it are derived at report time (:mod:`veille.ledger.pools`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core.errors import InvalidInput
from veille.core.money import Money
from veille.ledger import services as ledger
from veille.ledger.models import LedgerEvent
from veille.nations.access import Actor
from veille.purl.exceptions import AlreadyReceived, OverDelivery, OverReceipt, PurlNotFound, WrongPackage
from veille.purl.models import PackageItem, Shipment
from veille.purl.rights import UKRAINE, UNITED_STATES, require_shipper, require_ukraine_editor
from veille.purl.services import notifications as notify

#: How the ledger names the valuation of a delivery.
VALUATION = "estimated unit cost"


def pool_of(package_id: int) -> str:
    """The ledger's key of a package's pool: the reference its funding and its deliveries carry.

    >>> pool_of(7)
    'purl:package:7'
    """
    return f"purl:package:{package_id}"


def item_label(description: str, unit: str) -> str:
    """What the ledger counts: the item with its unit (counts of different units are never added).

    >>> item_label("155 mm rounds", "rounds")
    '155 mm rounds [rounds]'
    """
    return f"{description} [{unit}]"[:200]


def check_day(value: Any, field: str) -> dt.date:
    """A day given as ``YYYY-MM-DD`` (or a date), not in the future."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidInput(f"{value!r} is not a date (YYYY-MM-DD)", field=field) from None
    if day > timezone.now().date():
        raise InvalidInput("cannot be in the future", field=field)
    return day


def check_quantity(quantity: Any) -> int:
    """How many are shipped: a whole number, 1 or more."""
    try:
        count = int(str(quantity).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"{quantity!r} is not a whole number", field="quantity") from None
    if count < 1:
        raise InvalidInput("must be 1 or more", field="quantity")
    return count


def _package_item(actor: Actor, package_item_id: Any) -> PackageItem:
    try:
        pi = PackageItem.objects.select_for_update().filter(pk=int(package_item_id)).first()
    except (TypeError, ValueError):
        pi = None
    if pi is None or not (actor.system or pi.package.is_visible_to(actor.user)):
        raise PurlNotFound(f"no package item {package_item_id!r} that you can see", field="package_item")
    return pi


def check_shipment(
    actor: Actor, package_item_id: Any, quantity: Any, hub: str, shipped_on: Any, package: Any = None
) -> dict[str, Any]:
    """Rights, the item (of ``package``, when named), the quantity left to ship, the hub and the day."""
    require_shipper(actor)
    pi = _package_item(actor, package_item_id)
    if package not in (None, "") and str(pi.package_id) != str(package).strip():
        raise WrongPackage(
            f"package item {pi.pk} ({pi.item.description}) is in {pi.package.name}, not in package "
            f"{package}; ship it from its own package",
            field="package_item",
        )
    count = check_quantity(quantity)
    shipped = int(pi.shipments.aggregate(q=Sum("quantity"))["q"] or 0)
    if shipped + count > pi.quantity:
        raise OverDelivery(
            f"the package holds {pi.quantity} and {shipped} were shipped; {count} more would exceed it",
            field="quantity",
        )
    hub = (hub or "").strip()
    if not hub or len(hub) > 120:
        raise InvalidInput("name the hub (1 to 120 characters)", field="hub")
    return {
        "package_item": pi,
        "quantity": count,
        "hub": hub,
        "shipped_on": check_day(shipped_on, "shipped_on"),
    }


def _materiel(pi: PackageItem, quantity: int, day: dt.date, what: str) -> ledger.NewEvent:
    """A delivery of ``pi`` as the ledger records it (valued at the item's estimated unit cost)."""
    package, item = pi.package, pi.item
    return ledger.NewEvent(
        party=UNITED_STATES,
        counterparty=UKRAINE,
        counterparty_name=package.name[:200],
        # The value is the estimate of the list the item came from: its month is the value date.
        value_date=item.requirement_list.month,
        effective_at=dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC),
        item=item_label(item.description, item.unit),
        quantity=quantity,
        amount=Money(pi.unit_cost_usd * quantity, "USD"),
        currency="USD",
        valuation_method=VALUATION,
        sources=[item.cost_source, f"PURL {package.name}: {what}"],
        releasable_to=package.releasable_to,
        releasable_nations=package.releasable_nation_codes,
        synthetic=package.synthetic,
    )


def _post_shipment(actor: Actor, shipment: Shipment) -> LedgerEvent:
    pi = shipment.package_item
    data = _materiel(pi, shipment.quantity, shipment.shipped_on, f"shipment {shipment.pk} via {shipment.hub}")
    data.pool = pool_of(pi.package_id)
    data.reference = data.pool
    data.synthetic = data.synthetic or shipment.synthetic
    event = ledger.do_ship(actor, data)
    shipment.ledger_event = event
    shipment.save(update_fields=["ledger_event"])
    return event


def do_ship(
    actor: Actor,
    package_item_id: Any,
    quantity: Any,
    hub: str,
    shipped_on: Any,
    synthetic: bool = False,
    package: Any = None,
) -> Shipment:
    """Record a shipment and post it to the ledger as the package's pooled materiel."""
    with transaction.atomic():
        values = check_shipment(actor, package_item_id, quantity, hub, shipped_on, package)
        shipment = Shipment.objects.create(
            **values, recorded_at=timezone.now(), recorded_by=actor.label, synthetic=synthetic
        )
        event = _post_shipment(actor, shipment)
        do_audit(actor, "purl.ship", shipment, after={**(snapshot(shipment) or {}), "ledger_event": event.pk})
        notify.shipment_sent(actor, shipment)
        return shipment


def check_receipt(
    actor: Actor, shipment_id: Any, received_on: Any, quantity: Any = None, note: str = ""
) -> tuple[Shipment, dt.date, int]:
    """Ukraine's editor, a visible shipment not received yet, a day on or after it left, and how
    many arrived: all by default, never more than were shipped; fewer only with a note saying why."""
    require_ukraine_editor(actor, "confirm receipt of deliveries")
    try:
        shipment = Shipment.objects.select_for_update().filter(pk=int(shipment_id)).first()
    except (TypeError, ValueError):
        shipment = None
    if shipment is None or not (actor.system or shipment.package_item.package.is_visible_to(actor.user)):
        raise PurlNotFound(f"no shipment {shipment_id!r} that you can see", field="shipment")
    if shipment.received_on is not None:
        raise AlreadyReceived(
            f"shipment {shipment.pk} was received on {shipment.received_on.isoformat()} "
            f"by {shipment.received_by}",
            field="shipment",
        )
    day = check_day(received_on, "received_on")
    if day < shipment.shipped_on:
        raise InvalidInput(
            f"is before the shipment left ({shipment.shipped_on.isoformat()})", field="received_on"
        )
    count = shipment.quantity if quantity in (None, "") else check_quantity(quantity)
    if count > shipment.quantity:
        raise OverReceipt(
            f"shipment {shipment.pk} carried {shipment.quantity} {shipment.package_item.item.unit}; "
            f"a receipt of {count} would be more than was shipped",
            field="quantity",
        )
    if count < shipment.quantity and not (note or "").strip():
        raise InvalidInput(
            f"{shipment.quantity - count} of {shipment.quantity} did not arrive: say why in the note",
            field="note",
        )
    return shipment, day, count


def do_receive(
    actor: Actor, shipment_id: Any, received_on: Any, note: str = "", quantity: Any = None
) -> Shipment:
    """Ukraine confirms what arrived; the ledger's receipt follows the shipment's materiel event."""
    with transaction.atomic():
        shipment, day, count = check_receipt(actor, shipment_id, received_on, quantity, note)
        if shipment.ledger_event is None:
            # Shipped before deliveries were posted to the ledger: post it now, as the process that does.
            _post_shipment(Actor.system_process("purl:deliveries"), shipment)
        pi = shipment.package_item
        data = _materiel(pi, count, day, f"receipt of shipment {shipment.pk}")
        data.parent = shipment.ledger_event.pk if shipment.ledger_event else None
        data.note = (note or "").strip()
        data.amount = Money(pi.unit_cost_usd * Decimal(count), "USD")
        event = ledger.do_receive(actor, data)
        shipment.received_on = day
        shipment.received_at = timezone.now()
        shipment.received_by = actor.label
        shipment.receipt_note = (note or "").strip()
        shipment.received_quantity = count
        shipment.receipt_event = event
        shipment.save(
            update_fields=[
                "received_on",
                "received_at",
                "received_by",
                "receipt_note",
                "received_quantity",
                "receipt_event",
            ]
        )
        do_audit(
            actor, "purl.receive", shipment, after={**(snapshot(shipment) or {}), "ledger_event": event.pk}
        )
        notify.shipment_received(actor, shipment)
        return shipment


__all__ = [
    "VALUATION",
    "check_day",
    "check_quantity",
    "check_receipt",
    "check_shipment",
    "do_receive",
    "do_ship",
    "item_label",
    "pool_of",
]
