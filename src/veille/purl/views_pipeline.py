"""The pipeline page for coordinators (``/purl/pipeline/``): lead times from approval to the last
receipt, their medians and distributions per category and per month, and open items' ageing; its
tables are also exports (``/purl/pipeline.csv``, ``leadtimes.csv``, ``ageing.csv``) and the API's
``GET /api/v1/purl/pipeline``, all for coordinators."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veille.core.errors import PermissionDenied as Refused
from veille.kit.synthetic import wants_synthetic
from veille.nations.access import Actor, require_coordinator
from veille.purl import pipeline

#: The steps as pages name them.
STEP_LABELS = {
    "approved_composed": gettext_lazy("approved → composed"),
    "composed_funded": gettext_lazy("composed → fully funded"),
    "funded_first_shipment": gettext_lazy("fully funded → first shipment"),
    "first_shipment_last_receipt": gettext_lazy("first shipment → last receipt"),
    "total": gettext_lazy("approved → last receipt"),
}
TABLES = ("pipeline", "leadtimes", "ageing")


def figures(user: Any, include_synthetic: bool) -> dict[str, Any]:
    """The pipeline's items (each marked), its distributions and its open items. The distributions
    and the ageing leave synthetic demo records out unless ``include_synthetic``."""
    items = pipeline.pipeline(user)
    counted = [i for i in items if include_synthetic or not i.synthetic]
    return {
        "items": [i.as_row() for i in items],
        "stats": pipeline.stats_rows(counted),
        "ageing": pipeline.ageing_rows(counted),
        "include_synthetic": include_synthetic,
        "synthetic_left_out": sum(1 for i in items if i.synthetic and not include_synthetic),
    }


def require_pipeline_reader(request: HttpRequest) -> None:
    """Coordinators only (a page answers 403, the API its error body)."""
    try:
        require_coordinator(Actor.from_request(request), "read the delivery pipeline")
    except Refused as exc:
        raise PermissionDenied(str(exc)) from None


@login_required
def pipeline_page(request: HttpRequest) -> HttpResponse:
    require_pipeline_reader(request)
    data = figures(request.user, wants_synthetic(request))
    labels = {k: str(v) for k, v in STEP_LABELS.items()}
    labels["days"] = _("median days")
    context = {
        **data,
        "labels": labels,
        "category_stats": [r for r in data["stats"] if r["by"] == "category"],
        "month_stats": [r for r in data["stats"] if r["by"] == "month"],
        "all_stats": [r for r in data["stats"] if r["by"] == "all"],
        "pipeline_spec": pipeline.pipeline_chart(
            data["stats"], _("Median days of each step, per category"), labels
        ),
        "ageing_spec": pipeline.ageing_chart(
            data["ageing"], _("Open items by days since approval"), _("days since approval")
        ),
        "synthetic_exists": any(r["synthetic"] for r in data["items"]),
        "can": {"coordinate": True},
    }
    return render(request, "purl/pipeline.html", context)


def table(user: Any, name: str, include_synthetic: bool) -> list[dict[str, Any]]:
    """The rows of one of the pipeline's exports."""
    data = figures(user, include_synthetic)
    return {"pipeline": data["items"], "leadtimes": data["stats"], "ageing": data["ageing"]}[name]


COLUMNS = {
    "pipeline": [
        "package_item",
        "package",
        "item",
        "category",
        "month",
        "quantity",
        "unit",
        "approved",
        "composed",
        "funded",
        "first_shipment",
        "last_receipt",
        *(f"{s}_days" for s in pipeline.STEPS_ORDER),
        "synthetic",
    ],
    "leadtimes": ["by", "group", "step", "n", "min_days", "p25_days", "median_days", "p75_days", "max_days"],
    "ageing": [
        "package_item",
        "package",
        "item",
        "category",
        "month",
        "stage",
        "days_since_approval",
        "days_since_funding",
        "synthetic",
    ],
}
