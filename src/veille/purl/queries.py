"""Read models of PURL for pages, the API, exports and the command.

Everything reads through ``visible_to(user)``: lists, packages, contributions, and the ledger
events that carry the money. Funding is the ledger's figures (sizes with amendments and
reversals), each converted to USD at its own value date's ECB rate; the rates used are returned
with every figure. Pledges are shown apart from commitments (a pledge counts once committed).
Delivery statuses come from quantities: none, partial, complete.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, overload

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from veille.core.fx import FxConverter, RateUsed
from veille.core.money import Money
from veille.ledger import rates
from veille.ledger.models import Kind, LedgerEvent
from veille.ledger.queries import CONSOLE, Figures, figures
from veille.nations.access import membership_of, sees_everything
from veille.purl.exceptions import PurlNotFound
from veille.purl.models import (
    Contribution,
    FundingEvent,
    Origin,
    Package,
    PackageItem,
    RequirementItem,
    RequirementList,
    Role,
    Shipment,
)
from veille.purl.workflow import STEPS

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
#: What a user may know of a package's funding (:func:`coverage`).
ALL, RELEASED, PARTIAL, WITHHELD = "all", "released", "partial", "withheld"


def status_of(done: int, whole: int) -> str:
    """none / partial / complete from quantities.

    >>> status_of(0, 10), status_of(4, 10), status_of(10, 10)
    ('none', 'partial', 'complete')
    """
    if whole <= 0 or done <= 0:
        return "none"
    return "complete" if done >= whole else "partial"


def pct(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.1"))


# --- money with its rates -----------------------------------------------------------------------


@dataclass
class Rates:
    """Converts to USD at each value date and remembers every rate it used."""

    fx: FxConverter = field(default_factory=rates.converter)
    used: dict[tuple[str, dt.date], RateUsed] = field(default_factory=dict)

    def usd(self, money: Money, day: dt.date) -> Decimal:
        conversion = self.fx.convert(money, "USD", day)
        if money.currency != "USD":
            self.used.setdefault((money.currency, day), RateUsed.of(conversion))
        return conversion.amount.amount

    def provisional(self, currency: str, day: dt.date) -> bool:
        """Whether an amount in ``currency`` of value date ``day`` is converted provisionally (its
        day's ECB rate is not loaded yet: the newest is used, and the figure is revalued once it is)."""
        return currency != "USD" and self.fx.is_provisional(day)

    @property
    def newest(self) -> dt.date:
        """The newest ECB rate loaded (what a provisional figure is converted at)."""
        return self.fx.table.source.last_date

    def listed(self) -> list[dict[str, str]]:
        """The rates used, as PURL's pages and exports show them (USD per unit of each currency)."""
        return [
            {
                "currency": r.currency,
                "value_date": r.value_date.isoformat(),
                "rate_date": r.rate_date.isoformat(),
                "usd_per_unit": str(r.rate),
                "provisional": "yes" if r.provisional else "no",
            }
            for r in (self.used[k] for k in sorted(self.used))
        ]

    @property
    def source(self) -> str:
        return self.fx.source


@dataclass
class Funding:
    """One package's funding as ``user`` may see it, in USD at dated ECB rates."""

    package: Package
    target_usd: Decimal | None
    committed_usd: Decimal = ZERO
    pledged_open_usd: Decimal = ZERO
    by_nation: dict[str, dict[str, Any]] = field(default_factory=dict)
    unattributed_usd: Decimal = ZERO
    rates: list[dict[str, str]] = field(default_factory=list)
    #: some of its amounts are converted at the newest rate, not yet at their value date's
    provisional: bool = False
    newest_rate: dt.date | None = None
    #: what the user may know of it (:func:`coverage`): all, released, partial or withheld
    access: str = ALL

    @property
    def counted_usd(self) -> Decimal:
        return self.committed_usd + self.unattributed_usd

    @property
    def known(self) -> bool:
        """False when none of the funding is releasable to the user: no figure, never a false zero."""
        return self.access != WITHHELD

    @property
    def fully_funded(self) -> bool:
        return self.known and bool(self.target_usd) and self.counted_usd >= (self.target_usd or ZERO)

    @property
    def coverage_pct(self) -> Decimal | None:
        return pct(self.counted_usd, self.target_usd) if self.known else None

    @property
    def bar_pct(self) -> int:
        value = self.coverage_pct
        return 0 if value is None else int(min(value, HUNDRED))

    @property
    def over_usd(self) -> Decimal:
        """What the counted funding exceeds the target by (zero when it does not)."""
        if not self.target_usd:
            return ZERO
        return max(self.counted_usd - self.target_usd, ZERO)

    def contributors(self) -> list[dict[str, Any]]:
        """Each funder, largest first, with its share of the counted funding (the announced share
        of a joint package beside it, when one was published)."""
        rows = []
        for n in sorted(self.by_nation.values(), key=lambda n: (-n["committed_usd"], n["nation"])):
            row = dict(n)
            row["share_of_funding_pct"] = (
                pct(n["committed_usd"], self.counted_usd) if n["committed_usd"] else None
            )
            row["announced_share_pct"] = n.get("share_pct")
            rows.append(row)
        return rows


def _events(user: Any, ids: list[int]) -> tuple[list[LedgerEvent], Any]:
    visible = LedgerEvent.objects.visible_to(user)
    rows = list(visible.filter(pk__in=ids))
    related = visible.filter(
        Q(pk__in=ids)
        | Q(size_of_id__in=ids)
        | Q(draws_on_id__in=ids)
        | Q(kind=Kind.REVERSAL, parent_id__in=ids)
    )
    return rows, figures(related)


class _FundingRead:
    """The funding events of several packages as ``user`` may see them, read at once (a board of
    packages makes three queries for all of them, not three per package): each package's links, the
    visible events in the ledger's order, and their figures."""

    def __init__(self, user: Any, packages: list[Package]) -> None:
        self.links: dict[int, dict[int, FundingEvent]] = defaultdict(dict)
        if not packages:  # nothing to read
            self.rows: list[LedgerEvent] = []
            self.fig = Figures({}, {}, frozenset())
            return
        for fe in FundingEvent.objects.filter(package__in=packages).select_related("contribution"):
            self.links[fe.package_id][fe.event_id] = fe  # type: ignore[index]
        ids = [event_id for links in self.links.values() for event_id in links]
        self.rows, self.fig = _events(user, ids)

    def of(self, package: Package) -> tuple[dict[int, FundingEvent], list[LedgerEvent], Any]:
        links = self.links.get(package.pk, {})
        return links, [e for e in self.rows if e.pk in links], self.fig


def funding_read(user: Any, packages: list[Package]) -> tuple[_FundingRead, _FundingRead | None]:
    """The funding events of ``packages`` read at once, as ``user`` may see them and (for a reader
    who does not see everything) as a whole: :func:`coverage`'s ``read``, whatever their number."""
    return _FundingRead(user, packages), None if sees_everything(user) else _FundingRead(CONSOLE, packages)


def coverage(
    user: Any,
    package: Package,
    conv: Rates | None = None,
    read: tuple[_FundingRead, _FundingRead | None] | None = None,
) -> Funding:
    """The package's funding as ``user`` may know it (``Funding.access``):

    * ``all``: every contribution that counts is visible to the user;
    * ``released``: the user is of the recipient nation and a coordinator released the package's
      funding to it: the totals are the whole package's, the contributors only those it may see;
    * ``partial``: the user sees part of the contributions (the figures are "at least");
    * ``withheld``: none of them: no figure is shown ("funding not releasable to you"), never 0 %.
    """
    conv = conv or Rates()
    mine, everyone = read or (None, None)
    result = _coverage(user, package, conv, mine)
    if sees_everything(user):
        return result
    # The whole package's funding, converted apart: its rates are not listed to this user.
    whole = _coverage(CONSOLE, package, Rates(conv.fx), everyone)
    if (whole.committed_usd, whole.pledged_open_usd, whole.unattributed_usd) == (
        result.committed_usd,
        result.pledged_open_usd,
        result.unattributed_usd,
    ):
        return result  # nothing the user may not see counts
    member = membership_of(user)
    recipient = member is not None and member.nation_id == package.owner_nation_id
    if package.funding_released_at is not None and recipient:
        result.access = RELEASED
        result.committed_usd, result.pledged_open_usd = whole.committed_usd, whole.pledged_open_usd
        result.unattributed_usd, result.provisional = whole.unattributed_usd, whole.provisional
    elif result.by_nation or result.unattributed_usd:
        result.access = PARTIAL
    else:
        result.access = WITHHELD
    return result


def _coverage(user: Any, package: Package, conv: Rates, read: _FundingRead | None = None) -> Funding:
    links, rows, fig = (read or _FundingRead(user, [package])).of(package)
    target = package.target_usd
    if target is None and package.announced_amount is not None and package.announced_on:
        target = conv.usd(Money(package.announced_amount, package.announced_currency), package.announced_on)
    result = Funding(package, target)
    for e in rows:
        size = fig.sizes.get(e.pk, 0)
        if e.pk in fig.reversed or size <= 0:
            continue
        nation = result.by_nation.setdefault(
            e.party_id,
            {
                "nation": e.party_id,
                "committed_usd": ZERO,
                "pledged_open_usd": ZERO,
                "original": [],
                "pledged_original": [],
                # the same amounts as Money, for pages to write in their reader's format
                "original_money": [],
                "pledged_money": [],
                "synthetic": False,
            },
        )
        nation["synthetic"] = nation["synthetic"] or links[e.pk].contribution.synthetic
        role = links[e.pk].role
        result.provisional |= conv.provisional(e.currency, e.value_date)
        if role == Role.PLEDGE:
            left = size - fig.drawn.get(e.pk, 0)
            if left > 0:
                money_left = Money.from_minor(left, e.currency)
                usd = conv.usd(money_left, e.value_date)
                result.pledged_open_usd += usd
                nation["pledged_open_usd"] += usd
                nation["pledged_original"].append(money_left.format())
                nation["pledged_money"].append(money_left)
            continue
        money = Money.from_minor(size, e.currency)
        usd = conv.usd(money, e.value_date)
        result.committed_usd += usd
        nation["committed_usd"] += usd
        nation["original"].append(money.format())
        nation["original_money"].append(money)
        share = links[e.pk].contribution.share_pct
        if share is not None:
            nation["share_pct"] = share
    members = package.joint_members
    if members and package.announced_amount is not None and target is not None:
        missing = [m for m in members if m not in result.by_nation]
        if missing:
            # A joint package whose split is not published: its announced total counts once, the
            # known national shares inside it; the rest is the joint members', unattributed.
            result.unattributed_usd = max(target - result.committed_usd, ZERO)
    result.rates = conv.listed()
    result.newest_rate = conv.newest
    return result


# --- lists --------------------------------------------------------------------------------------


def lists(user: Any) -> list[RequirementList]:
    return list(RequirementList.objects.visible_to(user).prefetch_related("items"))


def item_rows(lst: RequirementList, user: Any, *, include_removed: bool = False) -> list[dict[str, Any]]:
    """Ranked items with what packages take and what Ukraine received, and the derived status: as
    ``user`` may know it, from the packages ``user`` may see (a package the reader may not see
    neither counts as packaging an item nor as delivering it)."""
    items = lst.items.all() if include_removed else lst.items.filter(active=True)
    seen = Package.objects.visible_to(user).values("pk")
    packaged = dict(
        PackageItem.objects.filter(item__requirement_list=lst, package__in=seen)
        .values("item_id")
        .annotate(q=Sum("quantity"))
        .values_list("item_id", "q")
    )
    received: dict[int, int] = defaultdict(int)
    for s in Shipment.objects.filter(
        package_item__item__requirement_list=lst, package_item__package__in=seen, received_on__isnull=False
    ).select_related("package_item"):
        received[s.package_item.item_id] += s.received
    out = []
    for it in items.order_by("-active", "rank", "id"):
        got = int(received.get(it.pk, 0))
        out.append(
            {
                "id": it.pk,
                "list": lst.pk,
                "month": lst.month.strftime("%Y-%m"),
                "rank": it.rank,
                "category": it.category,
                "category_label": it.get_category_display(),
                "description": it.description,
                "quantity": it.quantity,
                "unit": it.unit,
                "unit_cost_usd": it.unit_cost_usd,
                "estimated_cost_usd": it.unit_cost_usd * it.quantity,
                "cost_source": it.cost_source,
                "justification": it.justification,
                "packaged": int(packaged.get(it.pk, 0)),
                "received": got,
                "delivery": status_of(got, it.quantity),
                "active": it.active,
                "synthetic": lst.synthetic,
            }
        )
    return out


def list_summary(lst: RequirementList, user: Any) -> dict[str, Any]:
    rows = item_rows(lst, user)
    whole = sum(r["quantity"] for r in rows)
    got = sum(r["received"] for r in rows)
    return {
        "id": lst.pk,
        "month": lst.month.strftime("%Y-%m"),
        "title": lst.title,
        "state": lst.state,
        "version": lst.version,
        "items": len(rows),
        "estimated_cost_usd": sum((r["estimated_cost_usd"] for r in rows), ZERO),
        "delivery": status_of(got, whole),
        "synthetic": lst.synthetic,
        "releasable_to": lst.releasable_to,
    }


def trail(lst: RequirementList) -> list[dict[str, Any]]:
    return [
        {
            "list": lst.pk,
            "at": a.at,
            "step": a.step,
            "step_label": a.get_step_display(),
            "decision": a.decision,
            "decision_label": a.get_decision_display(),
            "comment": a.comment,
            "by": a.by,
            "list_version": a.list_version,
            "amendment": a.amendment.number if a.amendment else None,
            "synthetic": lst.synthetic,
        }
        for a in lst.trail.select_related("amendment")
    ]


def steps_done(lst: RequirementList) -> list[dict[str, Any]]:
    """Each of the three steps: approved in the current round, awaited, or still to come."""
    from veille.purl.workflow import current_step

    current = current_step(lst.state)
    rnd = [s for s in lst.round.split(",") if s] or list(STEPS)
    out = []
    for step in STEPS:
        if lst.state == "approved" or (
            current in rnd and step in rnd and rnd.index(step) < rnd.index(current)
        ):
            state = "done"
        elif step == current:
            state = "current"
        elif step not in rnd:
            state = "standing"  # not reopened by the amendment: its approval stands
        else:
            state = "to_come"
        out.append({"step": step, "state": state})
    return out


# --- packages -----------------------------------------------------------------------------------


def package_items(package: Package, user: Any, lists: set[int] | None = None) -> list[dict[str, Any]]:
    """The package's items that ``user`` may read: a package is never more releasable than the lists
    its items come from, so an item of a list the user may not see is left out (a package composed
    before that rule held keeps such items, shown only to the lists' readers). ``lists``: the ids of
    the lists the user may see, when the caller has read them already."""
    out = []
    if lists is None:
        lists = set(RequirementList.objects.visible_to(user).values_list("pk", flat=True))
    if "items" in getattr(package, "_prefetched_objects_cache", {}):
        items: Any = package.items.all()  # read with the package (the board): no query more
    else:
        items = package.items.select_related("item", "item__requirement_list").prefetch_related("shipments")
    for pi in items:
        if pi.item.requirement_list_id not in lists:
            continue
        shipped = sum(s.quantity for s in pi.shipments.all())
        received = sum(s.received for s in pi.shipments.all())
        out.append(
            {
                "id": pi.pk,
                "package": package.pk,
                "item": pi.item_id,
                "list": pi.item.requirement_list_id,
                "description": pi.item.description,
                "category": pi.item.get_category_display(),
                "quantity": pi.quantity,
                "unit": pi.item.unit,
                "unit_cost_usd": pi.unit_cost_usd,
                "value_usd": pi.unit_cost_usd * pi.quantity,
                "shipped": shipped,
                "received": received,
                "shipped_value_usd": pi.unit_cost_usd * shipped,
                "received_value_usd": pi.unit_cost_usd * received,
                "delivery": status_of(received, pi.quantity),
                "synthetic": package.synthetic,
            }
        )
    return out


def received_by_unit(items: list[dict[str, Any]]) -> str:
    """What was received of each item, in its own unit (never added across units).

    >>> received_by_unit([{"received": 4, "quantity": 10, "unit": "missiles"},
    ...                   {"received": 0, "quantity": 50000, "unit": "rounds"}])
    '4 of 10 missiles; 0 of 50000 rounds'
    """
    return "; ".join(f"{i['received']} of {i['quantity']} {i['unit']}" for i in items)


def board(user: Any) -> tuple[list[dict[str, Any]], Rates]:
    """Every package the user may see, with its funding bar, contributors and delivery progress."""
    conv = Rates()
    out = []
    items_qs = PackageItem.objects.select_related("item", "item__requirement_list").prefetch_related(
        "shipments"
    )
    packages = list(Package.objects.visible_to(user).prefetch_related(Prefetch("items", queryset=items_qs)))
    read = funding_read(user, packages)
    lists = set(RequirementList.objects.visible_to(user).values_list("pk", flat=True))
    # a package's number is its place among the packages this reader sees: a package the reader may
    # not see leaves no gap in the numbering (coordinators see every package: theirs are the records')
    for place, package in enumerate(packages, 1):
        fund = coverage(user, package, conv, read)
        items = package_items(package, user, lists)
        # Missiles, rounds and sets are never added: progress is by value (estimated unit costs), and
        # per item in its own unit.
        whole = sum(i["quantity"] for i in items)
        received = sum(i["received"] for i in items)
        value = sum((i["value_usd"] for i in items), ZERO)
        shipped_value = sum((i["shipped_value_usd"] for i in items), ZERO)
        received_value = sum((i["received_value_usd"] for i in items), ZERO)
        out.append(
            {
                "package": package,
                "id": package.pk,
                "number": place,
                "name": package.name,
                "origin": package.origin,
                "version": package.version,
                "value_usd": value if items else None,
                "target_usd": fund.target_usd,
                # None, never 0, when none of the funding is releasable to the user
                "committed_usd": fund.committed_usd if fund.known else None,
                "unattributed_usd": fund.unattributed_usd if fund.known else None,
                "pledged_open_usd": fund.pledged_open_usd if fund.known else None,
                "coverage_pct": fund.coverage_pct,
                "bar_pct": fund.bar_pct,
                "funded": _funded(fund),
                "funding_access": fund.access,
                "contributors": sorted(fund.by_nation.values(), key=lambda n: -n["committed_usd"]),
                "items": len(items),
                "shipped_value_usd": shipped_value if items else None,
                "received_value_usd": received_value if items else None,
                "delivered_pct": pct(received_value, value) if items else None,
                "delivered_bar_pct": int(min(pct(received_value, value) or ZERO, HUNDRED)) if items else 0,
                "received_by_unit": received_by_unit(items),
                "delivery": status_of(received, whole) if items else "",
                "provisional": fund.provisional,
                "synthetic": package.synthetic,
                "releasable_to": package.releasable_to,
            }
        )
    return out, conv


def _funded(fund: Funding) -> str:
    """complete / partial / none, or withheld when none of the funding is releasable to the user."""
    if not fund.known:
        return WITHHELD
    return "complete" if fund.fully_funded else ("partial" if fund.counted_usd else "none")


# --- contributions ------------------------------------------------------------------------------


def _contributions(
    user: Any, nation: str | None = None, package: int | None = None
) -> QuerySet[Contribution]:
    qs = Contribution.objects.visible_to(user)
    if nation:
        qs = qs.filter(nation_id=nation.upper())
    if package is not None:
        qs = qs.filter(Q(package_id=package) | Q(events__package_id=package)).distinct()
    return qs


def contribution_nations(user: Any) -> set[str]:
    """The nations of the contributions ``user`` may see (those :func:`contribution_rows` lists), in
    one query, without their figures."""
    return set(_contributions(user).order_by().values_list("nation_id", flat=True).distinct())


def contribution_rows(
    user: Any,
    nation: str | None = None,
    conv: Rates | None = None,
    package: int | None = None,
    ids: list[int] | None = None,
) -> list[dict[str, Any]]:
    """Each contribution with its pledge, commitments and allocations (the ledger's figures); those
    of one ``package`` only (its own and those allocated to it), when given; only those of ``ids``
    (in the usual order), when given: the figures of a page or of one record are computed from
    their own events, whatever the number of the others."""
    conv = conv or Rates()
    qs = _contributions(user, nation, package).select_related("package", "nation", "repeat_of")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    contributions = list(qs)
    links = list(FundingEvent.objects.filter(contribution__in=contributions).select_related("package"))
    rows_, fig = _events(user, [fe.event_id for fe in links])
    events = {e.pk: e for e in rows_}
    per: dict[int, dict[str, Any]] = defaultdict(lambda: {"pledged": [], "committed": [], "allocated": []})
    reversed_: dict[int, list[bool]] = defaultdict(list)
    for fe in links:
        e = events.get(fe.event_id)
        if e is not None:
            reversed_[fe.contribution_id].append(e.pk in fig.reversed)
        if e is None or e.pk in fig.reversed:
            continue
        size = fig.sizes.get(e.pk, 0)
        if size <= 0:
            continue
        money = Money.from_minor(size, e.currency)
        key = {"pledge": "pledged", "commitment": "committed", "allocation": "allocated"}[fe.role]
        per[fe.contribution_id][key].append((money, e.value_date, e.pk, fe.package))
    out = []
    for c in contributions:
        p = per[c.pk]
        committed_usd = sum((conv.usd(m, d) for m, d, _e, _p in p["committed"]), ZERO)
        pledged_usd = sum((conv.usd(m, d) for m, d, _e, _p in p["pledged"]), ZERO)
        first = min((d for group in p.values() for _m, d, _e, _p in group), default=c.announced_on)
        out.append(
            {
                "id": c.pk,
                "nation": c.nation_id,
                "nation_name": c.nation.name,
                "package": c.package.name if c.package else "",
                "package_id": c.package_id,
                "value_date": first,
                "pledged": "; ".join(m.format() for m, *_ in p["pledged"]),
                "pledged_usd": pledged_usd if p["pledged"] else None,
                "committed": "; ".join(m.format() for m, *_ in p["committed"]),
                "committed_usd": committed_usd if p["committed"] else None,
                "allocated": "; ".join(
                    f"{m.format()} → {pk.name if pk else ''}" for m, _d, _e, pk in p["allocated"]
                ),
                # the amounts as Money (pledged, committed; allocated with its package's name), for
                # pages to write in their reader's format
                "pledged_money": [m for m, *_ in p["pledged"]],
                "committed_money": [m for m, *_ in p["committed"]],
                "allocated_money": [(m, pk.name if pk else "") for m, _d, _e, pk in p["allocated"]],
                "share_pct": c.share_pct,
                "joint_with": ", ".join(x for x in c.joint_with.split("|") if x),
                "origin": c.origin,
                "amount_unknown": c.amount_unknown,
                "repeat_of": c.repeat_of_id,
                "source": c.source,
                "where": c.where,
                "note": c.note,
                "ledger_events": ", ".join(f"#{e}" for group in p.values() for _m, _d, e, _p in group),
                "provisional": any(
                    conv.provisional(m.currency, d) for group in p.values() for m, d, _e, _p in group
                ),
                # every ledger event of it reversed: a contribution recorded by mistake, cancelled
                "cancelled": bool(reversed_[c.pk]) and all(reversed_[c.pk]),
                "synthetic": c.synthetic,
                "releasable_to": c.releasable_to,
            }
        )
    return out


def contribution_row(user: Any, contribution_id: int) -> dict[str, Any]:
    """One contribution's row (what :func:`contribution_rows` gives for it), as ``user`` may see it."""
    rows = contribution_rows(user, ids=[contribution_id])
    if not rows:
        raise PurlNotFound(f"no contribution {contribution_id} you may see", field="contribution")
    return rows[0]


class ContributionPage(Sequence[dict[str, Any]]):
    """The visible contributions as a sequence whose slices are read from the database: counting
    them is one query, and a page's figures are computed for that page's contributions only (the
    API's pagination slices it)."""

    def __init__(self, user: Any, nation: str | None = None) -> None:
        self.user, self.nation = user, nation
        self.qs = _contributions(user, nation)

    def __len__(self) -> int:
        return self.qs.count()

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, int):
            ids = list(self.qs.values_list("pk", flat=True)[index : index + 1])
            if not ids:
                raise IndexError(index)
            return contribution_rows(self.user, self.nation, ids=ids)[0]
        ids = list(self.qs.values_list("pk", flat=True)[index])
        return contribution_rows(self.user, self.nation, ids=ids) if ids else []


def commitments_by_month(
    user: Any, conv: Rates | None = None, include_synthetic: bool = False
) -> list[dict[str, Any]]:
    """Commitments per month (value date) and nation, in USD (allocations are parts of them).

    Synthetic demo commitments are left out unless ``include_synthetic``; then they are rows of
    their own, marked, never added into a real nation's month."""
    conv = conv or Rates()
    links = FundingEvent.objects.filter(role=Role.COMMITMENT)
    if not include_synthetic:
        links = links.exclude(contribution__synthetic=True).exclude(event__synthetic=True)
    demo = set(links.filter(contribution__synthetic=True).values_list("event_id", flat=True))
    rows_, fig = _events(user, list(links.values_list("event_id", flat=True)))
    sums: dict[tuple[str, str, bool], Decimal] = defaultdict(lambda: ZERO)
    for e in rows_:
        size = fig.sizes.get(e.pk, 0)
        if size > 0 and e.pk not in fig.reversed:
            synthetic = e.pk in demo or bool(e.synthetic)
            sums[(e.value_date.strftime("%Y-%m"), e.party_id, synthetic)] += conv.usd(
                Money.from_minor(size, e.currency), e.value_date
            )
    return [
        {"month": m, "nation": n, "committed_usd": v, "synthetic": syn}
        for (m, n, syn), v in sorted(sums.items())
    ]


def month_chart(rows: list[dict[str, Any]], title: str, synthetic_label: str = "synthetic") -> dict[str, Any]:
    """A Vega-Lite spec: stacked bars of commitments per month by nation (million USD); a synthetic
    row is its own series, named with ``synthetic_label``."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "height": 260,
        "data": {
            "values": [
                {
                    "month": r["month"],
                    "nation": f"{r['nation']} ({synthetic_label})" if r.get("synthetic") else r["nation"],
                    "musd": float(r["committed_usd"] / 1_000_000),
                }
                for r in rows
            ]
        },
        # vega-tooltip would inject a <style> element, which the strict CSP refuses: no tooltips.
        "usermeta": {"embedOptions": {"tooltip": False}},
        "mark": "bar",
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": None},
            "y": {"field": "musd", "type": "quantitative", "title": _("million USD"), "stack": "zero"},
            "color": {"field": "nation", "type": "nominal", "title": None},
        },
    }


def coverage_by_month(user: Any, conv: Rates | None = None) -> list[dict[str, Any]]:
    """Per monthly list: what it needs, what packages take of it, and the funding that reaches it.

    A package's counted funding (USD) is shared among its items in proportion to their value, and
    an item never receives more than its value; so a month is covered by what the packages built from
    its items have received.
    """
    conv = conv or Rates()
    by_list: dict[int, dict[str, Any]] = {}
    active = Prefetch("items", queryset=RequirementItem.objects.filter(active=True), to_attr="active_rows")
    for lst in RequirementList.objects.visible_to(user).prefetch_related(active):
        needs = sum((it.unit_cost_usd * it.quantity for it in lst.active_rows), ZERO)
        by_list[lst.pk] = {
            "month": lst.month.strftime("%Y-%m"),
            "list": lst.pk,
            "title": lst.title,
            "needs_usd": needs,
            "packaged_usd": ZERO,
            "funded_usd": ZERO,
            "funding_access": ALL,
            "synthetic": lst.synthetic,
        }
    packages = list(
        Package.objects.visible_to(user)
        .filter(origin=Origin.WORKFLOW)
        .prefetch_related(Prefetch("items", queryset=PackageItem.objects.select_related("item")))
    )
    valued = []
    for package in packages:
        parts = [(pi.item.requirement_list_id, pi.unit_cost_usd * pi.quantity) for pi in package.items.all()]
        value = sum((v for _l, v in parts), ZERO)
        if value:
            valued.append((package, parts, value))
    # the funding of the packages that take anything, read at once, not package by package
    read = funding_read(user, [package for package, _p, _v in valued])
    for package, parts, value in valued:
        fund = coverage(user, package, conv, read)
        counted = fund.counted_usd
        for list_id, part in parts:
            if list_id in by_list:
                row = by_list[list_id]
                if fund.access in (PARTIAL, WITHHELD):
                    row["funding_access"] = PARTIAL
                    row.setdefault("_known", False)
                if fund.access != WITHHELD:
                    row["_known"] = True
                by_list[list_id]["packaged_usd"] += part
                by_list[list_id]["funded_usd"] += min(
                    part, (counted * part / value).quantize(Decimal("0.01"))
                )
    rows = sorted(by_list.values(), key=lambda r: r["month"])
    for r in rows:
        if not r.pop("_known", True):  # none of its packages' funding is releasable to the user
            r["funding_access"], r["funded_usd"] = WITHHELD, None
        r["coverage_pct"] = pct(r["funded_usd"], r["needs_usd"]) if r["funded_usd"] is not None else None
    return rows


def shipment_rows(user: Any) -> list[dict[str, Any]]:
    visible = Package.objects.visible_to(user)
    return [
        {
            "id": s.pk,
            "package": s.package_item.package.name,
            "package_id": s.package_item.package_id,
            "package_item": s.package_item_id,
            "description": s.package_item.item.description,
            "quantity": s.quantity,
            "unit": s.package_item.item.unit,
            "value_usd": s.package_item.unit_cost_usd * s.quantity,
            "hub": s.hub,
            "shipped_on": s.shipped_on,
            "received_on": s.received_on,
            "received_by": s.received_by,
            "received_quantity": s.received,
            "receipt_note": s.receipt_note,
            "ledger_event": s.ledger_event_id,
            "receipt_event": s.receipt_event_id,
            "synthetic": s.synthetic or s.package_item.package.synthetic,
        }
        for s in Shipment.objects.filter(package_item__package__in=visible).select_related(
            "package_item__package", "package_item__item"
        )
    ]


def active_items(lst: RequirementList) -> list[RequirementItem]:
    return list(lst.items.filter(active=True).order_by("rank", "id"))


def approved_items_left() -> list[dict[str, Any]]:
    """Items of approved lists with what is still left for packages."""
    out = []
    for it in (
        RequirementItem.objects.filter(active=True, requirement_list__state="approved")
        .select_related("requirement_list")
        .order_by("requirement_list__month", "rank")
    ):
        taken = int(it.package_items.aggregate(q=Sum("quantity"))["q"] or 0)
        if it.quantity - taken > 0:
            out.append({"item": it, "left": it.quantity - taken})
    return out


__all__ = [
    "ALL",
    "HUNDRED",
    "PARTIAL",
    "RELEASED",
    "WITHHELD",
    "ZERO",
    "ContributionPage",
    "Funding",
    "Origin",
    "Rates",
    "active_items",
    "approved_items_left",
    "board",
    "commitments_by_month",
    "contribution_nations",
    "contribution_row",
    "contribution_rows",
    "coverage",
    "coverage_by_month",
    "funding_read",
    "item_rows",
    "list_summary",
    "lists",
    "month_chart",
    "package_items",
    "pct",
    "received_by_unit",
    "shipment_rows",
    "status_of",
    "steps_done",
    "trail",
]
