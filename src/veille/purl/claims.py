"""PURL's claim check: the public record's total and its number of contributing countries, beside
NATO's statement of 3 December 2025, "more than 4 billion USD committed by 21 countries"."""

from __future__ import annotations

from decimal import Decimal

from veille.core.claims import ClaimCheck
from veille.ledger.queries import CONSOLE

STATEMENT_EN = "NATO, 3 December 2025: “more than 4 billion USD committed by 21 countries” to PURL."
STATEMENT_FR = "OTAN, 3 décembre 2025 : « plus de 4 milliards USD engagés par 21 pays » au titre de PURL."
CLAIMED_USD = Decimal(4_000_000_000)
CLAIMED_COUNTRIES = 21


def claim_checks() -> list[ClaimCheck]:
    from veille.purl.public_record import countries, totals

    t = totals(CONSOLE)  # the public record is public: every row counts, whoever reads
    if not t["files"]:
        return [
            ClaimCheck(
                "purl-4bn-21",
                STATEMENT_FR,
                STATEMENT_EN,
                "> 4 bn USD, 21 countries",
                "no PURL data loaded",
                None,
                "none: run `veille import purl-announcements`",
                {},
                {},
            )
        ]
    total, n = t["total_usd"], countries(t)
    billions = (total / Decimal(1_000_000_000)).quantize(Decimal("0.001"))
    gap = (CLAIMED_USD - total) / Decimal(1_000_000_000)
    explanation = [
        f"the public record adds up to {billions} bn USD from {len(t['countries_counted'])} countries with a "
        f"committed amount (joint-package members included); {len(t['countries_pledged_only'])} more pledged "
        f"only ({', '.join(t['countries_pledged_only']) or 'none'}) and {len(t['countries_amount_unknown'])} "
        f"announced an unknown amount ({', '.join(t['countries_amount_unknown']) or 'none'}): {n} countries",
        f"at least {gap.quantize(Decimal('0.001'))} bn USD and {CLAIMED_COUNTRIES - n} countries are not in "
        "the "
        "press reports the file compiles (announcements not covered, amounts not published)",
        f"pledges not yet committed: {t['pledged_usd']:,} USD, shown apart and not counted",
        "every amount is converted at the ECB reference rate of its announcement date, not at the "
        "rate the press used; the USD figures 'as reported' differ by a few per cent",
    ]
    return [
        ClaimCheck(
            key="purl-4bn-21",
            sentence_fr=STATEMENT_FR,
            sentence_en=STATEMENT_EN,
            claim="> 4 bn USD, 21 countries",
            computed=f"{billions} bn USD, {n} countries "
            f"({len(t['countries_counted'])} with a committed amount)",
            holds=None if total < CLAIMED_USD else n >= CLAIMED_COUNTRIES,
            data=", ".join(f"{f['file']} (sha256 {f['sha256'][:12]}…)" for f in t["files"]),
            definitions={
                "counted": "public commitments; a share inside a joint package once; pledges apart; "
                "unknown amounts not added",
                "conversion": f"USD at each announcement date's ECB rate ({t['rates_source']})",
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
