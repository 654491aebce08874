"""Read models of the industry pages, the API, the exports and the command line.

Every read goes through ``CapacityFigure.objects.visible_to(user).current()``: the latest revision
of each row the user may see. Conflicting figures are returned side by side, never merged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from veille.core import industry as core
from veille.industry.models import CapacityFigure, CategoryMapping, Contract, Contradiction, Product


def figures(user: Any) -> QuerySet[CapacityFigure]:
    return (
        CapacityFigure.objects.visible_to(user)
        .current()
        .select_related("product", "nation", "producer", "site")
        .order_by("ref")
    )


def to_fig(f: CapacityFigure) -> core.Fig:
    return core.Fig(
        ref=f.ref,
        kind=f.kind,
        value=f.quantity,
        unit=f.unit,
        stated=core.PartialDate.parse(f.stated),
        subject=f.subject_key,
        period=core.parse_period(f.period_label),
        target=core.PartialDate.parse(f.target_date) if f.target_date else None,
        bound=f.bound,
        family=f.product.family,
    )


def contradictions_by_ref() -> dict[str, list[Contradiction]]:
    out: dict[str, list[Contradiction]] = defaultdict(list)
    for c in Contradiction.objects.all():
        for ref in c.ref_list:
            out[ref].append(c)
    return out


FIGURE_COLUMNS = [
    "ref",
    "revision",
    "product",
    "category",
    "kind",
    "quantity",
    "unit",
    "bound",
    "per_year",
    "conversion",
    "period_label",
    "target_date",
    "stated",
    "subject",
    "actor",
    "country",
    "site",
    "source_title",
    "source_url",
    "source_date",
    "note",
    "contradicts",
    "releasable_to",
]


def figure_dict(
    f: CapacityFigure, contradictions: dict[str, list[Contradiction]] | None = None
) -> dict[str, Any]:
    conv = None
    if core.is_rate(f.unit):
        conv = to_fig(f).rate("per year")
    others = sorted({r for c in (contradictions or {}).get(f.ref, []) for r in c.ref_list if r != f.ref})
    return {
        "ref": f.ref,
        "revision": f.revision,
        "product": f.product.name,
        "product_slug": f.product.slug,
        "category": f.product.category,
        "kind": f.kind,
        "quantity": f.quantity,
        "raw": f.raw,
        "unit": f.unit,
        "bound": f.bound,
        "per_year": conv.value if conv else None,
        "conversion": conv.shown if conv else "",
        "conversion_of": conv,
        "period_label": f.period_label,
        "target_date": f.target_date,
        "stated": f.stated,
        "subject": f.subject_label,
        "subject_kind": f.subject_kind,
        "actor": f.actor,
        "country": f.country,
        "site": f.site.name if f.site else "",
        "source_title": f.source_title,
        "source_url": f.source_url,
        "source_date": f.source_date,
        "note": f.note,
        "contradicts": " ".join(others),
        "releasable_to": f.releasable_to,
    }


def figure_rows(
    user: Any, *, product: str | None = None, kind: str | None = None, undated: bool = False
) -> list[dict[str, Any]]:
    qs = figures(user)
    if product:
        qs = qs.filter(product__slug=product) | qs.filter(product__name=product)
    if kind:
        qs = qs.filter(kind=kind)
    if undated:
        qs = qs.filter(kind="target_capacity", target_date="")
    c = contradictions_by_ref()
    return [figure_dict(f, c) for f in qs]


@dataclass
class Family:
    """One product family's rate figures, for a chart and a capacity table."""

    name: str
    slug: str
    category: str
    products: list[str]
    figures: list[core.Fig]
    meta: dict[str, dict[str, Any]]  # ref → product, source, actor, subject label


def families(user: Any) -> list[Family]:
    """Product families with at least one rate figure, biggest first."""
    by: dict[str, list[CapacityFigure]] = defaultdict(list)
    for f in figures(user):
        if core.is_rate(f.unit):
            by[f.product.family].append(f)
    out = []
    for name, figs in by.items():
        first = min(figs, key=lambda f: f.product.slug).product
        out.append(
            Family(
                name,
                first.slug,
                first.category,
                sorted({f.product.name for f in figs}),
                [to_fig(f) for f in figs],
                {
                    f.ref: {
                        "product": f.product.name,
                        "source": f.source_title,
                        "url": f.source_url,
                        "actor": f.actor,
                        "subject": f.subject_label,
                        "period": f.period_label,
                    }
                    for f in figs
                },
            )
        )
    return sorted(out, key=lambda fam: (-len(fam.figures), fam.name))


CAPACITY_COLUMNS = [
    "product",
    "subject",
    "speaks_of",
    "per_year",
    "unit",
    "refs",
    "conversions",
    "conflicting",
    "bounds",
]


def capacity_rows(
    user: Any, as_of: dt.date, product: str | None = None, fams: list[Family] | None = None
) -> list[dict[str, Any]]:
    """Per product family and subject: the capacity as of a date, each figure used, with conversions."""
    rows = []
    for fam in families(user) if fams is None else fams:
        if product and product not in (fam.slug, fam.name, *fam.products):
            continue
        for cap in core.capacity_as_of(fam.figures, as_of):
            rows.append(
                {
                    "product": fam.name,
                    "slug": fam.slug,
                    "subject": cap.subject.split(":", 1)[1],
                    "subject_kind": cap.subject.split(":", 1)[0],
                    "speaks_of": cap.speaks_of,
                    "per_year": cap.rates[0].value if not cap.conflicting else None,
                    "values": [r.value for r in cap.rates],
                    "unit": cap.rates[0].unit,
                    "refs": " ".join(f.ref for f in cap.figures),
                    "conversions": "; ".join(r.shown for r in cap.rates),
                    "rates": list(cap.rates),
                    "conflicting": cap.conflicting,
                    "bounds": " ".join(f.bound for f in cap.figures if f.bound),
                }
            )
    return rows


def capacity_for_products(
    products: Iterable[str], as_of: dt.date | None = None, user: Any = None
) -> dict[str, list[dict[str, Any]]]:
    """For each product (slug or name), its family's capacity by subject as of a date: what a page
    setting demand beside capacity reads. Products with no figure map to an empty list."""
    day = as_of or dt.date.today()
    rows = capacity_rows(user, day)
    out: dict[str, list[dict[str, Any]]] = {}
    for p in products:
        product = Product.objects.filter(slug=p).first() or Product.objects.filter(name=p).first()
        family = product.family if product else None
        out[p] = [r for r in rows if r["product"] == family]
    return out


def capacity_for_category(
    purl_category: str, as_of: dt.date | None = None, user: Any = None
) -> dict[str, list[dict[str, Any]]]:
    """The capacity of the products a PURL category is mapped to (coordinators edit the mapping)."""
    slugs = list(
        CategoryMapping.objects.filter(purl_category=purl_category).values_list("product__slug", flat=True)
    )
    return capacity_for_products(slugs, as_of, user)


TARGET_COLUMNS = [
    "ref",
    "product",
    "subject",
    "stated",
    "target_date",
    "target_per_year",
    "status",
    "on_track",
    "latest_ref",
    "latest_per_year",
    "needed_pct",
    "achieved_pct",
    "reached_by",
    "lag_days",
    "late_by_days",
    "used",
    "why",
]


def target_rows(
    user: Any, as_of: dt.date, product: str | None = None, fams: list[Family] | None = None
) -> list[dict[str, Any]]:
    """Every target (undated ones reported as such), tracked against its subject's actual figures."""
    rows = []
    for fam in families(user) if fams is None else fams:
        if product and product not in (fam.slug, fam.name, *fam.products):
            continue
        for t in fam.figures:
            if t.kind != "target_capacity":
                continue
            track = core.track_target(t, fam.figures, as_of)
            lag = core.announcement_lag(t, [f for f in fam.figures if f.known_on(as_of)])
            rows.append(
                {
                    "ref": t.ref,
                    "product": fam.name,
                    "slug": fam.slug,
                    "subject": t.subject.split(":", 1)[1],
                    "stated": str(t.stated),
                    "target_date": str(t.target) if t.target else "",
                    "target_per_year": track.target_rate.value if track.target_rate else None,
                    "conversion": track.target_rate.shown if track.target_rate else "",
                    "conversion_of": track.target_rate,
                    "status": track.status,
                    "on_track": track.on_track,
                    "latest_ref": track.latest.ref if track.latest else "",
                    "latest_per_year": track.latest.rate("per year").value if track.latest else None,
                    "needed_pct": track.needed_pct,
                    "achieved_pct": track.achieved_pct,
                    "reached_by": track.reached_by.ref if track.reached_by else "",
                    "lag_days": lag.days,
                    "late_by_days": lag.late_by_days,
                    "used": " ".join(track.used),
                    "why": track.why,
                    "bound": t.bound,
                }
            )
    return sorted(rows, key=lambda r: r["ref"])


CONTRACT_COLUMNS = [
    "ref",
    "product",
    "buyer",
    "buyer_kind",
    "supplier",
    "quantity",
    "quantity_unit",
    "value",
    "currency",
    "signed",
    "delivery",
    "source_title",
    "source_url",
    "contradicts",
]


def contract_rows(user: Any, product: str | None = None) -> list[dict[str, Any]]:
    qs = (
        Contract.objects.visible_to(user)
        .select_related("product", "supplier", "figure")
        .prefetch_related("deliveries")
        .filter(figure__in=CapacityFigure.objects.current())
    )
    if product:
        qs = qs.filter(product__slug=product)
    c = contradictions_by_ref()
    return [
        {
            "ref": k.ref,
            "product": k.product.name,
            "slug": k.product.slug,
            "buyer": k.buyer_label,
            "buyer_kind": k.buyer_kind,
            "supplier": k.supplier.name if k.supplier else "",
            "quantity": k.quantity,
            "quantity_unit": k.quantity_unit,
            "value": k.value_amount,
            "currency": k.value_currency,
            "signed": k.signed,
            "delivery": k.delivery_label
            or "; ".join(f"{d.due}: {d.quantity.normalize():f}" for d in k.deliveries.all()),
            "source_title": k.figure.source_title if k.figure else "",
            "source_url": k.figure.source_url if k.figure else "",
            "contradicts": " ".join(sorted({r for x in c.get(k.ref, []) for r in x.ref_list if r != k.ref})),
        }
        for k in qs
    ]


def parse_as_of(text: str | None) -> dt.date:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (the period's last day); today when empty."""
    if not text:
        return dt.date.today()
    return core.PartialDate.parse(text, field="as_of").last_day


__all__ = [
    "Family",
    "capacity_for_category",
    "capacity_for_products",
    "capacity_rows",
    "contract_rows",
    "contradictions_by_ref",
    "families",
    "figure_dict",
    "figure_rows",
    "figures",
    "parse_as_of",
    "target_rows",
    "to_fig",
]
