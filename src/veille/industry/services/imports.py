"""Importing the industry dataset: the service behind ``veille import industry PATH``.

Figures are append-only: an import adds the rows it has not seen, and a row whose content changed
becomes a new revision of its ``ref`` (the earlier one is kept); nothing is overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from veille.audit.services import do_audit
from veille.core import industry as core
from veille.industry.models import (
    BuyerKind,
    CapacityFigure,
    Contract,
    Contradiction,
    DataFile,
    Input,
    InputRequirement,
    Producer,
    Product,
    Site,
    SubjectKind,
)
from veille.industry.rows import LICENCE, FigureRow, Parsed
from veille.kit.importers import ImportSummary, Progress, no_progress
from veille.nations.access import Actor, Releasability, require_coordinator
from veille.nations.exceptions import UnknownNation
from veille.nations.models import Nation
from veille.nations.services import resolve_nation

#: The same company under another name in the sources.
PRODUCER_ALIASES = {"RTX": "Raytheon"}
#: The fields a re-import compares to tell an unchanged row from a revised one.
COMPARED = (
    "kind",
    "raw",
    "unit",
    "bound",
    "period_label",
    "target_date",
    "stated",
    "actor",
    "actor_type",
    "country",
    "source_title",
    "source_url",
    "source_date",
    "note",
)


class _DryRun(Exception):
    pass


def producer_name(actor: str) -> str:
    """``"Rheinmetall (CEO Armin Papperger)"`` → ``"Rheinmetall"``; ``"RTX / COMLOG"`` → ``"Raytheon"``."""
    name = actor.split(" (")[0].split(" / ")[0].strip()
    return PRODUCER_ALIASES.get(name, name)


def _nation(name: str, cache: dict[str, Nation | None]) -> Nation | None:
    if name not in cache:
        try:
            cache[name] = resolve_nation(name)
        except UnknownNation:
            cache[name] = None
    return cache[name]


def subject_of(row: FigureRow, nations: dict[str, Nation | None]) -> dict[str, Any]:
    """Whose figure a row is: a site, a company, a nation, several nations, the EU, Europe or NATO."""
    country = row.country
    producer = producer_name(row.actor) if row.actor_type == "company" else ""
    group = re.fullmatch(r"multinational \((.+?)(?: group)?\)", country)
    if group and not producer:
        producer = producer_name(group.group(1))
    special = group or country in ("EU", "Europe", "NATO") or "," in country
    nation = None if special or not country else _nation(country, nations)
    if row.site:
        kind, label = SubjectKind.SITE, row.site
    elif group:
        kind, label = SubjectKind.COMPANY, producer
    elif country == "EU":
        kind, label = SubjectKind.EU, "EU"
    elif country == "Europe":
        kind, label = SubjectKind.EUROPE, "Europe"
    elif country == "NATO":
        kind, label = SubjectKind.ALLIANCE, "NATO"
    elif "," in country:
        kind, label = SubjectKind.GROUP, country
    elif producer:
        kind, label = SubjectKind.COMPANY, producer
    else:
        kind, label = SubjectKind.NATION, nation.code if nation else country
    return {"kind": kind, "label": label, "nation": nation, "producer": producer}


def _buyer(row: FigureRow, subject: Mapping[str, Any]) -> dict[str, Any]:
    if row.actor_type == "alliance" or row.country == "NATO":
        return {"buyer_kind": BuyerKind.NSPA, "buyer_label": "NSPA", "buyer_nation": None}
    if "," in row.country:
        return {"buyer_kind": BuyerKind.JOINT, "buyer_label": row.country, "buyer_nation": None}
    if row.actor_type == "government" and subject["nation"] is not None:
        n = subject["nation"]
        return {"buyer_kind": BuyerKind.NATION, "buyer_label": n.name, "buyer_nation": n}
    return {"buyer_kind": BuyerKind.NOT_STATED, "buyer_label": "", "buyer_nation": None}


def do_import(
    actor: Actor, parsed: Parsed, progress: Progress = no_progress, dry_run: bool = False
) -> ImportSummary:
    """Store the dataset in one transaction; the rows set aside by the reader are reported."""
    require_coordinator(actor, "import industry figures")
    summary = ImportSummary(
        source=f"{parsed.folder} (sha256 {parsed.sha256[:12]}…)", read=len(parsed.figures)
    )
    summary.problems.extend(str(p) for p in parsed.problems)
    summary.rejected = sum(1 for p in parsed.problems if p.severity == "rejected")
    summary.extra["undated_targets"] = parsed.undated_targets
    summary.extra["inputs"] = len(parsed.inputs)
    try:
        with transaction.atomic():
            _store(actor, parsed, summary, progress)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return summary


def _store(actor: Actor, parsed: Parsed, summary: ImportSummary, progress: Progress) -> None:
    data_file, created_file = DataFile.objects.get_or_create(
        sha256=parsed.sha256,
        defaults={
            "file_name": ", ".join(parsed.files),
            "title": "Industry capacity announcements",
            "licence": LICENCE,
        },
    )
    nations: dict[str, Nation | None] = {}
    products = {p.name: p for p in Product.objects.all()}
    producers = {p.name: p for p in Producer.objects.all()}
    sites = {s.name: s for s in Site.objects.all()}
    latest: dict[str, CapacityFigure] = {}
    for f in CapacityFigure.objects.filter(ref__in=[r.ref for r in parsed.figures]).order_by(
        "ref", "revision"
    ):
        latest[f.ref] = f

    def product_for(name: str, category: str, family: str) -> Product:
        if name not in products:
            products[name] = Product.objects.create(
                name=name, slug=_slug(name), category=category, family=family
            )
        return products[name]

    progress(0, total=len(parsed.figures), description="industry: storing figures")
    for row in parsed.figures:
        subject = subject_of(row, nations)
        producer = None
        if subject["producer"] and subject["kind"] in (
            SubjectKind.COMPANY,
            SubjectKind.SITE,
            SubjectKind.GROUP,
        ):
            # a contract's country may be the buyer's: a producer's nation comes from its other rows
            nation = subject["nation"] if row.kind != "contract" else None
            producer = producers.get(subject["producer"])
            if producer is None:
                producer = producers[subject["producer"]] = Producer.objects.create(
                    name=subject["producer"], nation=nation
                )
            elif producer.nation_id is None and nation is not None:
                producer.nation = nation
                producer.save(update_fields=["nation"])
        site = None
        if row.site:
            site = sites.get(row.site)
            if site is None:
                site = sites[row.site] = Site.objects.create(
                    name=row.site, producer=producer, nation=subject["nation"]
                )
            elif site.producer_id is None and producer is not None:
                site.producer = producer
                site.save(update_fields=["producer"])
        values = {
            "kind": row.kind,
            "raw": row.raw,
            "unit": row.unit,
            "bound": row.bound,
            "period_label": row.period_label,
            "target_date": str(row.target) if row.target else "",
            "stated": str(row.stated),
            "actor": row.actor,
            "actor_type": row.actor_type,
            "country": row.country,
            "source_title": row.source_title,
            "source_url": row.source_url,
            "source_date": row.source_date,
            "note": row.note,
        }
        current = latest.get(row.ref)
        if (
            current is not None
            and all(getattr(current, k) == v for k, v in values.items())
            and (current.product.name == row.product)
        ):
            summary.unchanged += 1
            progress(1)
            continue
        figure = CapacityFigure.objects.create(
            ref=row.ref,
            revision=(current.revision + 1) if current else 1,
            data_file=data_file,
            product=product_for(row.product, row.category, row.family),
            quantity=row.quantity,
            stated_on=row.stated.last_day,
            subject_kind=subject["kind"],
            subject_label=subject["label"],
            nation=subject["nation"],
            producer=producer,
            site=site,
            recorded_by=actor.label,
            releasable_to=Releasability.PUBLIC,
            **values,
        )
        if current is None:
            summary.created += 1
        else:
            summary.updated += 1
            summary.problems.append(
                f"{row.ref}: revised (revision {figure.revision}); revision {current.revision} kept"
            )
        if row.kind == "contract":
            _contract(figure, row, subject, producer)
        progress(1)
    _requirements(parsed, data_file, product_for)
    for number, refs, what in parsed.contradictions:
        Contradiction.objects.update_or_create(number=number, defaults={"refs": refs, "what": what})
    if summary.created or summary.updated or created_file:
        do_audit(
            actor,
            "industry.import",
            data_file,
            after={
                "files": parsed.files,
                "created": summary.created,
                "revised": summary.updated,
                "unchanged": summary.unchanged,
                "rejected": summary.rejected,
                "undated_targets": parsed.undated_targets,
            },
        )


def _slug(name: str) -> str:
    base = slugify(name)[:70] or "product"
    slug, n = base, 2
    while Product.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _contract(
    figure: CapacityFigure, row: FigureRow, subject: Mapping[str, Any], producer: Producer | None
) -> None:
    money = core.unit_kind(row.unit) == "money"
    Contract.objects.create(
        figure=figure,
        ref=row.ref,
        product=figure.product,
        supplier=producer,
        quantity=None if money else row.quantity,
        quantity_unit="" if money else row.unit,
        value_amount=row.quantity if money else None,
        value_currency=row.unit if money else "",
        signed=str(row.stated),
        signed_on=row.stated.last_day,
        delivery_label=row.period_label,
        releasable_to=Releasability.PUBLIC,
        **_buyer(row, subject),
    )


def _requirements(parsed: Parsed, data_file: DataFile, product_for: Any) -> None:
    inputs = {i.name: i for i in Input.objects.all()}
    stored = set(InputRequirement.objects.values_list("ref", flat=True))
    for r in parsed.inputs:
        if r.ref in stored:
            continue
        if r.input not in inputs:
            inputs[r.input] = Input.objects.create(name=r.input, unit="tonnes")
        existing = Product.objects.filter(name=r.product).first()
        product = existing or product_for(r.product, "", r.product)
        InputRequirement.objects.create(
            ref=r.ref,
            data_file=data_file,
            product=product,
            input=inputs[r.input],
            quantity=r.quantity,
            unit=r.unit,
            per_unit_tonnes=r.conversion.value.quantize(Decimal("1e-12")),
            conversion=r.conversion.shown,
            source_title=r.source_title,
            source_url=r.source_url,
            note=r.note,
        )


__all__ = [
    "do_import",
    "producer_name",
    "subject_of",
]
