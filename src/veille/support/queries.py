"""Read models of support to Ukraine: donors ranked, months, weapons, and the claim check of the
report's 99 % sentence.

Pages that set support beside another mechanism's data (the overview's share of GDP, the claims
page with PURL's and spending's claims) are the shell's: ``veille.web.support_overview`` and
``veille.web.claims_page``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from veille.core.claims import ClaimCheck, Contribution, Definition, Result, shares
from veille.core.errors import InvalidInput
from veille.kit.memo import per_request
from veille.nations.models import Nation
from veille.support.models import DonorFigure, MonthFigure, TrackerRelease, WeaponFigure

__all__ = [
    "BILLION",
    "CENT",
    "REPORT_SENTENCE_EN",
    "REPORT_SENTENCE_FR",
    "contributions",
    "dataset_meta",
    "definition_labels",
    "donor_table",
    "latest_release",
    "military_share_check",
    "month_table",
    "parse_definition",
    "releases_in_use",
    "result_detail",
    "sensitivity",
    "weapon_table",
]

BILLION = Decimal(1_000_000_000)
CENT = Decimal("0.01")


@per_request
def latest_release(kind: str = "summary") -> TrackerRelease | None:
    return TrackerRelease.objects.filter(kind=kind).order_by("-number").first()


def releases_in_use() -> list[TrackerRelease]:
    """The releases whose figures the pages show: the latest summary and the latest workbook."""
    return [r for r in (latest_release("summary"), latest_release("workbook")) if r is not None]


def dataset_meta() -> dict[str, object]:
    """The ``meta`` of support's exports: the tracker releases in use, the unit and the basis."""
    return {
        "dataset": [
            {
                "tracker": r.source_name,
                "release": r.number,
                "file": r.file_name,
                "sha256": r.sha256,
                "last_updated": r.last_updated,
                "licence": r.licence,
                "source": r.source_url,
            }
            for r in releases_in_use()
        ],
        "unit": "EUR",
        "basis": "allocations",
    }


def donor_table(release: TrackerRelease | None = None, basis: str = "allocation") -> list[dict[str, Any]]:
    """One row per donor: military, financial, humanitarian and total EUR, ranked by total."""
    release = release or latest_release()
    if release is None:
        return []
    rows: dict[str, dict[str, Any]] = {}
    names = dict(Nation.objects.values_list("code", "name"))
    kinds = dict(Nation.objects.values_list("code", "kind"))
    for code, aid_type, value in (
        DonorFigure.objects.filter(release=release, basis=basis)
        .values_list("donor_id", "aid_type")
        .annotate(v=Sum("value_eur"))
    ):
        row = rows.setdefault(
            code,
            {
                "donor": code,
                "name": names[code],
                "kind": kinds[code],
                "military": Decimal(0),
                "financial": Decimal(0),
                "humanitarian": Decimal(0),
            },
        )
        row[aid_type] += value or Decimal(0)
    for row in rows.values():
        for t in ("military", "financial", "humanitarian"):
            row[t] = Decimal(row[t]).quantize(CENT)
        row["total"] = row["military"] + row["financial"] + row["humanitarian"]
        row["release"] = release.number
    return sorted(rows.values(), key=lambda r: (-r["total"], r["donor"]))


def month_table(release: TrackerRelease | None = None) -> list[dict[str, Any]]:
    release = release or latest_release()
    if release is None:
        return []
    by_month: dict[dt.date, dict[str, Any]] = {}
    for m in MonthFigure.objects.filter(release=release):
        row = by_month.setdefault(
            m.month,
            {
                "month": m.month.strftime("%Y-%m"),
                "military": Decimal(0),
                "financial": Decimal(0),
                "humanitarian": Decimal(0),
            },
        )
        row[m.aid_type] = m.value_eur
    return [by_month[k] for k in sorted(by_month)]


def weapon_table(release: TrackerRelease | None = None, by_donor: bool = False) -> list[dict[str, Any]]:
    release = release or latest_release()
    if release is None:
        return []
    qs = WeaponFigure.objects.filter(release=release, donor__isnull=not by_donor).select_related("donor")
    return [
        {
            "donor": w.donor_id or "",
            "name": w.donor.name if w.donor else "",
            "category": w.category,
            "value_eur": w.value_eur,
            "records": w.records,
            "where": w.where,
        }
        for w in qs
    ]


# --- claims ------------------------------------------------------------------------------------


def parse_definition(params: Any) -> Definition:
    """A Definition from query parameters (pages, API) or options (CLI); wrong values are named."""

    def choice(name: str, allowed: tuple[str, ...], default: str) -> str:
        value = (params.get(name) or default).strip()
        if value not in allowed:
            raise InvalidInput(f"must be one of {', '.join(allowed)}, not {value!r}", field=name)
        return value

    def day(name: str) -> dt.date | None:
        raw = (params.get(name) or "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw if len(raw) > 7 else raw + "-01")
        except ValueError:
            raise InvalidInput(
                f"must be a date as YYYY-MM-DD or a month as YYYY-MM, not {raw!r}", field=name
            ) from None

    return Definition(
        aid_type=choice("aid_type", ("military", "financial", "humanitarian"), "military"),
        basis=choice("basis", ("allocation", "commitment"), "allocation"),
        membership=choice("membership", ("present", "dated"), "present"),
        eu_institutions=choice("eu", ("own", "exclude", "redistribute"), "own"),
        since=day("since"),
        until=day("until"),
    )


@per_request
def contributions(today: dt.date | None = None) -> list[Contribution]:
    """Every donor figure of the releases in use, with each donor's status today and on its date."""
    today = today or dt.date.today()
    nations = {n.code: n for n in Nation.objects.all()}
    out = []
    for f in DonorFigure.objects.filter(release__in=releases_in_use()).only(
        "donor_id", "aid_type", "basis", "value_eur", "announced", "where"
    ):
        nation = nations[f.donor_id]
        out.append(
            Contribution(
                donor=f.donor_id,
                status=nation.status_on(today),
                aid_type=f.aid_type,
                value_eur=f.value_eur or Decimal(0),
                basis=f.basis,
                day=f.announced,
                status_on_date=nation.status_on(f.announced) if f.announced else None,
                eu_member=nation.eu_member,
                where=f.where,
            )
        )
    return out


# Quoted exactly as the report prints it (data/seed/), typographic apostrophes included.
REPORT_SENTENCE_FR = (
    "« 99 % de tout le soutien militaire à l’Ukraine provient des alliés et partenaires de "  # noqa: RUF001
    "l’OTAN », a-t-il précisé."  # noqa: RUF001
)
REPORT_SENTENCE_EN = "“99 % of all military support to Ukraine comes from NATO allies and partners.”"


def definition_labels(definition: Definition) -> dict[str, str]:
    """The definitions in force, in the reader's language (``Definition.describe`` is English)."""
    from django.utils.translation import gettext as _

    d = definition
    return {
        _("aid type"): {
            "military": _("military"),
            "financial": _("financial"),
            "humanitarian": _("humanitarian"),
        }[d.aid_type],
        _("basis"): {
            "allocation": _("allocations (aid earmarked for delivery)"),
            "commitment": _("commitments (aid promised)"),
        }[d.basis],
        _("membership"): {
            "present": _("membership today, as the quoted sentence means it"),
            "dated": _("membership on each record's date (records without a date: today)"),
        }[d.membership],
        _("EU institutions"): {
            "own": _("their own donor, neither ally nor partner"),
            "exclude": _("left out of the total"),
            "redistribute": _(
                "spread over the EU member states in proportion to each member "
                "state's own aid of the same type in the same data"
            ),
        }[d.eu_institutions],
        _("period"): _("%(since)s to %(until)s")
        % {"since": d.since or _("start of the data"), "until": d.until or _("end of the data")},
    }


def military_share_check(definition: Definition) -> ClaimCheck:
    rows = contributions()
    result = shares(rows, definition)
    releases = ", ".join(
        f"Kiel release {r.number} ({r.kind}, {r.file_name}, sha256 {r.sha256[:12]}…)"
        for r in releases_in_use()
    )
    if not rows:
        return ClaimCheck(
            "military-99",
            REPORT_SENTENCE_FR,
            REPORT_SENTENCE_EN,
            "≥ 99 %",
            "no support data loaded",
            None,
            "none: run `veille import kiel-summary`",
            definition.describe(),
            {},
        )
    pct = result.share_pct("ally+partner")
    return ClaimCheck(
        key="military-99",
        sentence_fr=REPORT_SENTENCE_FR,
        sentence_en=REPORT_SENTENCE_EN,
        claim="≥ 99 %",
        computed=f"{pct} % (allies alone {result.share_pct('ally')} %)",
        holds=pct >= Decimal(99) if definition.aid_type == "military" else None,
        data=releases,
        pending="" if definition.aid_type == "military" else "the sentence speaks of military support",
        definitions=definition.describe(),
        detail=result_detail(result),
    )


def result_detail(result: Result) -> dict[str, Any]:
    return {
        "total_eur": result.total_eur,
        "by_class_eur": result.by_class_eur,
        "share_pct": {
            c: result.share_pct(c) for c in ("ally", "partner", "ally+partner", "eu_institution", "other")
        },
        "donors": {
            c: [{"donor": d, "value_eur": v} for d, v in result.donors_in(c)]
            for c in ("ally", "partner", "eu_institution", "other")
        },
        "rows_used": result.rows_used,
        "redistributed_eur": result.redistributed_eur,
        "notes": result.notes,
    }


def sensitivity(base: Definition) -> list[dict[str, Any]]:
    """The allies-and-partners share under each combination of the main choices."""
    rows = contributions()
    out = []
    for basis in ("allocation", "commitment"):
        for membership in ("present", "dated"):
            for eu in ("own", "exclude", "redistribute"):
                d = Definition(
                    aid_type=base.aid_type,
                    basis=basis,
                    membership=membership,
                    eu_institutions=eu,
                    since=base.since,
                    until=base.until,
                )
                r = shares(rows, d)
                out.append(
                    {
                        "basis": basis,
                        "membership": membership,
                        "eu": eu,
                        "rows": r.rows_used,
                        "total_eur": r.total_eur,
                        "allies_pct": r.share_pct("ally") if r.total_eur else None,
                        "allies_partners_pct": r.share_pct("ally+partner") if r.total_eur else None,
                    }
                )
    return out
