"""The press report's sentence on production, set beside the stated figures behind it.

The sentence says ministers will examine how to accelerate production of air defence and munitions:
an intention, so no verdict. What the data can say is shown instead: the EU's artillery-shell
capacity as stated by date, against the European Commission's goal of two million a year by the end
of 2025 (IND-011), tracked as every target is (``core.industry.track_target``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from veille.core import industry as core
from veille.core.claims import ClaimCheck
from veille.industry import charts, queries

SENTENCE_FR = (
    "les ministres examineraient comment accélérer la production de systèmes de défense aérienne, de "
    "munitions et le renforcement des chaînes d’approvisionnement"  # noqa: RUF001
)
SENTENCE_EN = (
    "ministers would examine how to accelerate the production of air defence systems and munitions, and "
    "strengthen supply chains"
)
GOAL_REF = "IND-011"
FAMILY = "artillery shell"
SUBJECT = "eu:EU"


def _number(value: Decimal) -> str:
    """A stated figure in the reader's format, without trailing zeros ("500 000" in French)."""
    return number_format(Decimal(f"{value.normalize():f}"), use_l10n=True, force_grouping=True)


def production_claim(user: Any = None, as_of: dt.date | None = None) -> tuple[ClaimCheck, dict[str, Any]]:
    """The claim check, and the series behind it (points, chart, rows) for the industry claim page."""
    day = as_of or dt.date.today()
    fam = next((f for f in queries.families(user or AnonymousUser()) if f.name == FAMILY), None)
    goal = next((f for f in fam.figures if f.ref == GOAL_REF), None) if fam else None
    if fam is None or goal is None:
        check = ClaimCheck(
            "industry-production",
            SENTENCE_FR,
            SENTENCE_EN,
            _("accelerate the production of air defence and munitions"),
            _("no industry data loaded"),
            None,
            _("none: run `veille import industry data/industry`"),
            {},
        )
        return check, {}
    eu = [f for f in fam.figures if f.subject == SUBJECT]
    track = core.track_target(goal, eu, day)
    actual = [f for f in eu if f.kind in core.ACTUAL_KINDS]
    latest = track.latest
    computed = _(
        "EU artillery-shell capacity, latest stated figure %(latest)s (%(ref)s, %(period)s); "
        "the Commission's goal of %(goal)s a year by %(due)s: %(status)s"
    ) % {
        "latest": _number(latest.value) + " " + latest.unit if latest else "—",
        "ref": latest.ref if latest else "—",
        "period": latest.period.label if latest and latest.period else "—",
        "goal": _number(goal.value),
        "due": str(goal.target),
        "status": status_label(track.status),
    }
    rows = [
        {
            "ref": f.ref,
            "kind": charts.kind_label(f.kind),
            "value": f.value,
            "unit": f.unit,
            "bound": charts.bound_label(f.bound),
            "speaks_of": f.period.label if f.period else str(f.stated),
            "stated": str(f.stated),
            "source": fam.meta[f.ref]["source"],
            "url": fam.meta[f.ref]["url"],
            "actor": fam.meta[f.ref]["actor"],
        }
        for f in sorted(eu, key=lambda f: (f.speaks_of, f.ref))
    ]
    check = ClaimCheck(
        key="industry-production",
        sentence_fr=SENTENCE_FR,
        sentence_en=SENTENCE_EN,
        claim=_("accelerate the production of air defence and munitions"),
        computed=computed,
        holds=None,
        pending=_(
            "an intention, not a figure: the stated figures show how far the EU's own goal was reached"
        ),
        data=_("Industry capacity announcements (data/industry), rows %(refs)s")
        % {"refs": ", ".join(r["ref"] for r in rows)},
        definitions={
            _("series"): _(
                "the EU's artillery-shell capacity or output as stated by the Commission and others; "
                "155 mm and calibre-not-stated labels counted together, each figure as stated"
            ),
            _("goal"): _("2,000,000 shells a year by the end of 2025 (European Commission, %(ref)s)")
            % {"ref": GOAL_REF},
            _("tracking"): _(
                "growth needed per year from the latest actual figure against growth achieved from the "
                "earliest; a goal whose date has passed with no figure showing it reached is overdue"
            ),
            _("caution"): _(
                "announced capacity is not production; conflicting figures are kept side by side"
            ),
        },
        detail={
            "status": track.status,
            "used": list(track.used),
            "goal_ref": GOAL_REF,
            "actual_refs": [f.ref for f in actual],
            "needed_pct": track.needed_pct,
            "achieved_pct": track.achieved_pct,
        },
    )
    spec = charts.capacity_chart(_("EU artillery-shell capacity against the Commission's goal"), eu, fam.meta)
    return check, {"spec": spec, "rows": rows, "track": track}


def status_label(status: str) -> str:
    return {
        "undated": _("no date given: not tracked"),
        "no_actual": _("no actual figure to compare"),
        "reached": _("reached on time"),
        "reached_late": _("reached late"),
        "overdue": _("date passed, no figure shows it reached"),
        "on_track": _("on track"),
        "behind": _("behind"),
        "no_trend": _("one actual figure only: no trend"),
    }.get(status, status)


def claim_checks() -> list[ClaimCheck]:
    return [production_claim()[0]]
