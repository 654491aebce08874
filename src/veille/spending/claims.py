"""The press report's spending sentence, set beside NATO's published figures."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from veille.core import spending as core
from veille.core.claims import ClaimCheck
from veille.spending.queries import overview

SENTENCE_FR = "Il a rappelé l’engagement de l’Alliance à porter ces dépenses à 5 % du PIB d’ici 2035"  # noqa: RUF001
SENTENCE_EN = "He recalled the Alliance's commitment to raise this spending to 5 % of GDP by 2035."


def claim_checks() -> list[ClaimCheck]:
    data = overview()
    if not data.rows or data.source is None:
        return [
            ClaimCheck(
                "spending-5pct",
                SENTENCE_FR,
                SENTENCE_EN,
                # xgettext:no-python-format
                _("5 % of GDP by 2035"),
                _("no spending data loaded"),
                None,
                _("none: run `veille import nato-spending`"),
                {},
            )
        ]
    allies = len(data.rows)
    at_2 = sum(1 for r in data.rows if r["meets_2"])
    at_core = sum(1 for r in data.rows if r["meets_core"])
    at_total = sum(1 for r in data.rows if r["share_rounded"] >= core.TOTAL_TARGET_PCT)
    computed = _(
        "in %(year)s, %(at_2)s of the %(n)s allies in NATO's tables spent at least 2 %% of GDP on defence, "
        "%(core)s at least 3.5 %% and %(total)s at least 5 %%; NATO as a whole %(nato)s %%"
    ) % {
        "year": data.year,
        "at_2": at_2,
        "n": allies,
        "core": at_core,
        "total": at_total,
        "nato": number_format(data.nato_total["share_rounded"], use_l10n=True) if data.nato_total else "—",
    }
    source = data.source
    return [
        ClaimCheck(
            key="spending-5pct",
            sentence_fr=SENTENCE_FR,
            sentence_en=SENTENCE_EN,
            # xgettext:no-python-format
            claim=_("5 % of GDP by 2035, at least 3.5 % on core defence"),
            computed=computed,
            holds=None,
            pending=_("a pledge for 2035: not testable before then; the review of 2029 comes first"),
            data=f"{source.publisher}, {source.title} ({source.edition or source.file_name}, "
            f"sha256 {source.sha256[:12]}…; {source.licence})",
            definitions={
                _("measure"): _(
                    "defence expenditure as a share of real GDP, NATO's definition (Table 3), rounded to "
                    "two decimals as published"
                ),
                _("status"): _(
                    "a pledge for 2035: the figures show the starting point, not whether it is kept"
                ),
            },
            detail={
                "year": data.year,
                "allies": allies,
                "at_or_above_2": at_2,
                "at_or_above_3_5": at_core,
                "at_or_above_5": at_total,
            },
        )
    ]
