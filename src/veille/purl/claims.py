"""PURL's claim check: the public record's total and its number of contributing countries, beside
NATO's statement of 3 December 2025, "more than 4 billion USD committed by 21 countries"."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from veille.core.claims import ClaimCheck
from veille.ledger.queries import CONSOLE

STATEMENT_EN = "NATO, 3 December 2025: “more than 4 billion USD committed by 21 countries” to PURL."
STATEMENT_FR = "OTAN, 3 décembre 2025 : « plus de 4 milliards USD engagés par 21 pays » au titre de PURL."
CLAIMED_USD = Decimal(4_000_000_000)
CLAIMED_COUNTRIES = 21


def _billions(amount: Decimal) -> str:
    """USD 3873000000 → "3.873" ("3,873" in French)."""
    return number_format((amount / Decimal(1_000_000_000)).quantize(Decimal("0.001")), 3, use_l10n=True)


def claim_checks() -> list[ClaimCheck]:
    """The check in the reader's language (the statement itself is given in both)."""
    from veille.purl.public_record import countries, totals

    claim = _("> 4 bn USD, 21 countries")
    t = totals(CONSOLE)  # the public record is public: every row counts, whoever reads
    if not t["files"]:
        return [
            ClaimCheck(
                "purl-4bn-21",
                STATEMENT_FR,
                STATEMENT_EN,
                claim,
                _("no PURL data loaded"),
                None,
                _("none: run `veille import purl-announcements`"),
                {},
                {},
            )
        ]
    total, n = t["total_usd"], countries(t)
    gap = CLAIMED_USD - total
    none = _("none")
    explanation = [
        _(
            "the public record adds up to %(total)s bn USD from %(counted)s countries with a committed "
            "amount (joint-package members included); %(pledged)s more pledged only (%(pledged_list)s) and "
            "%(unknown)s announced an unknown amount (%(unknown_list)s): %(n)s countries"
        )
        % {
            "total": _billions(total),
            "counted": len(t["countries_counted"]),
            "pledged": len(t["countries_pledged_only"]),
            "pledged_list": ", ".join(t["countries_pledged_only"]) or none,
            "unknown": len(t["countries_amount_unknown"]),
            "unknown_list": ", ".join(t["countries_amount_unknown"]) or none,
            "n": n,
        },
        _(
            "at least %(gap)s bn USD and %(missing)s countries are not in the press reports the file "
            "compiles (announcements not covered, amounts not published)"
        )
        % {"gap": _billions(gap), "missing": CLAIMED_COUNTRIES - n},
        _("pledges not yet committed: %(pledged)s USD, shown apart and not counted")
        % {"pledged": number_format(t["pledged_usd"], 2, use_l10n=True, force_grouping=True)},
        _(
            "every amount is converted at the ECB reference rate of its announcement date, not at the "
            "rate the press used; the USD figures 'as reported' differ by a few per cent"
        ),
    ]
    return [
        ClaimCheck(
            key="purl-4bn-21",
            sentence_fr=STATEMENT_FR,
            sentence_en=STATEMENT_EN,
            claim=claim,
            computed=_("%(total)s bn USD, %(n)s countries (%(counted)s with a committed amount)")
            % {"total": _billions(total), "n": n, "counted": len(t["countries_counted"])},
            holds=None if total < CLAIMED_USD else n >= CLAIMED_COUNTRIES,
            data=", ".join(f"{f['file']} (sha256 {f['sha256'][:12]}…)" for f in t["files"]),
            definitions={
                _("counted"): _(
                    "public commitments; a share inside a joint package once; pledges apart; "
                    "unknown amounts not added"
                ),
                _("conversion"): _("USD at each announcement date's ECB rate (%(source)s)")
                % {"source": t["rates_source"]},
            },
            detail={
                "total_usd": total,
                "committed_usd": t["committed_usd"],
                "unattributed_joint_usd": t["unattributed_usd"],
                "pledged_usd": t["pledged_usd"],
                "countries_counted": t["countries_counted"],
                "countries_pledged_only": t["countries_pledged_only"],
                "countries_amount_unknown": t["countries_amount_unknown"],
                "difference": explanation,
            },
        )
    ]
