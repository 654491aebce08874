"""The forms of PURL's workflow, one per step: draft a list and its items, decide (approve or
return), amend, compose a package, pledge or commit, commit a pledge, ship, confirm receipt.

Every form posts to a service; a refused step shows the service's named error beside the field it
names (or above the form), with the status of the error, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veille.core.errors import VeilleError
from veille.nations.access import Actor, Releasability, membership_of
from veille.nations.models import Nation
from veille.purl import queries, services, workflow
from veille.purl.models import Category, Package, RequirementList, Shipment, Step
from veille.purl.views import _can

MARKINGS = Releasability.choices


def _f(
    name: str, label: Any, value: Any = "", type_: str = "text", options: Any = None, help_: Any = ""
) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "value": "" if value is None else value,
        "type": type_,
        "options": options,
        "help": help_,
    }


def _form(
    request: HttpRequest,
    *,
    title: Any,
    fields: list[dict[str, Any]],
    submit: Any,
    act: Callable[[dict[str, str]], str],
    lead: Any = "",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET shows the form; POST calls ``act`` (a service call returning the URL to go to)."""
    error: VeilleError | None = None
    status = 200
    if request.method == "POST":
        values = {k: str(v).strip() for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        for f in fields:
            if f["type"] != "checkbox":
                f["value"] = values.get(f["name"], f["value"])
        try:
            return redirect(act(values))
        except VeilleError as exc:
            error, status = exc, exc.http_status
    names = {f["name"] for f in fields}
    return render(
        request,
        "purl/form.html",
        {
            "title": title,
            "lead": lead,
            "fields": fields,
            "submit": submit,
            "error": error,
            "error_placed": bool(error and error.field in names),
            **(context or {}),
        },
        status=status,
    )


def _releasability(values: dict[str, str]) -> tuple[str, list[str]]:
    nations = [c for c in values.get("releasable_nations", "").replace(";", ",").split(",") if c.strip()]
    return values.get("releasable_to", Releasability.NATO), nations


def _markings(value: str = Releasability.NATO) -> list[dict[str, Any]]:
    return [
        _f("releasable_to", gettext_lazy("Releasable to"), value, "select", MARKINGS),
        _f(
            "releasable_nations",
            gettext_lazy("Nations (codes, comma-separated) when releasable to listed nations"),
        ),
    ]


# --- lists ------------------------------------------------------------------------------------------


@login_required
def list_new(request: HttpRequest) -> HttpResponse:
    if not _can(request)["draft"]:
        raise PermissionDenied(_("Only Ukraine's editors draft requirement lists."))
    today = dt.date.today()

    def act(v: dict[str, str]) -> str:
        to, nations = _releasability(v)
        lst = services.do_create_list(
            Actor.from_request(request), v.get("month", ""), v.get("title", ""), to, nations
        )
        return f"/purl/lists/{lst.pk}/"

    return _form(
        request,
        title=_("Draft a monthly requirement list"),
        fields=[
            _f("month", _("Month"), f"{today:%Y-%m}", "month"),
            _f("title", _("Title")),
            *_markings(),
        ],
        submit=_("Create the draft"),
        act=act,
    )


def _item_fields(item: Any = None) -> list[dict[str, Any]]:
    get = (lambda k: getattr(item, k)) if item is not None else (lambda k: "")
    return [
        _f("rank", _("Rank"), get("rank"), "number"),
        _f("category", _("Capability"), get("category") or "air_defence", "select", Category.choices),
        _f("description", _("Description"), get("description")),
        _f("quantity", _("Quantity"), get("quantity"), "number"),
        _f("unit", _("Unit"), get("unit")),
        _f(
            "unit_cost_usd",
            _("Estimated unit cost (USD)"),
            get("unit_cost_usd"),
            help_=_("Two decimals at most"),
        ),
        _f("cost_source", _("Source of the cost estimate"), get("cost_source")),
        _f("justification", _("Justification"), get("justification"), "textarea"),
    ]


def _list_for(request: HttpRequest, pk: int) -> RequirementList:
    lst = RequirementList.objects.visible_to(request.user).filter(pk=pk).first()
    if lst is None:
        raise Http404(_("No such list, or not visible to you."))
    return lst


@login_required
def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    lst = _list_for(request, pk)

    def act(v: dict[str, str]) -> str:
        services.do_add_item(
            Actor.from_request(request),
            lst.pk,
            services.ItemData(**{k: v.get(k, "") for k in services.ITEM_FIELDS}),
        )
        return f"/purl/lists/{lst.pk}/"

    return _form(
        request,
        title=_("Add an item to %(list)s") % {"list": lst.title},
        fields=_item_fields(),
        submit=_("Add the item"),
        act=act,
    )


@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    lst = _list_for(request, pk)
    step = workflow.current_step(lst.state) or "USA"

    def act(v: dict[str, str]) -> str:
        services.do_decide(
            Actor.from_request(request),
            lst.pk,
            v.get("step", ""),
            v.get("decision", ""),
            v.get("comment", ""),
        )
        return f"/purl/lists/{lst.pk}/"

    return _form(
        request,
        title=_("Decide on %(list)s") % {"list": lst.title},
        lead=_(
            "Each step approves or returns the list with a comment, in order: Ukraine, NATO, the United "
            "States."
        ),
        fields=[
            _f("step", _("Step"), step, "select", Step.choices),
            _f(
                "decision",
                _("Decision"),
                "approve",
                "select",
                [("approve", _("Approve")), ("return", _("Return"))],
            ),
            _f("comment", _("Comment"), "", "textarea", help_=_("Required when returning the list")),
        ],
        submit=_("Record the decision"),
        act=act,
    )


@login_required
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    lst = _list_for(request, pk)
    items = [(i.pk, f"{i.rank}. {i.description}") for i in queries.active_items(lst)]
    changeable = ("rank", "quantity", "unit_cost_usd", "cost_source", "justification", "description")

    def act(v: dict[str, str]) -> str:
        if v.get("action") == "remove":
            change: dict[str, Any] = {"remove": v.get("item")}
        else:
            change = {"item": v.get("item"), **{k: v[k] for k in changeable if v.get(k)}}
        services.do_amend_list(Actor.from_request(request), lst.pk, [change], v.get("reason", ""))
        return f"/purl/lists/{lst.pk}/"

    return _form(
        request,
        title=_("Amend %(list)s") % {"list": lst.title},
        lead=_(
            "An approved list changes only through an amendment. A change of rank or justification reopens "
            "NATO's approval; of the cost source, the United States'; of what is bought, how many or at what "
            "cost, both."
        ),
        fields=[
            _f("item", _("Item"), items[0][0] if items else "", "select", items),
            _f(
                "action",
                _("Change"),
                "change",
                "select",
                [("change", _("Change the fields below")), ("remove", _("Remove the item"))],
            ),
            _f("rank", _("New rank")),
            _f("quantity", _("New quantity")),
            _f("unit_cost_usd", _("New estimated unit cost (USD)")),
            _f("cost_source", _("New source of the cost estimate")),
            _f("description", _("New description")),
            _f("justification", _("New justification"), "", "textarea"),
            _f("reason", _("Why the list is amended"), "", "textarea"),
        ],
        submit=_("Amend the list"),
        act=act,
    )


# --- packages, contributions, deliveries --------------------------------------------------------------


@login_required
def package_new(request: HttpRequest) -> HttpResponse:
    if not _can(request)["coordinate"]:
        raise PermissionDenied(_("Only coordinators compose packages."))
    left = queries.approved_items_left()

    def act(v: dict[str, str]) -> str:
        chosen = {
            row["item"].pk: v.get(f"qty_{row['item'].pk}", "")
            for row in left
            if v.get(f"qty_{row['item'].pk}")
        }
        to, nations = _releasability(v)
        package = services.do_create_package(
            Actor.from_request(request), v.get("name", ""), chosen, v.get("target_usd") or None, to, nations
        )
        return f"/purl/packages/{package.pk}/"

    fields = [
        _f("name", _("Name"), help_=_("Empty: “PURL package N”")),
        _f("target_usd", _("Funding target (USD)"), help_=_("Empty: the value of the items")),
        *[
            _f(
                f"qty_{row['item'].pk}",
                f"{row['item'].description} — {row['item'].requirement_list.month:%Y-%m}",
                "",
                "number",
                help_=_("%(left)s %(unit)s left at %(cost)s USD each")
                % {"left": row["left"], "unit": row["item"].unit, "cost": row["item"].unit_cost_usd},
            )
            for row in left
        ],
        *_markings(),
    ]
    return _form(
        request,
        title=_("Compose a package"),
        lead=_("Quantities of approved items; an item may be split across packages."),
        fields=fields,
        submit=_("Create the package"),
        act=act,
    )


def _nation_choices(request: HttpRequest) -> list[tuple[str, str]]:
    m = membership_of(request.user)
    if m is not None and m.nation_id and m.role == "editor":
        return [(m.nation_id, m.nation.name if m.nation else m.nation_id)]
    return [(n.code, n.name) for n in Nation.objects.exclude(code="UKR")]


@login_required
def contribute(request: HttpRequest) -> HttpResponse:
    if not _can(request)["contribute"]:
        raise PermissionDenied(_("Only a nation's editors (for their nation) and coordinators contribute."))
    packages = [("", _("PURL in general (allocated later by coordinators)"))] + [
        (str(p.pk), p.name) for p in Package.objects.visible_to(request.user).filter(origin="workflow")
    ]

    def act(v: dict[str, str]) -> str:
        to, nations = _releasability(v)
        try:
            day = dt.date.fromisoformat(v.get("value_date", ""))
        except ValueError:
            from veille.core.errors import InvalidInput

            raise InvalidInput("a date (YYYY-MM-DD)", field="value_date") from None
        data = services.ContributionData(
            nation=v.get("nation", ""),
            amount=v.get("amount", ""),
            currency=v.get("currency", ""),
            value_date=day,
            sources=[v.get("source", "")],
            package=int(v["package"]) if v.get("package") else None,
            share_pct=v.get("share_pct") or None,
            releasable_to=to,
            releasable_nations=nations,
        )
        actor = Actor.from_request(request)
        c = (services.do_pledge if v.get("kind") == "pledge" else services.do_commit)(actor, data)
        return (
            f"/purl/packages/{c.package_id}/"
            if c.package_id
            else f"/purl/contributions/?nation={c.nation_id}"
        )

    from veille.ledger import rates

    last = rates.converter().table.source.last_date
    return _form(
        request,
        title=_("Pledge or commit funds"),
        lead=_(
            "In your nation's own currency. A pledge is shown apart and counts once committed. ECB rates "
            "are loaded up to %(day)s: a value date after it cannot be converted until newer rates are "
            "loaded."
        )
        % {"day": last.isoformat()},
        fields=[
            _f("nation", _("Nation"), "", "select", _nation_choices(request)),
            _f("package", _("Package"), request.GET.get("package", ""), "select", packages),
            _f(
                "kind",
                _("Kind"),
                "commitment",
                "select",
                [("pledge", _("Pledge")), ("commitment", _("Commitment"))],
            ),
            _f("amount", _("Amount")),
            _f("currency", _("Currency (ISO 4217)"), help_=_("e.g. EUR, NOK, USD")),
            _f("value_date", _("Value date"), min(dt.date.today(), last).isoformat(), "date"),
            _f("share_pct", _("Share of a joint package (%)"), help_=_("Optional")),
            _f("source", _("Source (decision, letter, announcement)")),
            *_markings(),
        ],
        submit=_("Record"),
        act=act,
    )


@login_required
def commit_pledge(request: HttpRequest, pk: int) -> HttpResponse:
    from veille.purl.models import Contribution

    if not Contribution.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404(_("No such contribution, or not visible to you."))

    def act(v: dict[str, str]) -> str:
        try:
            day = dt.date.fromisoformat(v.get("value_date", ""))
        except ValueError:
            from veille.core.errors import InvalidInput

            raise InvalidInput("a date (YYYY-MM-DD)", field="value_date") from None
        c = services.do_commit(
            Actor.from_request(request),
            services.ContributionData(
                "", v.get("amount", ""), v.get("currency", ""), day, [v.get("source", "")]
            ),
            contribution=pk,
        )
        return f"/purl/contributions/?nation={c.nation_id}"

    return _form(
        request,
        title=_("Commit a pledge"),
        lead=_("Never more than was pledged: raise the pledge by an amendment first."),
        fields=[
            _f("amount", _("Amount")),
            _f("currency", _("Currency (ISO 4217)")),
            _f("value_date", _("Value date"), dt.date.today().isoformat(), "date"),
            _f("source", _("Source")),
        ],
        submit=_("Commit"),
        act=act,
    )


@login_required
def ship(request: HttpRequest, pk: int) -> HttpResponse:
    package = Package.objects.visible_to(request.user).filter(pk=pk).first()
    if package is None:
        raise Http404(_("No such package, or not visible to you."))
    items = [
        (str(i["id"]), f"{i['description']} ({i['shipped']}/{i['quantity']} {i['unit']})")
        for i in queries.package_items(package)
    ]

    def act(v: dict[str, str]) -> str:
        services.do_ship(
            Actor.from_request(request),
            v.get("package_item"),
            v.get("quantity"),
            v.get("hub", ""),
            v.get("shipped_on", ""),
        )
        return f"/purl/packages/{package.pk}/"

    return _form(
        request,
        title=_("Record a shipment of %(package)s") % {"package": package.name},
        fields=[
            _f("package_item", _("Item"), items[0][0] if items else "", "select", items),
            _f("quantity", _("Quantity"), "", "number"),
            _f("hub", _("Hub")),
            _f("shipped_on", _("Shipped on"), dt.date.today().isoformat(), "date"),
        ],
        submit=_("Record the shipment"),
        act=act,
    )


@login_required
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = (
        Shipment.objects.select_related("package_item__package", "package_item__item").filter(pk=pk).first()
    )
    if shipment is None or not shipment.package_item.package.is_visible_to(request.user):
        raise Http404(_("No such shipment, or not visible to you."))

    def act(v: dict[str, str]) -> str:
        services.do_receive(
            Actor.from_request(request), shipment.pk, v.get("received_on", ""), v.get("note", "")
        )
        return f"/purl/packages/{shipment.package_item.package_id}/"

    return _form(
        request,
        title=_("Confirm receipt of %(quantity)s × %(item)s")  # noqa: RUF001
        % {"quantity": shipment.quantity, "item": shipment.package_item.item.description},
        lead=_("Shipped on %(day)s through %(hub)s.")
        % {"day": shipment.shipped_on.isoformat(), "hub": shipment.hub},
        fields=[
            _f("received_on", _("Received on"), dt.date.today().isoformat(), "date"),
            _f("note", _("Note"), "", "textarea"),
        ],
        submit=_("Confirm receipt"),
        act=act,
    )


@login_required
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator gives part of a general contribution to a package."""
    from veille.purl.models import Contribution

    contribution = Contribution.objects.visible_to(request.user).filter(pk=pk, package=None).first()
    if contribution is None:
        raise Http404(_("No such general contribution, or not visible to you."))
    if not _can(request)["coordinate"]:
        raise PermissionDenied(_("Only coordinators allocate general contributions to packages."))
    packages = [
        (str(p.pk), p.name) for p in Package.objects.visible_to(request.user).filter(origin="workflow")
    ]

    def act(v: dict[str, str]) -> str:
        try:
            day = dt.date.fromisoformat(v.get("value_date", ""))
        except ValueError:
            from veille.core.errors import InvalidInput

            raise InvalidInput("a date (YYYY-MM-DD)", field="value_date") from None
        link = services.do_allocate(
            Actor.from_request(request),
            contribution.pk,
            int(v.get("package") or 0),
            v.get("amount", ""),
            v.get("currency", ""),
            day,
            [v.get("source", "")],
        )
        return f"/purl/packages/{link.package_id}/"

    return _form(
        request,
        title=_("Allocate a contribution of %(nation)s") % {"nation": contribution.nation_id},
        lead=_("Part of a general commitment given to a package; never more than the commitment has left."),
        fields=[
            _f("package", _("Package"), packages[0][0] if packages else "", "select", packages),
            _f("amount", _("Amount")),
            _f("currency", _("Currency (ISO 4217)"), contribution.currency),
            _f("value_date", _("Value date"), dt.date.today().isoformat(), "date"),
            _f("source", _("Source")),
        ],
        submit=_("Allocate"),
        act=act,
    )


@login_required
def package_change(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator changes a package's composition or target: a new version."""
    package = Package.objects.visible_to(request.user).filter(pk=pk, origin="workflow").first()
    if package is None:
        raise Http404(_("No such package, or not visible to you."))
    if not _can(request)["coordinate"]:
        raise PermissionDenied(_("Only coordinators compose packages."))
    current = {pi.item_id: pi.quantity for pi in package.items.all()}
    rows = {row["item"].pk: row for row in queries.approved_items_left()}
    for item_id in current:
        rows.setdefault(item_id, {"item": package.items.get(item_id=item_id).item, "left": 0})

    def act(v: dict[str, str]) -> str:
        given = {i: v.get(f"qty_{i}", "") for i in rows}
        chosen = {i: q for i, q in given.items() if q != "" and q != str(current.get(i, ""))}
        services.do_change_package(
            Actor.from_request(request), package.pk, chosen, v.get("target_usd") or None, v.get("reason", "")
        )
        return f"/purl/packages/{package.pk}/"

    fields = [
        _f("target_usd", _("Funding target (USD)"), package.target_usd),
        *[
            _f(
                f"qty_{i}",
                row["item"].description,
                current.get(i, ""),
                "number",
                help_=_("%(left)s %(unit)s left at %(cost)s USD each")
                % {"left": row["left"], "unit": row["item"].unit, "cost": row["item"].unit_cost_usd},
            )
            for i, row in rows.items()
        ],
        _f("reason", _("Why the package changes"), "", "textarea"),
    ]
    return _form(
        request,
        title=_("Change %(package)s") % {"package": package.name},
        lead=_("Every change is kept as a new version; 0 takes an item out."),
        fields=fields,
        submit=_("Save a new version"),
        act=act,
    )
