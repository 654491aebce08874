"""Reading the public record of PURL contributions: what it adds up to per nation and overall, in
USD at dated ECB rates, what is counted and what is not, and why. The record is imported by
:func:`veille.purl.services.do_import_announcements`.
"""

from __future__ import annotations

from typing import Any

from veille.purl.models import AnnouncementFile, Origin, Package
from veille.purl.queries import ZERO, Rates, coverage, funding_read


def totals(user: Any) -> dict[str, Any]:
    """What the public record adds up to, per nation and overall, in USD at dated ECB rates; what is
    counted and what is not, and why."""
    from veille.purl.queries import contribution_rows

    conv = Rates()
    rows = [r for r in contribution_rows(user, conv=conv) if r["origin"] == Origin.ANNOUNCEMENT]
    per: dict[str, dict[str, Any]] = {}
    joint_names = set(Package.objects.exclude(announced_by="").values_list("name", flat=True))
    for r in rows:
        r["counting"] = counting(r, joint_names)
        n = per.setdefault(
            r["nation"],
            {
                "nation": r["nation"],
                "name": r["nation_name"],
                "committed_usd": ZERO,
                "pledged_usd": ZERO,
                "joint": [],
                "unknown": False,
            },
        )
        n["committed_usd"] += r["committed_usd"] or ZERO
        n["pledged_usd"] += r["pledged_usd"] or ZERO
        n["unknown"] = n["unknown"] or r["amount_unknown"]
    joint: list[dict[str, Any]] = []
    packages = list(
        Package.objects.visible_to(user).filter(origin=Origin.ANNOUNCEMENT).exclude(announced_by="")
    )
    read = funding_read(user, packages)  # the joint packages' funding, read at once
    for package in packages:
        fund = coverage(user, package, conv, read)
        members = package.joint_members
        for code in members:
            entry = per.setdefault(
                code,
                {
                    "nation": code,
                    "name": code,
                    "committed_usd": ZERO,
                    "pledged_usd": ZERO,
                    "joint": [],
                    "unknown": False,
                },
            )
            entry["joint"].append(package.name)
        joint.append(
            {
                "package": package.name,
                "announced": f"{package.announced_amount:,} {package.announced_currency}"
                if package.announced_amount
                else "",
                "target_usd": fund.target_usd,
                "known_shares_usd": fund.committed_usd,
                "unattributed_usd": fund.unattributed_usd,
                "members_without_share": [m for m in members if m not in fund.by_nation],
            }
        )
    from veille.nations.models import Nation

    names = dict(Nation.objects.filter(code__in=list(per)).values_list("code", "name"))
    for code, n in per.items():
        n["name"] = names.get(code, code)
    committed = sum((n["committed_usd"] for n in per.values()), ZERO)
    unattributed = sum((j["unattributed_usd"] for j in joint), ZERO)
    counted_nations = sorted(c for c, n in per.items() if n["committed_usd"] > 0 or n["joint"])
    return {
        "files": [
            {"file": f.file_name, "sha256": f.sha256, "rows": f.rows, "imported_at": f.imported_at}
            for f in AnnouncementFile.objects.order_by("imported_at")
        ],
        "per_nation": sorted(per.values(), key=lambda n: (-n["committed_usd"], n["nation"])),
        "joint": joint,
        "committed_usd": committed,
        "unattributed_usd": unattributed,
        "total_usd": committed + unattributed,
        "pledged_usd": sum((n["pledged_usd"] for n in per.values()), ZERO),
        "countries_counted": counted_nations,
        "countries_pledged_only": sorted(
            c for c, n in per.items() if c not in counted_nations and n["pledged_usd"] > 0
        ),
        "countries_amount_unknown": sorted(
            c for c, n in per.items() if c not in counted_nations and n["unknown"]
        ),
        "rows": rows,
        "rates": conv.listed(),
        "rates_source": conv.source,
    }


def counting(r: dict[str, Any], joint_names: set[str]) -> str:
    """How a row of the public record is counted (shown beside it on pages and in exports)."""
    if r["amount_unknown"]:
        return "amount unknown: a contributing country, nothing added"
    if r["repeat_of"]:
        return "announced again: counted once"
    if r["committed_usd"] is None:
        return "pledge: shown apart, not counted until committed"
    if r["package"] in joint_names:
        return f"counted, inside the joint package {r['package']}"
    if r["allocated"]:
        return "counted once; its share of a joint package is an allocation from it"
    return "counted"


def countries(t: dict[str, Any]) -> int:
    return len(t["countries_counted"]) + len(t["countries_pledged_only"]) + len(t["countries_amount_unknown"])


__all__ = ["counting", "countries", "totals"]
