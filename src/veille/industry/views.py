"""Reading pages of the industry app: overview, product, producers and sites (with the map),
contracts, every figure, the claim; their CSV/JSON exports."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from shapely.geometry import box, mapping, shape

from veille.core.errors import VeilleError
from veille.industry import charts, claims, queries
from veille.industry.forms import AsOfForm
from veille.industry.models import (
    Category,
    Contradiction,
    DataFile,
    InputRequirement,
    Kind,
    Producer,
    Product,
    Site,
)
from veille.kit.exports import export_response

#: The map's extent: North America to the Urals (every named site lies in it).
MAP_BOX = (-130.0, 15.0, 45.0, 75.0)


def _fmt(fmt: str) -> str:
    if fmt not in ("csv", "json"):
        raise Http404(f"no export as {fmt}")
    return fmt


def _as_of(request: HttpRequest) -> tuple[AsOfForm, dt.date]:
    form = AsOfForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, queries.parse_as_of(form.cleaned_data["as_of"])
    return form, dt.date.today()


def _meta(as_of: dt.date | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "dataset": "Industry capacity announcements (data/industry)",
        "licence": "facts from public sources; cite each row's source_url",
        "note": "announced capacity is not production; conflicting figures are kept side by side",
    }
    latest = DataFile.objects.order_by("-imported_at").first()
    if latest is not None:
        meta.update(files=latest.file_name, sha256=latest.sha256, imported_at=latest.imported_at.isoformat())
    if as_of:
        meta["as_of"] = as_of.isoformat()
    return meta


def _family_charts(fams: list[queries.Family], only: str | None = None) -> list[dict[str, Any]]:
    out = []
    for k, fam in enumerate(fams):
        if only and only not in (fam.slug, fam.name, *fam.products):
            continue
        title = fam.name if len(fam.products) == 1 else f"{fam.name} ({', '.join(fam.products)})"
        out.append(
            {
                "id": f"chart-{fam.slug}",
                "family": fam,
                "spec": charts.capacity_chart(title, fam.figures, fam.meta),
                "n": len(fam.figures),
                "index": k,
            }
        )
    return out


# --- overview ---------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    form, as_of = _as_of(request)
    figs = queries.figures(request.user)
    fams = queries.families(request.user)
    targets = queries.target_rows(request.user, as_of, fams=fams)
    return render(
        request,
        "industry/index.html",
        {
            "form": form,
            "as_of": as_of,
            "charts": _family_charts(fams),
            "capacity": queries.capacity_rows(request.user, as_of, fams=fams),
            "targets": targets,
            "undated": [t for t in targets if t["status"] == "undated"],
            "contradictions": Contradiction.objects.all(),
            "counts": {
                "figures": figs.count(),
                "products": Product.objects.count(),
                "producers": Producer.objects.count(),
                "sites": Site.objects.count(),
                "kinds": dict(figs.order_by().values_list("kind").annotate(n=Count("id"))),
            },
            "kinds": Kind.choices,
        },
    )


def index_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _form, as_of = _as_of(request)
    table = request.GET.get("table", "capacity")
    if table == "capacity":
        rows, columns = queries.capacity_rows(request.user, as_of), queries.CAPACITY_COLUMNS
    elif table == "targets":
        rows, columns = queries.target_rows(request.user, as_of), queries.TARGET_COLUMNS
    else:
        raise Http404(f"no table {table!r}: use capacity or targets")
    return export_response(rows, columns, _fmt(fmt), f"veille-industry-{table}-{as_of}", meta=_meta(as_of))


# --- one product --------------------------------------------------------------------------------


def product(request: HttpRequest, slug: str) -> HttpResponse:
    item = Product.objects.filter(slug=slug).first()
    if item is None:
        raise Http404(f"no product {slug!r}")
    form, as_of = _as_of(request)
    family = list(Product.objects.filter(family=item.family))
    fams = queries.families(request.user)
    return render(
        request,
        "industry/product.html",
        {
            "product": item,
            "family": family,
            "form": form,
            "as_of": as_of,
            "charts": _family_charts(fams, item.name),
            "capacity": queries.capacity_rows(request.user, as_of, item.name, fams),
            "targets": queries.target_rows(request.user, as_of, item.name, fams),
            "figures": [r for p in family for r in queries.figure_rows(request.user, product=p.slug)],
            "contracts": [r for p in family for r in queries.contract_rows(request.user, p.slug)],
            "requirements": InputRequirement.objects.filter(product__in=family).select_related("input"),
        },
    )


# --- producers, sites and the map ---------------------------------------------------------------


def producers(request: HttpRequest) -> HttpResponse:
    figs = queries.figures(request.user)
    by_producer = dict(figs.order_by().values_list("producer").annotate(n=Count("id")))
    by_site = dict(figs.order_by().values_list("site").annotate(n=Count("id")))
    return render(
        request,
        "industry/producers.html",
        {
            "producers": [(p, by_producer.get(p.pk, 0)) for p in Producer.objects.select_related("nation")],
            "sites": [(s, by_site.get(s.pk, 0)) for s in Site.objects.select_related("nation", "producer")],
            "spec": charts.sites_map(
                reverse("industry:basemap"),
                _("Countries where named producers and sites are"),
                [
                    {
                        "name": s.name,
                        "lat": float(s.lat or 0),
                        "lon": float(s.lon or 0),
                        "source": s.coordinates_source,
                    }
                    for s in Site.objects.exclude(lat=None).exclude(lon=None)
                ],
            ),
        },
    )


@lru_cache(maxsize=1)
def _countries() -> list[tuple[str, str, dict[str, Any]]]:
    path = Path(settings.DATA_DIR) / "geo" / "ne_110m_admin_0_countries.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    clip = box(*MAP_BOX)
    out = []
    for f in data["features"]:
        geom = shape(f["geometry"])
        if not geom.intersects(clip):
            continue
        part = shapely.set_precision(geom.intersection(clip), 0.01)
        out.append((f["properties"].get("ADM0_A3", ""), f["properties"].get("NAME", ""), mapping(part)))
    return out


def basemap(request: HttpRequest) -> HttpResponse:
    """Natural Earth 1:110m countries in the map's extent, each with the producers and sites named there."""
    names: dict[str, list[str]] = defaultdict(list)
    for p in Producer.objects.exclude(nation=None):
        names[p.nation_id or ""].append(p.name)
    for s in Site.objects.exclude(nation=None):
        names[s.nation_id or ""].append(s.name)
    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "code": code,
                "name": name,
                "sites": len(names[code]),
                "names": ", ".join(sorted(names[code])),
            },
        }
        for code, name, geometry in _countries()
    ]
    body = {
        "type": "FeatureCollection",
        "features": features,
        "meta": {"source": "Natural Earth 1:110m", "licence": "public domain"},
    }
    return HttpResponse(json.dumps(body, separators=(",", ":")), content_type="application/geo+json")


def producers_export(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [
        {
            "kind": "site",
            "name": s.name,
            "producer": s.producer.name if s.producer else "",
            "nation": s.nation_id or "",
            "lat": s.lat,
            "lon": s.lon,
            "coordinates_source": s.coordinates_source,
        }
        for s in Site.objects.select_related("producer")
    ] + [{"kind": "producer", "name": p.name, "nation": p.nation_id or ""} for p in Producer.objects.all()]
    columns = ["kind", "name", "producer", "nation", "lat", "lon", "coordinates_source"]
    return export_response(rows, columns, _fmt(fmt), "veille-industry-producers", meta=_meta())


# --- contracts and figures ----------------------------------------------------------------------


def contracts(request: HttpRequest) -> HttpResponse:
    return render(request, "industry/contracts.html", {"contracts": queries.contract_rows(request.user)})


def contracts_export(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = queries.contract_rows(request.user, request.GET.get("product") or None)
    return export_response(
        rows, queries.CONTRACT_COLUMNS, _fmt(fmt), "veille-industry-contracts", meta=_meta()
    )


def _figure_filters(request: HttpRequest) -> dict[str, Any]:
    kind = request.GET.get("kind") or None
    if kind not in (None, *Kind.values):
        raise Http404(f"unknown kind {kind!r}")
    return {
        "product": request.GET.get("product") or None,
        "kind": kind,
        "undated": request.GET.get("undated") == "1",
    }


def figures(request: HttpRequest) -> HttpResponse:
    filters = _figure_filters(request)
    return render(
        request,
        "industry/figures.html",
        {
            "rows": queries.figure_rows(request.user, **filters),
            "filters": filters,
            "kinds": Kind.choices,
            "products": Product.objects.order_by("name"),
            "categories": dict(Category.choices),
            "query": request.GET.urlencode(),
        },
    )


def figures_export(request: HttpRequest, fmt: str) -> HttpResponse:
    filters = _figure_filters(request)
    rows = queries.figure_rows(request.user, **filters)
    return export_response(
        rows,
        queries.FIGURE_COLUMNS,
        _fmt(fmt),
        "veille-industry-figures",
        meta={**_meta(), "filters": filters},
    )


# --- the claim ------------------------------------------------------------------------------------


def claim(request: HttpRequest) -> HttpResponse:
    try:
        check, series = claims.production_claim(request.user)
    except VeilleError as exc:  # pragma: no cover - a stored row that no longer reads
        raise Http404(str(exc)) from None
    return render(request, "industry/claims.html", {"check": check, "series": series})
