"""Writes of PURL's requirement lists: drafting, the three approvals, amendments.

``check_*`` validates and raises a named error (:mod:`veille.purl.exceptions`); ``do_*`` writes
in one transaction, with the list's row locked, and audits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core.errors import InvalidInput
from veille.core.money import Money
from veille.nations.access import Actor, Releasability, validate_releasability
from veille.purl import workflow
from veille.purl.exceptions import (
    BadItem,
    DuplicateMonth,
    DuplicateRank,
    EmptyList,
    ListLocked,
    PurlNotFound,
    QuantityTaken,
    TooManyItems,
)
from veille.purl.models import Amendment, Approval, Category, PackageItem, RequirementItem, RequirementList
from veille.purl.rights import require_step_role, require_ukraine_editor
from veille.purl.services import notifications as notify

#: the most active items one list holds: a monthly list names what Ukraine asks for, a few dozen lines
#: at most; beyond this a list is refused, not slowed down for everyone (documented in the API schema)
MAX_ITEMS_PER_LIST = 500
#: the most changes (items changed, added or removed) one amendment makes; an amendment runs in one
#: transaction that every other writer waits for, so it stays short
MAX_CHANGES_PER_AMENDMENT = 200

ITEM_FIELDS = (
    "rank",
    "category",
    "description",
    "quantity",
    "unit",
    "unit_cost_usd",
    "cost_source",
    "justification",
)


@dataclass
class ItemData:
    """A requirement item as given (text from a form, or typed values)."""

    rank: Any
    category: str
    description: str
    quantity: Any
    unit: str
    unit_cost_usd: Any
    cost_source: str
    justification: str


# --- reading with rights ------------------------------------------------------------------------


def get_list(actor: Actor, list_id: Any, *, lock: bool = False) -> RequirementList:
    qs = RequirementList.objects.all()
    if actor.system is None:
        qs = qs.visible_to(actor.user)
    if lock:
        qs = qs.select_for_update()
    try:
        found = qs.filter(pk=int(list_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise PurlNotFound(f"no list {list_id!r} that you can see", field="list")
    return found


def _item(actor: Actor, item_id: Any) -> RequirementItem:
    try:
        item = RequirementItem.objects.select_related("requirement_list").filter(pk=int(item_id)).first()
    except (TypeError, ValueError):
        item = None
    if item is None or not (actor.system or item.requirement_list.is_visible_to(actor.user)):
        raise PurlNotFound(f"no item {item_id!r} that you can see", field="item")
    return item


# --- checks -------------------------------------------------------------------------------------


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _positive_int(value: Any, field: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise BadItem(f"{value!r} is not a whole number", field=field) from None
    if number < 1:
        raise BadItem("must be 1 or more", field=field)
    return number


def _text(value: Any, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if not text:
        raise BadItem("is required", field=field)
    if len(text) > limit:
        raise BadItem(f"is at most {limit} characters", field=field)
    return text


def check_item_value(field: str, value: Any) -> Any:
    """One field of an item, cleaned, or :class:`BadItem` naming it."""
    if field in ("rank", "quantity"):
        return _positive_int(value, field)
    if field == "category":
        if value not in Category.values:
            raise BadItem(f"must be one of {', '.join(Category.values)}", field="category")
        return value
    if field == "unit_cost_usd":
        if isinstance(value, float):
            raise BadItem("write the cost as text or a Decimal, never a float", field=field)
        try:
            money = (
                Money.parse(str(value), "USD", field=field)
                if not isinstance(value, Decimal)
                else Money(value, "USD")
            )
        except InvalidInput as exc:
            raise BadItem(exc.message, field=field) from None
        if money.amount <= 0:
            raise BadItem("must be more than zero", field=field)
        return money.amount
    limits = {"description": 300, "unit": 40, "cost_source": 500, "justification": 4000}
    if field not in limits:
        raise BadItem(f"unknown field {field!r}", field=field)
    return _text(value, field, limits[field])


def check_item(data: ItemData) -> dict[str, Any]:
    return {f: check_item_value(f, getattr(data, f)) for f in ITEM_FIELDS}


def _check_rank_free(lst: RequirementList, rank: int, except_item: int | None = None) -> None:
    clash = lst.items.filter(active=True, rank=rank).exclude(pk=except_item or 0).first()
    if clash is not None:
        raise DuplicateRank(f"rank {rank} is taken by “{clash.description}”", field="rank")


def check_item_count(active: int, adding: int) -> None:
    """:class:`TooManyItems` when a list of ``active`` items would pass :data:`MAX_ITEMS_PER_LIST`."""
    if active + adding > MAX_ITEMS_PER_LIST:
        raise TooManyItems(
            f"a list holds at most {MAX_ITEMS_PER_LIST} active items; this would make {active + adding}",
            field="items",
        )


def check_change_count(changes: Any) -> list[dict[str, Any]]:
    """The changes of an amendment, at most :data:`MAX_CHANGES_PER_AMENDMENT` of them."""
    if not isinstance(changes, list | tuple) or not all(isinstance(c, dict) for c in changes):
        raise InvalidInput(
            "must be a list of changes ({item: id, …}, {add: {…}}, {remove: id})", field="changes"
        )
    if len(changes) > MAX_CHANGES_PER_AMENDMENT:
        raise TooManyItems(
            f"an amendment makes at most {MAX_CHANGES_PER_AMENDMENT} changes; this one has {len(changes)} "
            "(split it into several amendments)",
            field="changes",
        )
    return list(changes)


def _require_editable(lst: RequirementList) -> None:
    if lst.state not in workflow.EDITABLE:
        raise ListLocked(
            f"the list is {lst.get_state_display().lower()}: "
            "it changes only through an amendment once approved",
            field="list",
        )


def packaged_quantity(item: RequirementItem) -> int:
    return int(item.package_items.aggregate(q=Sum("quantity"))["q"] or 0)


def check_month(value: Any) -> dt.date:
    """The first day of the month ``value`` names (``YYYY-MM``, or a date)."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    try:
        return dt.date.fromisoformat(str(value).strip()[:7] + "-01")
    except ValueError:
        raise InvalidInput(f"{value!r} is not a month (YYYY-MM)", field="month") from None


def check_reason(reason: Any, why: str) -> str:
    """The reason a change gives (an amendment, a new version of a package): required."""
    text = str(reason or "").strip()
    if not text:
        raise InvalidInput(f"say why {why}", field="reason")
    return text


def check_list_editable(actor: Actor, lst: RequirementList) -> None:
    """Ukraine's editors change a list's items while it is a draft (or returned to them)."""
    require_ukraine_editor(actor, "edit requirement lists")
    _require_editable(lst)


# --- lists and items ----------------------------------------------------------------------------


def check_create_list(
    actor: Actor, month: Any, title: str, releasable_to: str, nations: Any
) -> dict[str, Any]:
    require_ukraine_editor(actor, "draft requirement lists")
    first = check_month(month)
    if RequirementList.objects.filter(month=first).exists():
        raise DuplicateMonth(f"a list for {first:%Y-%m} exists already; amend or edit it", field="month")
    releasable, encoded = validate_releasability(releasable_to, nations)
    return {
        "month": first,
        "title": (title or "").strip()[:200] or f"PURL requirements {first:%Y-%m}",
        "releasable_to": releasable,
        "releasable_nations": encoded,
    }


def do_create_list(
    actor: Actor,
    month: Any,
    title: str = "",
    releasable_to: str = Releasability.NATO,
    nations: Any = (),
    synthetic: bool = False,
) -> RequirementList:
    with transaction.atomic():
        values = check_create_list(actor, month, title, releasable_to, nations)
        lst = RequirementList.objects.create(
            **values,
            owner_nation_id="UKR",
            created_at=timezone.now(),
            created_by=actor.label,
            synthetic=synthetic,
        )
        do_audit(actor, "purl.list.create", lst, after=snapshot(lst))
        return lst


def do_add_item(actor: Actor, list_id: Any, data: ItemData) -> RequirementItem:
    require_ukraine_editor(actor, "edit requirement lists")
    with transaction.atomic():
        lst = get_list(actor, list_id, lock=True)
        _require_editable(lst)
        values = check_item(data)
        check_item_count(lst.items.filter(active=True).count(), 1)
        _check_rank_free(lst, values["rank"])
        item = RequirementItem.objects.create(requirement_list=lst, **values)
        lst.version += 1
        lst.save(update_fields=["version"])
        do_audit(actor, "purl.item.add", item, after=snapshot(item))
        return item


def _apply(
    item: RequirementItem,
    changes: dict[str, Any],
    taken: dict[int, RequirementItem] | None = None,
    packaged: dict[int, int] | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Validate ``changes`` of ``item`` and apply them in memory; returns {field: (before, after)}.
    An amendment passes the list's active items by rank (``taken``) and what packages take of each
    item (``packaged``), read once for all its changes; otherwise both are read here."""
    done: dict[str, tuple[Any, Any]] = {}
    for field, raw in changes.items():
        if field not in ITEM_FIELDS:
            raise BadItem(f"unknown field {field!r}", field=field)
        value = check_item_value(field, raw)
        before = getattr(item, field)
        if before != value:
            done[field] = (before, value)
    if "rank" in done:
        rank = done["rank"][1]
        if taken is None:
            _check_rank_free(item.requirement_list, rank, item.pk)
        elif taken.get(rank) not in (None, item):
            raise DuplicateRank(f"rank {rank} is taken by “{taken[rank].description}”", field="rank")
    if "quantity" in done:
        used = packaged.get(item.pk, 0) if packaged is not None else packaged_quantity(item)
        if done["quantity"][1] < used:
            raise QuantityTaken(
                f"packages already take {used} of this item; it cannot fall below that", field="quantity"
            )
    if taken is not None and "rank" in done:
        if taken.get(done["rank"][0]) is item:
            del taken[done["rank"][0]]
        taken[done["rank"][1]] = item
    for field, (_b, after) in done.items():
        setattr(item, field, after)
    return done


def do_update_item(actor: Actor, item_id: Any, changes: dict[str, Any]) -> RequirementItem:
    """Change a draft's item (an approved list changes through :func:`do_amend_list`)."""
    require_ukraine_editor(actor, "edit requirement lists")
    with transaction.atomic():
        item = _item(actor, item_id)
        lst = get_list(actor, item.requirement_list_id, lock=True)
        _require_editable(lst)
        item.requirement_list = lst
        before = snapshot(item)
        if _apply(item, changes):
            item.save()
            lst.version += 1
            lst.save(update_fields=["version"])
            do_audit(actor, "purl.item.update", item, before=before, after=snapshot(item))
        return item


def do_remove_item(actor: Actor, item_id: Any) -> RequirementItem:
    require_ukraine_editor(actor, "edit requirement lists")
    with transaction.atomic():
        item = _item(actor, item_id)
        lst = get_list(actor, item.requirement_list_id, lock=True)
        _require_editable(lst)
        if packaged_quantity(item):
            raise QuantityTaken("packages take this item; it cannot be removed", field="item")
        item.active = False
        item.save(update_fields=["active"])
        lst.version += 1
        lst.save(update_fields=["version"])
        do_audit(actor, "purl.item.remove", item, after={"active": False})
        return item


def check_order(lst: RequirementList, order: Any) -> list[RequirementItem]:
    """``order``: every active item of the draft once (ids, or ``"3,1,2"``), first to last."""
    if isinstance(order, str):
        order = [part for part in order.replace(" ", "").split(",") if part]
    try:
        ids = [int(i) for i in order or []]
    except (TypeError, ValueError):
        raise BadItem("give the items' numbers, first to last", field="order") from None
    items = {it.pk: it for it in lst.items.filter(active=True)}
    if sorted(ids) != sorted(items) or len(set(ids)) != len(ids):
        raise BadItem(
            f"name every active item of the list once, first to last: {', '.join(map(str, sorted(items)))}",
            field="order",
        )
    return [items[i] for i in ids]


def do_reorder_items(actor: Actor, list_id: Any, order: Any) -> RequirementList:
    """Rank a draft's active items in ``order``: 1, 2, 3… (audited with the ranks before and after)."""
    require_ukraine_editor(actor, "edit requirement lists")
    with transaction.atomic():
        lst = get_list(actor, list_id, lock=True)
        _require_editable(lst)
        items = check_order(lst, order)
        before = {it.pk: it.rank for it in items}
        changed = [it for rank, it in enumerate(items, start=1) if it.rank != rank]
        for rank, it in enumerate(items, start=1):
            it.rank = rank
        if changed:
            for it in changed:
                it.save(update_fields=["rank"])
            lst.version += 1
            lst.save(update_fields=["version"])
            do_audit(
                actor,
                "purl.list.reorder",
                lst,
                before={"ranks": before},
                after={"ranks": {it.pk: it.rank for it in items}},
            )
        return lst


# --- approvals ----------------------------------------------------------------------------------


def check_decision(
    actor: Actor, lst: RequirementList, step: str, decision: str, comment: str
) -> workflow.Transition:
    require_step_role(actor, step)
    result = workflow.transition(lst.state, lst.round, step, decision)
    if decision == "return" and not comment.strip():
        raise InvalidInput("say why the list is returned", field="comment")
    if decision == "approve" and step == "UKR" and not lst.items.filter(active=True).exists():
        raise EmptyList("a list without items cannot be approved", field="items")
    return result


def do_decide(actor: Actor, list_id: Any, step: str, decision: str, comment: str = "") -> Approval:
    """One step's decision: approve, or return with a comment."""
    with transaction.atomic():
        lst = get_list(actor, list_id, lock=True)
        result = check_decision(actor, lst, step, decision, comment or "")
        before = {"state": lst.state, "round": lst.round}
        lst.state, lst.round = result.state, result.round
        lst.save(update_fields=["state", "round"])
        approval = Approval.objects.create(
            requirement_list=lst,
            step=step,
            decision=decision,
            comment=(comment or "").strip(),
            list_version=lst.version,
            at=timezone.now(),
            by=actor.label,
            user=actor.user if actor.user is not None and actor.user.pk else None,
        )
        do_audit(
            actor,
            f"purl.list.{decision}",
            lst,
            before=before,
            after={"state": lst.state, "round": lst.round, "step": step},
        )
        notify.list_moved(actor, lst)
        return approval


# --- amendments ---------------------------------------------------------------------------------


def do_amend_list(actor: Actor, list_id: Any, changes: list[dict[str, Any]], reason: str) -> Amendment:
    """Change an approved list. ``changes``: ``{"item": id, "quantity": 40, …}`` to change an item,
    ``{"add": {…item fields…}}`` to add one, ``{"remove": id}`` to remove one. The amendment reopens
    the approvals the changed fields affect (:data:`veille.purl.workflow.REOPENS`). At most
    :data:`MAX_CHANGES_PER_AMENDMENT` changes, and the list keeps at most :data:`MAX_ITEMS_PER_LIST`
    active items; the list's items are read once, whatever the number of changes."""
    require_ukraine_editor(actor, "amend requirement lists")
    check_reason(reason, "the list is amended")
    changes = check_change_count(changes or [])
    with transaction.atomic():
        lst = get_list(actor, list_id, lock=True)
        log: list[dict[str, Any]] = []
        touched: list[str] = []
        saves: list[RequirementItem] = []
        workflow.amend(lst.state, ["rank"])  # refuses drafts and lists awaiting a decision, first
        items = {i.pk: i for i in lst.items.filter(active=True)}
        taken = {i.rank: i for i in items.values()}
        removed = [c["remove"] for c in changes if "remove" in c]
        named = [_int_or_none(c.get("remove", c.get("item"))) for c in changes if "add" not in c]
        packaged = dict(
            PackageItem.objects.filter(item_id__in=[k for k in named if k is not None])
            .values("item_id")
            .annotate(q=Sum("quantity"))
            .values_list("item_id", "q")
        )
        check_item_count(len(items), sum("add" in c for c in changes) - len(removed))

        def active_item(key: Any) -> RequirementItem:
            item = items.get(_int_or_none(key))  # type: ignore[arg-type]
            if item is None:
                raise PurlNotFound(f"no active item {key!r} in this list", field="item")
            return item

        for change in changes:
            if "add" in change:
                values = check_item(ItemData(**{f: change["add"].get(f) for f in ITEM_FIELDS}))
                clash = taken.get(values["rank"])
                if clash is not None:
                    raise DuplicateRank(
                        f"rank {values['rank']} is taken by “{clash.description}”", field="rank"
                    )
                new = RequirementItem(requirement_list=lst, **values)
                taken[values["rank"]] = new
                saves.append(new)
                touched.append("add")
                log.append({"add": {k: str(v) for k, v in values.items()}})
            elif "remove" in change:
                item = active_item(change["remove"])
                if packaged.get(item.pk):
                    raise QuantityTaken("packages take this item; it cannot be removed", field="item")
                item.active = False
                items.pop(item.pk)
                if taken.get(item.rank) is item:
                    del taken[item.rank]
                saves.append(item)
                touched.append("remove")
                log.append({"remove": item.pk, "description": item.description})
            else:
                item = active_item(change.get("item"))
                done = _apply(item, {k: v for k, v in change.items() if k != "item"}, taken, packaged)
                if done:
                    saves.append(item)
                    touched.extend(done)
                    log.append({"item": item.pk, **{f: [str(b), str(a)] for f, (b, a) in done.items()}})
        result = workflow.amend(lst.state, touched)
        for item in saves:
            item.save()
        before = {"state": lst.state, "round": lst.round, "version": lst.version}
        lst.state, lst.round, lst.version = result.state, result.round, lst.version + 1
        lst.save(update_fields=["state", "round", "version"])
        amendment = Amendment.objects.create(
            requirement_list=lst,
            number=lst.amendments.count() + 1,
            reason=reason.strip(),
            changes=log,
            reopened=",".join(s for s in result.round.split(",") if s != "UKR"),
            at=timezone.now(),
            by=actor.label,
        )
        Approval.objects.create(
            requirement_list=lst,
            step="UKR",
            decision="amend",
            comment=reason.strip(),
            list_version=lst.version,
            amendment=amendment,
            at=amendment.at,
            by=actor.label,
            user=actor.user if actor.user is not None and actor.user.pk else None,
        )
        do_audit(
            actor,
            "purl.list.amend",
            lst,
            before=before,
            after={"state": lst.state, "round": lst.round, "changes": log},
        )
        notify.list_moved(actor, lst)
        return amendment


__all__ = [
    "MAX_CHANGES_PER_AMENDMENT",
    "MAX_ITEMS_PER_LIST",
    "ItemData",
    "check_change_count",
    "check_create_list",
    "check_decision",
    "check_item",
    "check_item_count",
    "check_item_value",
    "check_list_editable",
    "check_month",
    "check_order",
    "check_reason",
    "do_add_item",
    "do_amend_list",
    "do_create_list",
    "do_decide",
    "do_remove_item",
    "do_reorder_items",
    "do_update_item",
    "get_list",
    "packaged_quantity",
]
