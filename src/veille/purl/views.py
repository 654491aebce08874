"""PURL's reading pages: the package board, the monthly lists with their approval trail, a package,
a nation's contributions, the public record beside NATO's statement, notifications, exports.
The workflow's forms (:mod:`veille.purl.forms`) are shown by :mod:`veille.purl.views_lists` and
:mod:`veille.purl.views_packages`, through :func:`form_page`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from veille.core.errors import VeilleError
from veille.kit.exports import export_response
from veille.kit.synthetic import wants_synthetic
from veille.nations.access import Actor, membership_of
from veille.nations.models import Nation
from veille.notices.queries import for_user, history
from veille.purl import materiel, queries, services, views_pipeline, workflow
from veille.purl.claims import claim_checks
from veille.purl.forms import StepForm
from veille.purl.models import Package, RequirementList
from veille.purl.public_record import countries, totals
from veille.purl.rights import is_editor_of


def _can(request: HttpRequest) -> dict[str, bool]:
    actor = Actor.from_request(request)
    return {
        "draft": is_editor_of(actor, "UKR"),
        "coordinate": actor.user is not None and actor.is_coordinator,
        "contribute": actor.user is not None
        and (actor.is_coordinator or (actor.role == "editor" and actor.nation_code not in (None, "UKR"))),
        "ship": actor.user is not None and (actor.is_coordinator or is_editor_of(actor, "USA")),
        "receive": is_editor_of(actor, "UKR"),
    }


def form_page(
    request: HttpRequest,
    form: StepForm,
    then: Callable[[Any], str],
    *,
    title: str,
    submit: str,
    lead: str = "",
) -> HttpResponse:
    """GET shows the form; POST validates it and submits it, then goes to ``then(what it made)``.
    A refused step shows the form again with its named error, answered with the error's status."""
    if request.method == "POST" and form.is_valid():
        try:
            return redirect(then(form.submit()))
        except VeilleError as exc:
            form.fail(exc)
    context = {"form": form, "title": title, "lead": lead, "submit": submit}
    return render(request, "purl/form.html", context, status=form.status)


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    packages, conv = queries.board(user)
    include_synthetic = wants_synthetic(request)
    months = queries.commitments_by_month(request.user, conv, include_synthetic=include_synthetic)
    context = {
        "packages": [p for p in packages if p["origin"] == "workflow"],
        "announced": [p for p in packages if p["origin"] == "announcement"],
        "lists": [
            queries.list_summary(lst, request.user)
            for lst in RequirementList.objects.visible_to(request.user)
        ],
        "months": months,
        "month_spec": queries.month_chart(
            months, _("Commitments per month by nation, million USD"), synthetic_label=_("synthetic")
        ),
        "include_synthetic": include_synthetic,
        "synthetic_exists": any(p["synthetic"] for p in packages),
        "rates": conv.listed(),
        "rates_source": conv.source,
        "can": _can(request),
    }
    return render(request, "purl/index.html", context)


def lists(request: HttpRequest) -> HttpResponse:
    rows = [
        queries.list_summary(lst, request.user) for lst in RequirementList.objects.visible_to(request.user)
    ]
    conv = queries.Rates()
    context = {
        "lists": rows,
        "coverage": queries.coverage_by_month(request.user, conv),
        "rates": conv.listed(),
        "rates_source": conv.source,
        "can": _can(request),
    }
    return render(request, "purl/lists.html", context)


def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lst = RequirementList.objects.visible_to(request.user).filter(pk=pk).first()
    if lst is None:
        raise Http404(_("No such list, or not visible to you."))
    actor = Actor.from_request(request)
    step = workflow.current_step(lst.state)
    mine = {
        "UKR": is_editor_of(actor, "UKR"),
        "NATO": actor.user is not None and actor.role in ("coordinator", "admin"),
        "USA": is_editor_of(actor, "USA"),
    }
    items = queries.item_rows(lst, request.user, include_removed=True)
    _moves(items)
    context = {
        "lst": lst,
        "items": items,
        "trail": queries.trail(lst),
        "steps": queries.steps_done(lst),
        "amendments": lst.amendments.all(),
        "my_step": step if step and mine.get(step) else None,
        "editable": lst.state in workflow.EDITABLE and mine["UKR"],
        "amendable": lst.state == workflow.APPROVED and mine["UKR"],
        "can": _can(request),
    }
    return render(request, "purl/list.html", context)


def _moves(items: list[dict[str, Any]]) -> None:
    """The order each active item's up and down buttons send (the list page works without script)."""
    ids = [i["id"] for i in items if i["active"]]
    for n, row in enumerate(i for i in items if i["active"]):
        for key, other in (("up", n - 1), ("down", n + 1)):
            if 0 <= other < len(ids):
                order = list(ids)
                order[n], order[other] = order[other], order[n]
                row[key] = ",".join(map(str, order))


def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    package = Package.objects.visible_to(request.user).filter(pk=pk).first()
    if package is None:
        raise Http404(_("No such package, or not visible to you."))
    # One converter for this package's own money: its rates list only the currencies it uses.
    conv = queries.Rates()
    fund = queries.coverage(request.user, package, conv)
    items = queries.package_items(package, request.user)
    value = sum((i["value_usd"] for i in items), queries.ZERO)
    received_value = sum((i["received_value_usd"] for i in items), queries.ZERO)
    shares = materiel.delivery_shares(request.user, package)
    context = {
        "package": package,
        "fund": fund,
        "contributors": fund.contributors(),
        "items": items,
        "versions": package.versions.all(),
        "shipments": [s for s in queries.shipment_rows(request.user) if s["package_id"] == package.pk],
        "delivered": queries.status_of(sum(i["received"] for i in items), sum(i["quantity"] for i in items)),
        "value_usd": value,
        "received_value_usd": received_value,
        "delivered_pct": queries.pct(received_value, value),
        "shares": shares,
        "share_rows": materiel.share_rows(shares) if shares.attributed else [],
        "shares_why_not": materiel.reason(shares.why_not) if shares.why_not else "",
        "rates": conv.listed(),
        "rates_source": conv.source,
        "can": _can(request),
    }
    return render(request, "purl/package.html", context)


def contributions(request: HttpRequest) -> HttpResponse:
    m = membership_of(request.user)
    code = (request.GET.get("nation") or (m.nation_id if m and m.nation_id else "") or "").upper()
    nation = Nation.objects.filter(code=code).first() if code else None
    if code and nation is None:
        raise Http404(_("No nation has that code."))
    conv = queries.Rates()
    rows = queries.contribution_rows(request.user, nation=code or None, conv=conv)
    actor = Actor.from_request(request)
    for r in rows:
        r["correctable"] = (
            actor.user is not None
            and r["origin"] == "workflow"
            and not r["cancelled"]
            and bool(r["pledged"] or r["committed"])
            and (actor.is_coordinator or is_editor_of(actor, r["nation"]))
        )
    context = {
        "nation": nation,
        "rows": rows,
        "nations": Nation.objects.filter(pk__in=queries.contribution_nations(request.user)),
        "rates": conv.listed(),
        "rates_source": conv.source,
        "can": _can(request),
    }
    return render(request, "purl/contributions.html", context)


def record(request: HttpRequest) -> HttpResponse:
    t = totals(request.user)
    return render(
        request, "purl/record.html", {"t": t, "countries": countries(t), "check": claim_checks()[0]}
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.do_mark_read(Actor.from_request(request))
        return redirect("purl:notifications")
    from veille.purl.summary import awaiting

    context = {
        "mine": for_user(request.user, app="purl"),
        "notes": history(request.user, app="purl"),
        "awaiting": awaiting(request.user),
    }
    return render(request, "purl/notifications.html", context)


# --- exports --------------------------------------------------------------------------------------

COLUMNS = {
    "lists": [
        "id",
        "month",
        "title",
        "state",
        "version",
        "items",
        "estimated_cost_usd",
        "delivery",
        "synthetic",
        "releasable_to",
    ],
    "items": [
        "id",
        "list",
        "month",
        "rank",
        "category",
        "description",
        "quantity",
        "unit",
        "unit_cost_usd",
        "estimated_cost_usd",
        "cost_source",
        "justification",
        "packaged",
        "received",
        "delivery",
        "active",
        "synthetic",
    ],
    "trail": ["list", "at", "step", "decision", "comment", "by", "list_version", "amendment", "synthetic"],
    "packages": [
        "id",
        "number",
        "name",
        "origin",
        "version",
        "value_usd",
        "target_usd",
        "committed_usd",
        "unattributed_usd",
        "pledged_open_usd",
        "coverage_pct",
        "funded",
        "funding_access",
        "items",
        "shipped_value_usd",
        "received_value_usd",
        "delivered_pct",
        "received_by_unit",
        "delivery",
        "provisional",
        "synthetic",
        "releasable_to",
    ],
    "package_items": [
        "id",
        "package",
        "item",
        "list",
        "description",
        "quantity",
        "unit",
        "unit_cost_usd",
        "value_usd",
        "shipped",
        "received",
        "shipped_value_usd",
        "received_value_usd",
        "delivery",
        "synthetic",
    ],
    "contributions": [
        "id",
        "nation",
        "package",
        "value_date",
        "pledged",
        "pledged_usd",
        "committed",
        "committed_usd",
        "allocated",
        "share_pct",
        "joint_with",
        "origin",
        "amount_unknown",
        "repeat_of",
        "ledger_events",
        "provisional",
        "cancelled",
        "source",
        "where",
        "note",
        "synthetic",
        "releasable_to",
    ],
    "shipments": [
        "id",
        "package",
        "package_item",
        "description",
        "quantity",
        "unit",
        "value_usd",
        "hub",
        "shipped_on",
        "received_on",
        "received_by",
        "received_quantity",
        "receipt_note",
        "ledger_event",
        "receipt_event",
        "synthetic",
    ],
    "months": ["month", "nation", "committed_usd", "synthetic"],
    "coverage": [
        "month",
        "list",
        "title",
        "needs_usd",
        "packaged_usd",
        "funded_usd",
        "coverage_pct",
        "funding_access",
        "synthetic",
    ],
    "record": [
        "where",
        "nation",
        "package",
        "committed",
        "committed_usd",
        "pledged",
        "pledged_usd",
        "allocated",
        "counting",
        "source",
        "note",
    ],
}


COLUMNS.update(views_pipeline.COLUMNS)


def table_rows(
    user: Any, table: str, include_synthetic: bool = False
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The rows of an export and its stamp (the ECB rates used where money was converted). Every row
    that holds a synthetic demo record says so; the months' totals leave them out unless asked."""
    conv = queries.Rates()
    visible_lists = list(RequirementList.objects.visible_to(user))
    if table == "lists":
        rows = [queries.list_summary(lst, user) for lst in visible_lists]
    elif table == "items":
        rows = [r for lst in visible_lists for r in queries.item_rows(lst, user, include_removed=True)]
    elif table == "trail":
        rows = [r for lst in visible_lists for r in queries.trail(lst)]
    elif table == "packages":
        rows = [{k: v for k, v in p.items() if k != "package"} for p in queries.board(user)[0]]
    elif table == "package_items":
        lists = {lst.pk for lst in visible_lists}
        rows = [r for p in Package.objects.visible_to(user) for r in queries.package_items(p, user, lists)]
    elif table == "contributions":
        rows = queries.contribution_rows(user, conv=conv)
    elif table == "shipments":
        rows = queries.shipment_rows(user)
    elif table == "coverage":
        rows = queries.coverage_by_month(user, conv)
    elif table == "months":
        rows = queries.commitments_by_month(user, conv, include_synthetic=include_synthetic)
    elif table in views_pipeline.TABLES:
        rows = views_pipeline.table(user, table, include_synthetic)
        return rows, {
            "unit": "days",
            "definitions": "docs/purl.md, lead times",
            "synthetic": "included, marked"
            if include_synthetic
            else "listed, marked; left out of the figures",
        }
    elif table == "record":
        t = totals(user)
        rows, conv = t["rows"], conv
        return rows, {"rates": t["rates"], "rates_source": t["rates_source"], "files": t["files"]}
    else:
        raise Http404(f"no table {table}")
    return rows, {
        "rates": conv.listed(),
        "rates_source": conv.source,
        "unit": "USD at the ECB rate of each value date",
        "provisional": f"converted at the newest ECB rate ({conv.newest.isoformat()}) until the rate of "
        "their value date is loaded, then revalued",
        "synthetic": "included, marked"
        if include_synthetic
        else "rows of synthetic demo records are marked; "
        "totals leave them out (add ?synthetic=1 to include them)",
    }


def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json") or table not in COLUMNS:
        raise Http404(f"no export {table}.{fmt}")
    if table in views_pipeline.TABLES:
        views_pipeline.require_pipeline_reader(request)
    rows, meta = table_rows(request.user, table, wants_synthetic(request))
    return export_response(
        rows, COLUMNS[table], fmt, f"veille-purl-{table}", {"dataset": "veille PURL", **meta}
    )
