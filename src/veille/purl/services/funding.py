"""Writes of packages and contributions. The money is the ledger's: a pledge, a commitment (drawn
from the pledge when there is one) or a coordinator's allocation of a general contribution to a
package is a ledger event written by :mod:`veille.ledger.services`, in the nation's own currency,
and linked here by a :class:`~veille.purl.models.FundingEvent`. The ledger keeps its invariants:
a commitment never exceeds its pledge (raise the pledge with :func:`do_amend_pledge` first), an
allocation never exceeds its commitment, nothing is counted twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core.errors import InvalidInput
from veille.core.money import Money
from veille.ledger import services as ledger
from veille.ledger.models import LedgerEvent
from veille.nations.access import (
    Actor,
    Releasability,
    describe_releasability,
    encode_nations,
    releasable_within,
    require_coordinator,
    require_editor_for,
    validate_releasability,
)
from veille.purl import workflow
from veille.purl.exceptions import ItemNotApproved, PurlNotFound, QuantityTaken
from veille.purl.models import (
    Contribution,
    FundingEvent,
    Origin,
    Package,
    PackageItem,
    PackageVersion,
    RequirementItem,
    Role,
)
from veille.purl.services import notifications as notify
from veille.purl.services.duplicates import check_duplicate
from veille.purl.services.lists import check_reason

RECIPIENT = "UKR"


# --- packages -----------------------------------------------------------------------------------


def get_package(actor: Actor, package_id: Any, *, lock: bool = False) -> Package:
    qs = Package.objects.all()
    if actor.system is None:
        qs = qs.visible_to(actor.user)
    if lock:
        qs = qs.select_for_update()
    try:
        found = qs.filter(pk=int(package_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise PurlNotFound(f"no package {package_id!r} that you can see", field="package")
    return found


def check_usd(value: Any, field_name: str) -> Decimal | None:
    """An amount in USD given as text or a Decimal (empty: ``None``), more than zero."""
    if value in (None, ""):
        return None
    if isinstance(value, float):
        raise InvalidInput("write the amount as text or a Decimal, never a float", field=field_name)
    money = Money.parse(str(value), "USD", field=field_name)
    if money.amount <= 0:
        raise InvalidInput("must be more than zero", field=field_name)
    return money.amount


def _composition(package: Package) -> tuple[list[dict[str, Any]], Decimal]:
    rows = [
        {
            "item": pi.item_id,
            "description": pi.item.description,
            "quantity": pi.quantity,
            "unit_cost_usd": str(pi.unit_cost_usd),
        }
        for pi in package.items.select_related("item")
    ]
    value = sum((pi.unit_cost_usd * pi.quantity for pi in package.items.all()), Decimal(0))
    return rows, value


def _version(actor: Actor, package: Package, reason: str) -> PackageVersion:
    rows, value = _composition(package)
    return PackageVersion.objects.create(
        package=package,
        version=package.version,
        value_usd=value,
        target_usd=package.target_usd,
        composition=rows,
        reason=reason[:300],
        at=timezone.now(),
        by=actor.label,
    )


def check_package(
    actor: Actor, items: dict[Any, Any], package: Package | None = None
) -> list[tuple[RequirementItem, int]]:
    """``items``: {item id: quantity}; a quantity of 0 takes the item out of ``package``. Only items
    of approved lists, and never more of an item than its lists leaves to packages."""
    require_coordinator(actor, "compose packages")
    out = []
    for raw_id, raw_qty in items.items():
        try:
            item_id, quantity = int(raw_id), int(str(raw_qty).strip() or 0)
        except (TypeError, ValueError):
            raise InvalidInput(f"{raw_qty!r} is not a whole number", field="quantity") from None
        if quantity < 0:
            raise InvalidInput("must be 0 or more", field="quantity")
        item = (
            RequirementItem.objects.select_for_update()
            .select_related("requirement_list")
            .filter(pk=item_id)
            .first()
        )
        if item is None:
            raise PurlNotFound(f"no item {raw_id!r}", field="item")
        if item.requirement_list.state != workflow.APPROVED or not item.active:
            raise ItemNotApproved(
                f"“{item.description}” is on a list that is "
                f"{item.requirement_list.get_state_display().lower()}; "
                "only items of approved lists are packaged",
                field="item",
            )
        taken = PackageItem.objects.filter(item=item)
        if package is not None:
            taken = taken.exclude(package=package)
        left = item.quantity - int(taken.aggregate(q=Sum("quantity"))["q"] or 0)
        if quantity > left:
            raise QuantityTaken(
                f"only {left} {item.unit} of “{item.description}” are left for packages; {quantity} asked",
                field="quantity",
            )
        if package is not None:
            current = package.items.filter(item=item).first()
            shipped = int(current.shipments.aggregate(q=Sum("quantity"))["q"] or 0) if current else 0
            if quantity < shipped:
                raise QuantityTaken(
                    f"{shipped} were shipped already; the package cannot hold fewer", field="quantity"
                )
        out.append((item, quantity))
    return out


def check_package_releasability(
    releasable_to: str, nations: str, owner: str | None, items: Sequence[RequirementItem]
) -> None:
    """A package is never more releasable than any list its items come from: a reader of the package
    must be a reader of each of those lists."""
    for lst in {item.requirement_list_id: item.requirement_list for item in items}.values():
        if not releasable_within(releasable_to, nations, owner, lst):
            raise InvalidInput(
                f"the package would be releasable to more readers than the list “{lst.title}” its items "
                f"come from (releasable to {describe_releasability(lst)}): make the package releasable to "
                "those readers or fewer",
                field="releasable_to",
            )


def do_create_package(
    actor: Actor,
    name: str,
    items: dict[Any, Any],
    target_usd: Any = None,
    releasable_to: str = Releasability.NATO,
    nations: Sequence[str] = (),
    synthetic: bool = False,
) -> Package:
    """A package composed of approved items; its target defaults to its value."""
    require_coordinator(actor, "compose packages")
    with transaction.atomic():
        if not items:
            raise InvalidInput("choose at least one approved item", field="items")
        chosen = [(i, q) for i, q in check_package(actor, items) if q > 0]
        if not chosen:
            raise InvalidInput("choose at least one approved item with a quantity", field="items")
        releasable, encoded = validate_releasability(releasable_to, nations)
        check_package_releasability(releasable, encoded, RECIPIENT, [i for i, _ in chosen])
        number = (Package.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        name = (name or "").strip()[:200] or f"PURL package {number}"
        if Package.objects.filter(name=name).exists():
            raise InvalidInput(f"a package is called {name!r} already", field="name")
        package = Package.objects.create(
            number=number,
            name=name,
            origin=Origin.WORKFLOW,
            target_usd=check_usd(target_usd, "target_usd"),
            releasable_to=releasable,
            releasable_nations=encoded,
            owner_nation_id=RECIPIENT,
            synthetic=synthetic,
            created_at=timezone.now(),
        )
        for item, quantity in chosen:
            PackageItem.objects.create(
                package=package, item=item, quantity=quantity, unit_cost_usd=item.unit_cost_usd
            )
        if package.target_usd is None:
            package.target_usd = _composition(package)[1]
            package.save(update_fields=["target_usd"])
        version = _version(actor, package, "composed")
        do_audit(
            actor,
            "purl.package.create",
            package,
            after={**(snapshot(package) or {}), "composition": version.composition},
        )
        return package


def do_change_package(
    actor: Actor,
    package_id: Any,
    items: dict[Any, Any] | None = None,
    target_usd: Any = None,
    reason: str = "",
) -> Package:
    """Change a package's composition (``{item: quantity}``, 0 takes an item out) or its target;
    every change is a new version."""
    require_coordinator(actor, "compose packages")
    check_reason(reason, "the package changes")
    with transaction.atomic():
        package = get_package(actor, package_id, lock=True)
        if package.origin != Origin.WORKFLOW:
            raise InvalidInput("an announced package is as published; it has no composition", field="package")
        was = funded(package)
        before = {
            "version": package.version,
            "composition": _composition(package)[0],
            "target_usd": str(package.target_usd),
        }
        changes = check_package(actor, items or {}, package)
        check_package_releasability(
            package.releasable_to,
            package.releasable_nations,
            package.owner_nation_id,
            [i for i, q in changes if q],
        )
        for item, quantity in changes:
            current = package.items.filter(item=item).first()
            if quantity == 0 and current is not None:
                current.delete()
            elif current is not None:
                current.quantity = quantity
                current.save(update_fields=["quantity"])
            elif quantity:
                PackageItem.objects.create(
                    package=package, item=item, quantity=quantity, unit_cost_usd=item.unit_cost_usd
                )
        target = check_usd(target_usd, "target_usd")
        if target is not None:
            package.target_usd = target
        if not package.items.exists():
            raise InvalidInput("a package keeps at least one item", field="items")
        package.version += 1
        package.save(update_fields=["version", "target_usd"])
        version = _version(actor, package, reason.strip())
        do_audit(
            actor,
            "purl.package.change",
            package,
            before=before,
            after={
                "version": package.version,
                "composition": version.composition,
                "target_usd": str(package.target_usd),
            },
        )
        _notify_if_funded(actor, package, was)
        return package


# --- contributions ------------------------------------------------------------------------------


@dataclass
class ContributionData:
    """A pledge or commitment as given: the nation, the package (None: PURL in general), the amount
    in the nation's own currency, its value date (whose ECB rate applies) and a source."""

    nation: str
    amount: Any
    currency: str
    value_date: dt.date
    sources: Sequence[str]
    package: int | None = None
    share_pct: Any = None
    joint_with: Sequence[str] = ()
    note: str = ""
    releasable_to: str = Releasability.NATO
    releasable_nations: Sequence[str] = field(default_factory=tuple)
    #: record it even if the same one is recorded already (:mod:`~veille.purl.services.duplicates`)
    confirm_duplicate: bool = False


def _label(package: Package | None) -> str:
    return package.name if package is not None else "PURL (general)"


def _reference(package: Package | None) -> str:
    return f"purl:package:{package.pk}" if package is not None else "purl:general"


def check_contribution(actor: Actor, data: ContributionData) -> tuple[Package | None, Decimal | None]:
    """Rights and PURL's own checks; the ledger checks the money itself (currency, rate, figure)."""
    require_editor_for(actor, (data.nation or "").strip().upper(), "contribute to PURL")
    package = get_package(actor, data.package) if data.package not in (None, "") else None
    share = None
    if data.share_pct not in (None, ""):
        try:
            share = Decimal(str(data.share_pct).strip())
        except ArithmeticError:
            raise InvalidInput(f"{data.share_pct!r} is not a percentage", field="share_pct") from None
        if not Decimal(0) < share <= Decimal(100):
            raise InvalidInput("a share is more than 0 and at most 100 %", field="share_pct")
    return package, share


def _new_event(
    data: ContributionData, package: Package | None, parent: int | None = None, synthetic: bool = False
) -> ledger.NewEvent:
    return ledger.NewEvent(
        party=data.nation.strip().upper(),
        counterparty=RECIPIENT,
        counterparty_name=_label(package),
        value_date=data.value_date,
        amount=data.amount,
        currency=data.currency,
        sources=data.sources,
        parent=parent,
        note=data.note,
        reference=_reference(package),
        releasable_to=data.releasable_to,
        releasable_nations=data.releasable_nations,
        synthetic=synthetic,
    )


def _contribution(
    actor: Actor,
    data: ContributionData,
    package: Package | None,
    share: Decimal | None,
    event: LedgerEvent,
    **extra: Any,
) -> Contribution:
    values: dict[str, Any] = dict(
        nation_id=data.nation.strip().upper(),
        package=package,
        currency=event.currency,
        share_pct=share,
        joint_with=encode_nations(data.joint_with),
        releasable_to=event.releasable_to,
        releasable_nations=event.releasable_nations,
        owner_nation_id=event.party_id,
        source=" | ".join(event.sources)[:1000],
        note=data.note.strip(),
        created_at=timezone.now(),
        created_by=actor.label,
    )
    values.update(extra)
    return Contribution.objects.create(**values)


def do_pledge(actor: Actor, data: ContributionData, **extra: Any) -> Contribution:
    """A promise: shown apart from commitments, counted once committed."""
    with transaction.atomic():
        package, share = check_contribution(actor, data)
        _check_repeat(data, package, Role.PLEDGE)
        event = ledger.do_pledge(actor, _new_event(data, package, synthetic=bool(extra.get("synthetic"))))
        contribution = _contribution(actor, data, package, share, event, **extra)
        FundingEvent.objects.create(contribution=contribution, event=event, role=Role.PLEDGE, package=package)
        do_audit(
            actor,
            "purl.pledge",
            contribution,
            after={**(snapshot(contribution) or {}), "ledger_event": event.pk},
        )
        return contribution


def _check_repeat(data: ContributionData, package: Package | None, role: str) -> None:
    check_duplicate(
        data.nation, package, data.amount, data.currency, data.value_date, role, data.confirm_duplicate
    )


def funded(package: Package) -> bool:
    from veille.ledger.queries import CONSOLE
    from veille.purl.queries import coverage

    return coverage(CONSOLE, package).fully_funded


def do_commit(
    actor: Actor, data: ContributionData, contribution: int | None = None, **extra: Any
) -> Contribution:
    """A commitment: of an earlier pledge (``contribution``; never more than it without an
    amendment), or new, to a package or to PURL in general."""
    with transaction.atomic():
        if contribution is not None:
            current = _get_contribution(actor, contribution, lock=True)
            data = ContributionData(
                **{**data.__dict__, "nation": current.nation_id, "package": current.package_id}
            )
            package, _share = check_contribution(actor, data)
            pledge = current.events.filter(role=Role.PLEDGE).first()
            was = funded(package) if package is not None else None
            event = ledger.do_commit(
                actor, _new_event(data, package, parent=pledge.event_id if pledge else None)
            )
            target = current
        else:
            package, share = check_contribution(actor, data)
            _check_repeat(data, package, Role.COMMITMENT)
            was = funded(package) if package is not None else None
            event = ledger.do_commit(actor, _new_event(data, package, synthetic=bool(extra.get("synthetic"))))
            target = _contribution(actor, data, package, share, event, **extra)
        FundingEvent.objects.create(contribution=target, event=event, role=Role.COMMITMENT, package=package)
        do_audit(actor, "purl.commit", target, after={"ledger_event": event.pk, "amount": str(event.amount)})
        if package is not None:
            _notify_if_funded(actor, package, was)
        return target


def do_allocate(
    actor: Actor,
    contribution: int,
    package_id: int,
    amount: Any,
    currency: str,
    value_date: dt.date,
    sources: Sequence[str],
) -> FundingEvent:
    """A coordinator gives part of a general contribution's commitment to a package."""
    require_coordinator(actor, "allocate general contributions to packages")
    with transaction.atomic():
        current = _get_contribution(actor, contribution, lock=True)
        if current.package_id is not None:
            raise InvalidInput(
                "this contribution is for a package already; only general ones are allocated",
                field="contribution",
            )
        package = get_package(actor, package_id, lock=True)
        commitments = [fe.event for fe in current.events.filter(role=Role.COMMITMENT).select_related("event")]
        if not commitments:
            raise InvalidInput("commit the contribution before allocating it", field="contribution")
        room = {e.pk: ledger.size_of(e.pk) - ledger.drawn_from(e.pk) for e in commitments}
        parent = max(commitments, key=lambda e: (room[e.pk], e.pk))
        was = funded(package)
        event = ledger.do_allocate(
            actor,
            ledger.NewEvent(
                party=current.nation_id,
                counterparty=RECIPIENT,
                counterparty_name=_label(package),
                value_date=value_date,
                amount=amount,
                currency=currency,
                sources=sources,
                parent=parent.pk,
                reference=_reference(package),
                releasable_to=parent.releasable_to,
                releasable_nations=[c for c in parent.releasable_nations.split("|") if c],
            ),
        )
        link = FundingEvent.objects.create(
            contribution=current, event=event, role=Role.ALLOCATION, package=package
        )
        do_audit(actor, "purl.allocate", current, after={"ledger_event": event.pk, "package": package.pk})
        _notify_if_funded(actor, package, was)
        return link


def _get_contribution(actor: Actor, contribution_id: Any, *, lock: bool = False) -> Contribution:
    qs = Contribution.objects.all()
    if actor.system is None:
        qs = qs.visible_to(actor.user)
    if lock:
        qs = qs.select_for_update()
    try:
        found = qs.filter(pk=int(contribution_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise PurlNotFound(f"no contribution {contribution_id!r} that you can see", field="contribution")
    return found


def _notify_if_funded(actor: Actor, package: Package, was_funded: bool | None) -> None:
    """Tell coordinators and the contributing nations' editors once a package becomes fully funded."""
    if was_funded is not False or package.origin != Origin.WORKFLOW or not funded(package):
        return
    notify.package_funded(actor, package)


__all__ = [
    "ContributionData",
    "check_contribution",
    "check_package",
    "check_package_releasability",
    "check_usd",
    "do_allocate",
    "do_change_package",
    "do_commit",
    "do_create_package",
    "do_pledge",
    "funded",
    "get_package",
]
