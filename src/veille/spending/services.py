"""Every write of the spending app: importing published figures, recording national plans."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core import spending as core
from veille.core.errors import VeilleError
from veille.kit.importers import ImportSummary, Progress, no_progress
from veille.nations.access import Actor, require_coordinator, require_editor_for, validate_releasability
from veille.nations.exceptions import UnknownNation
from veille.nations.models import Nation, NationKind
from veille.nations.services import resolve_nation
from veille.spending.exceptions import InvalidPlan
from veille.spending.models import Figure, NationalPlan, PlanYear, Source
from veille.spending.workbooks import Parsed, RawFigure

#: The fields that make a stored figure what it is; a re-import compares them all.
COMPARED = (
    "nation_id",
    "aggregate",
    "raw",
    "scale",
    "unit",
    "estimate",
    "uncertain",
    "sheet",
    "table",
    "cell",
    "currency",
    "marker",
    "source_url",
    "note",
)
BATCH = 2000
DECIMALS = Decimal(1).scaleb(-14)


def _key(
    measure: str, entity: str, price_base: str, year: int, edition: str
) -> tuple[str, str, str, int, str]:
    return measure, entity, price_base, year, edition


class _DryRun(Exception):
    pass


def _resolve_all(entities: Iterable[str]) -> dict[str, str | None]:
    """Nation code for each name (``None`` when no nation goes by it)."""
    codes: dict[str, str | None] = {}
    for name in entities:
        try:
            codes[name] = resolve_nation(name).code
        except UnknownNation:
            codes[name] = None
    return codes


def check_import_figures(
    actor: Actor, parsed: Parsed
) -> tuple[list[tuple[RawFigure, str | None]], dict[str, int]]:
    """The caller's right to import, and the nation of each figure: the figures kept (with their
    nation's code, ``None`` for a SIPRI country veille does not know) and, by name, how many were
    rejected. Countries of NATO's tables and of the press file must be known allies; SIPRI's other
    countries are kept under SIPRI's name without a nation."""
    require_coordinator(actor, "import spending figures")
    info = parsed.source
    codes = _resolve_all({f.entity for f in parsed.figures if not f.aggregate})
    allies = set(Nation.objects.filter(kind=NationKind.ALLY).values_list("code", flat=True))
    accepted: list[tuple[RawFigure, str | None]] = []
    rejected_names: dict[str, int] = {}
    for f in parsed.figures:
        code = codes.get(f.entity) if not f.aggregate else None
        if info.kind in ("nato", "press") and not f.aggregate and code not in allies:
            rejected_names[f.entity] = rejected_names.get(f.entity, 0) + 1
            continue
        accepted.append((f, code))
    return accepted, rejected_names


def do_import_figures(
    actor: Actor, parsed: Parsed, progress: Progress = no_progress, dry_run: bool = False
) -> ImportSummary:
    """Store a parsed file in one transaction; a second import of the same file changes nothing.

    The rows :func:`check_import_figures` rejects are reported (with the spelling to add to the
    reference nations' aliases), never stored.
    """
    accepted, rejected_names = check_import_figures(actor, parsed)
    info = parsed.source
    summary = ImportSummary(source=f"{info.file_name} (sha256 {info.sha256[:12]}…)", read=len(parsed.figures))
    summary.problems.extend(parsed.problems)
    for name, n in sorted(rejected_names.items()):
        summary.problems.append(
            f"{name!r} is not an ally veille knows ({n} figures rejected); add the spelling "
            "to the reference nations' aliases"
        )
    summary.rejected = sum(rejected_names.values())
    summary.extra["notes"] = parsed.notes
    try:
        with transaction.atomic():
            _store(actor, parsed, accepted, summary, progress)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return summary


def _store(
    actor: Actor,
    parsed: Parsed,
    accepted: list[tuple[RawFigure, str | None]],
    summary: ImportSummary,
    progress: Progress,
) -> None:
    info = parsed.source
    source = Source.objects.filter(kind=info.kind, sha256=info.sha256).first()
    values = {
        "file_name": info.file_name,
        "publisher": info.publisher,
        "title": info.title,
        "edition": info.edition,
        "edition_date": info.edition_date,
        "licence": info.licence,
        "url": info.url,
        "confidence": info.confidence,
    }
    if source is None:
        source = Source.objects.create(kind=info.kind, sha256=info.sha256, **values)
        do_audit(actor, "spending.source.create", source, after=snapshot(source))
    elif any(getattr(source, k) != v for k, v in values.items()):
        before = snapshot(source)
        for k, v in values.items():
            setattr(source, k, v)
        source.save()
        do_audit(actor, "spending.source.update", source, before=before, after=snapshot(source))
    existing = {
        _key(f.measure, f.entity, f.price_base, f.year, f.edition): f
        for f in Figure.objects.filter(source=source).only(
            "id", "measure", "entity", "price_base", "year", "edition", *COMPARED
        )
    }
    to_create: list[Figure] = []
    to_update: list[Figure] = []
    progress(0, total=len(accepted), description=f"{info.kind}: storing figures")
    for i, (f, code) in enumerate(accepted, start=1):
        wanted: dict[str, Any] = {
            "nation_id": code,
            "aggregate": f.aggregate,
            "raw": f.raw,
            "scale": f.scale,
            "unit": f.unit,
            "estimate": f.estimate,
            "uncertain": f.uncertain,
            "sheet": f.sheet,
            "table": f.table[:160],
            "cell": f.cell,
            "currency": f.currency,
            "marker": f.marker[:20],
            "source_url": f.source_url,
            "note": f.note[:300],
        }
        current = existing.get(_key(f.measure, f.entity, f.price_base, f.year, f.edition))
        if current is None:
            to_create.append(
                Figure(
                    source=source,
                    entity=f.entity,
                    year=f.year,
                    measure=f.measure,
                    price_base=f.price_base,
                    edition=f.edition,
                    value=_value(f),
                    **wanted,
                )
            )
        elif any(getattr(current, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(current, k, v)
            current.value = _value(f)
            to_update.append(current)
        else:
            summary.unchanged += 1
        if i % BATCH == 0:
            progress(BATCH)
    progress(len(accepted) % BATCH)
    Figure.objects.bulk_create(to_create, batch_size=BATCH)
    if to_update:
        Figure.objects.bulk_update(
            to_update, ["value", *(c for c in COMPARED if c != "nation_id"), "nation"], batch_size=BATCH
        )
    summary.created, summary.updated = len(to_create), len(to_update)
    if to_create or to_update:
        do_audit(
            actor,
            "spending.import",
            source,
            after={
                "file": info.file_name,
                "sha256": info.sha256,
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "rejected": summary.rejected,
            },
        )


def _value(f: RawFigure) -> Decimal:
    return f.value.quantize(DECIMALS)


# --- national plans ---------------------------------------------------------------------------


def _pct(value: Any, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise InvalidPlan(f"{value!r} is not a percentage", field=field) from None
    if not number.is_finite() or number < 0 or number > 100:
        raise InvalidPlan(f"{value} is not a share of GDP between 0 and 100 %", field=field)
    if number != number.quantize(Decimal("0.01")):
        raise InvalidPlan(f"{value}: give at most two decimals", field=field)
    return number


def check_plan(
    actor: Actor,
    nation_code: str,
    years: Mapping[int, tuple[Any, Any]],
    source: str,
    releasable_to: str,
    releasable_nations: Iterable[str],
) -> tuple[Nation, list[core.PlanYear], str, str]:
    """Validate a plan and the actor's right to record it (editors for their own nation only)."""
    nation = Nation.objects.filter(code=(nation_code or "").upper()).first()
    if nation is None or nation.kind != NationKind.ALLY:
        raise InvalidPlan(f"{nation_code!r} is not an ally", field="nation")
    require_editor_for(actor, nation.code, "record a spending plan")
    if not years:
        raise InvalidPlan("give at least one year", field="years")
    plan: list[core.PlanYear] = []
    for year, (core_pct, resilience_pct) in sorted(years.items()):
        if not isinstance(year, int) or not 2024 <= year <= 2035:
            raise InvalidPlan(f"{year} is outside 2024-2035, the span of the pledge", field="years")
        plan.append(
            core.PlanYear(
                year,
                _pct(core_pct, f"core_{year}"),
                _pct(resilience_pct if resilience_pct not in (None, "") else 0, f"resilience_{year}"),
            )
        )
    source = (source or "").strip()
    if not source:
        raise InvalidPlan("say where the plan is published (a URL or a reference)", field="source")
    if len(source) > 300:
        raise InvalidPlan("at most 300 characters", field="source")
    marking, nations = validate_releasability(releasable_to, releasable_nations)
    return nation, plan, marking, nations


def do_record_plan(
    actor: Actor,
    nation_code: str,
    years: Mapping[int, tuple[Any, Any]],
    *,
    source: str,
    note: str = "",
    releasable_to: str = "NATO",
    releasable_nations: Iterable[str] = (),
) -> NationalPlan:
    """Record a new version of a nation's plan. A plan that is not credible is accepted and flagged."""
    from veille.spending.queries import last_actual_share  # reads only

    nation, plan, marking, nations = check_plan(
        actor, nation_code, years, source, releasable_to, releasable_nations
    )
    last = last_actual_share(nation.code)
    assessment = core.assess_plan(
        plan, last_actual_year=last[0] if last else None, last_actual_pct=last[1] if last else None
    )
    with transaction.atomic():
        latest = (
            NationalPlan.objects.select_for_update()
            .filter(nation=nation)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        record_ = NationalPlan.objects.create(
            nation=nation,
            version=(latest or 0) + 1,
            recorded_at=timezone.now(),
            recorded_by=actor.user,
            recorded_by_label=actor.label,
            note=(note or "").strip(),
            source=source.strip(),
            credible=assessment.credible,
            reasons=list(assessment.reasons),
            review_year=assessment.review_year,
            on_path_at_review=assessment.on_path_at_review,
            releasable_to=marking,
            releasable_nations=nations,
            owner_nation=nation,
        )
        PlanYear.objects.bulk_create(
            [
                PlanYear(plan=record_, year=p.year, core_pct=p.core_pct, resilience_pct=p.resilience_pct)
                for p in plan
            ]
        )
        after = snapshot(record_) or {}
        after["years"] = {str(p.year): [str(p.core_pct), str(p.resilience_pct)] for p in plan}
        do_audit(
            actor,
            "spending.plan.record",
            record_,
            after=after,
            note="" if assessment.credible else "not credible: " + "; ".join(assessment.reasons),
        )
    return record_


__all__ = ["VeilleError", "check_import_figures", "check_plan", "do_import_figures", "do_record_plan"]
