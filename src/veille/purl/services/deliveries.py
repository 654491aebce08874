"""Writes of deliveries: shipments against package items (editors of the United States, which
delivers, or coordinators) and their receipt, confirmed by Ukraine's editors only.

Never more of a package item is shipped than the package holds (:class:`OverDelivery`); a
shipment is received once (:class:`AlreadyReceived`), on or after the day it was shipped. What is
delivered is derived from these quantities (:mod:`veille.purl.queries`), never stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core.errors import InvalidInput
from veille.nations.access import Actor
from veille.purl.exceptions import AlreadyReceived, OverDelivery, PurlNotFound
from veille.purl.models import PackageItem, Shipment
from veille.purl.rights import require_shipper, require_ukraine_editor
from veille.purl.services import notifications as notify


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
    actor: Actor, package_item_id: Any, quantity: Any, hub: str, shipped_on: Any
) -> dict[str, Any]:
    require_shipper(actor)
    pi = _package_item(actor, package_item_id)
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


def do_ship(
    actor: Actor, package_item_id: Any, quantity: Any, hub: str, shipped_on: Any, synthetic: bool = False
) -> Shipment:
    with transaction.atomic():
        values = check_shipment(actor, package_item_id, quantity, hub, shipped_on)
        shipment = Shipment.objects.create(
            **values, recorded_at=timezone.now(), recorded_by=actor.label, synthetic=synthetic
        )
        do_audit(actor, "purl.ship", shipment, after=snapshot(shipment))
        notify.shipment_sent(actor, shipment)
        return shipment


def check_receipt(actor: Actor, shipment_id: Any, received_on: Any) -> tuple[Shipment, dt.date]:
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
    return shipment, day


def do_receive(actor: Actor, shipment_id: Any, received_on: Any, note: str = "") -> Shipment:
    with transaction.atomic():
        shipment, day = check_receipt(actor, shipment_id, received_on)
        shipment.received_on = day
        shipment.received_at = timezone.now()
        shipment.received_by = actor.label
        shipment.receipt_note = (note or "").strip()
        shipment.save(update_fields=["received_on", "received_at", "received_by", "receipt_note"])
        do_audit(actor, "purl.receive", shipment, after=snapshot(shipment))
        notify.shipment_received(actor, shipment)
        return shipment


__all__ = [
    "check_day",
    "check_quantity",
    "check_receipt",
    "check_shipment",
    "do_receive",
    "do_ship",
]
