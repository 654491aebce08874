"""Pages that compute or change: the bottleneck what-if, recording a figure, the PURL category mapping."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veille.core.errors import VeilleError
from veille.industry import charts, scenarios
from veille.industry.forms import FigureForm, MappingForm, WhatIfForm
from veille.industry.models import CategoryMapping, Product
from veille.industry.services import do_map_category, do_record_figure, do_unmap_category
from veille.kit.exports import export_response
from veille.nations.access import Actor, membership_of, sees_everything
from veille.nations.models import Role

#: Ratios listed on the page; a large scenario's others are in the exports.
SHOWN = 60

# --- bottlenecks --------------------------------------------------------------------------------


def _bottlenecks(request: HttpRequest) -> dict[str, Any]:
    """The example scenario solved, and again with the what-if capacities the form gives."""
    error: VeilleError | None = None
    built = scenarios.build(scenarios.example(), request.user)
    form = WhatIfForm([(i.name, i.capacity) for i in built.inputs], request.GET or None)
    changes: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        changes = scenarios.what_if_values(built, form.changes())
    try:
        result = scenarios.result(built, changes)
    except VeilleError as exc:
        error, result = exc, scenarios.result(built)
    return {
        "form": form,
        "result": result,
        "requirements_shown": result["requirements"][:SHOWN],
        "requirements_more": max(0, len(result["requirements"]) - SHOWN),
        "error": error,
        "changed": bool(changes) and error is None,
        "spec": charts.bottleneck_chart(result["inputs"]),
    }


def bottlenecks(request: HttpRequest) -> HttpResponse:
    if not Product.objects.exists():
        return render(request, "industry/bottlenecks.html", {"empty": True})
    try:
        ctx = _bottlenecks(request)
    except VeilleError as exc:
        return render(request, "industry/bottlenecks.html", {"error": exc}, status=exc.http_status)
    return render(request, "industry/bottlenecks.html", ctx, status=422 if ctx["error"] else 200)


def bottlenecks_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404(f"no export as {fmt}")
    if not Product.objects.exists():
        raise Http404("no industry data loaded: run veille import industry data/industry")
    ctx = _bottlenecks(request)
    r = ctx["result"]
    rows = [
        {
            "what": "input",
            "name": i["name"],
            "capacity": i["capacity"],
            "used_or_output": i["used"],
            "dual": i["dual"],
            "binding": i["binding"],
            "from": (i["origin"] or {}).get("ref") or (i["origin"] or {}).get("kind", ""),
            "conversion": (i["origin"] or {}).get("conversion", ""),
        }
        for i in r["inputs"]
    ] + [
        {
            "what": "product",
            "name": p["name"],
            "capacity": p["capacity"],
            "used_or_output": p["output"],
            "dual": p["dual"],
            "binding": p["binding"],
            "from": (p["origin"] or {}).get("ref", ""),
            "conversion": (p["origin"] or {}).get("conversion", ""),
        }
        for p in r["products"]
    ]
    rows += [
        {
            "what": "requirement",
            "name": f"{q['product']} <- {q['input']}",
            "capacity": q["per_unit_tonnes"],
            "from": (q["origin"] or {}).get("ref") or (q["origin"] or {}).get("kind", ""),
            "conversion": (q["origin"] or {}).get("conversion", ""),
        }
        for q in r["requirements"]
    ]
    columns = ["what", "name", "capacity", "used_or_output", "dual", "binding", "from", "conversion"]
    meta = {
        "scenario": r["name"],
        "note": r["note"],
        "objective": r["objective"],
        "user_values": r["user_values"],
    }
    return export_response(rows, columns, fmt, "veille-industry-bottlenecks", meta=meta)


# --- recording a figure -------------------------------------------------------------------------


def _may_record(request: HttpRequest) -> bool:
    m = membership_of(request.user)
    return sees_everything(request.user) or (
        m is not None and m.role == Role.EDITOR and m.nation_id is not None
    )


def figure_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _may_record(request):
        raise PermissionDenied(_("only editors and coordinators may record industry figures"))
    form = FigureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            figure = do_record_figure(Actor.from_request(request), form.values())
        except VeilleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect(f"/industry/figures/?product={figure.product.slug}#{figure.ref}")
    return render(request, "industry/figure_form.html", {"form": form}, status=422 if form.errors else 200)


# --- PURL category → product ------------------------------------------------------------------------


def mapping(request: HttpRequest) -> HttpResponse:
    may_edit = sees_everything(request.user)
    form = MappingForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_edit:
            raise PermissionDenied(_("only coordinators map PURL categories to products"))
        if form.is_valid():
            try:
                d = form.cleaned_data
                do_map_category(Actor.from_request(request), d["purl_category"], d["product"], d["note"])
            except VeilleError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return redirect("industry:mapping")
    return render(
        request,
        "industry/mapping.html",
        {"mappings": CategoryMapping.objects.select_related("product"), "form": form, "may_edit": may_edit},
        status=422 if form.errors else 200,
    )


@require_POST
def mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        do_unmap_category(Actor.from_request(request), pk)
    except VeilleError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from None
        raise Http404(exc.message) from None
    return redirect("industry:mapping")
