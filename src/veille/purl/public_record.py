"""Importing the public record (:mod:`veille.purl.announcements`) and reading its totals.

An import is one transaction through PURL's and the ledger's services, as a system process with a
coordinator's rights; every record is public. Importing the same file again changes nothing; a
newer file adds its new rows (each row has a natural key) and leaves the others as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from veille.audit.services import do_audit
from veille.core.money import Money
from veille.kit.importers import ImportSummary
from veille.ledger import services as ledger
from veille.nations.access import Actor, Releasability, encode_nations, require_coordinator
from veille.nations.exceptions import UnknownNation
from veille.nations.services import resolve_nation
from veille.purl import announcements
from veille.purl.announcements import Row
from veille.purl.exceptions import BadAnnouncement
from veille.purl.funding import ContributionData, do_commit, do_pledge
from veille.purl.models import AnnouncementFile, Contribution, FundingEvent, Origin, Package, Role
from veille.purl.queries import ZERO, Rates, coverage

GENERAL = None


def _codes(names: list[str], where: str) -> list[str]:
    out = []
    for name in names:
        try:
            out.append(resolve_nation(name).code)
        except UnknownNation:
            raise BadAnnouncement(f"{name!r} matches no nation", field="contributor", where=where) from None
    return out


def _sources(row: Row, file_name: str) -> list[str]:
    cited = f"{row.source_url} ({row.source_date.isoformat()})" if row.source_date else row.source_url
    return [cited, f"{file_name}, line {row.line}"]


def _value_date(row: Row) -> dt.date:
    if row.date is not None:
        return row.date
    assert row.rule is not None and row.rule.value_date
    return dt.date.fromisoformat(row.rule.value_date)


def _package(actor: Actor, row: Row, codes: list[str]) -> Package:
    name = row.package[:200]
    existing = Package.objects.filter(name=name).first()
    if existing is not None:
        return existing
    total = (row.amount, row.currency) if row.is_joint and row.amount is not None else row.label_total()
    members = codes + (_codes(row.joint_with, f"line {row.line}") if not row.is_joint else [])
    number = (Package.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    package = Package.objects.create(
        number=number,
        name=name,
        origin=Origin.ANNOUNCEMENT,
        announced_amount=total[0] if total else None,
        announced_currency=total[1] if total else "",
        announced_on=_value_date(row) if total else None,
        announced_by=encode_nations(members) if len(members) > 1 else "",
        source=_sources(row, "")[0],
        note=row.notes,
        releasable_to=Releasability.PUBLIC,
        owner_nation_id="UKR",
        created_at=timezone.now(),
    )
    do_audit(
        actor, "purl.package.announce", package, after={"name": name, "amount": str(package.announced_amount)}
    )
    return package


def _data(
    row: Row, nation: str, amount: Any, package: Package | None, file_name: str, note: str
) -> ContributionData:
    return ContributionData(
        nation=nation,
        amount=amount,
        currency=row.currency,
        value_date=_value_date(row),
        sources=_sources(row, file_name),
        package=package.pk if package else None,
        joint_with=_codes(row.joint_with, f"line {row.line}") if row.joint_with else (),
        note=note,
        releasable_to=Releasability.PUBLIC,
    )


def _extra(row: Row, file_name: str, key: str, explanation: str) -> dict[str, Any]:
    return {
        "origin": Origin.ANNOUNCEMENT,
        "announced_on": row.date,
        "where": f"{file_name}, line {row.line}",
        "key": key,
        "note": "; ".join(x for x in (explanation, row.notes) if x),
    }


def do_import_announcements(actor: Actor, path: Path, progress: Any, dry_run: bool = False) -> ImportSummary:
    require_coordinator(actor, "import the public record of PURL")
    rows = announcements.read(path)
    result = ImportSummary(source=str(path), read=len(rows))
    sha = announcements.sha256_of(path)
    if AnnouncementFile.objects.filter(sha256=sha).exists():
        result.unchanged = result.read
        return result
    codes = {r.line: _codes(r.contributors, f"{path.name}, line {r.line}") for r in rows}
    if dry_run:
        result.created = sum(1 for r in rows if not Contribution.objects.filter(key=r.key).exists())
        return result
    progress(0, total=len(rows))
    with transaction.atomic():
        packages: dict[str, Package] = {}
        for row in rows:  # first the packages, so that an earlier row can be linked to a later one
            named = row.package and row.package.lower() not in announcements.GENERAL_LABELS
            if row.is_joint or (
                named and row.rule is None and row.package.lower().startswith("purl package")
            ):
                packages[row.package] = _package(actor, row, codes[row.line])
        for row in rows:
            progress(1)
            if Contribution.objects.filter(key=row.key).exists():
                result.unchanged += 1
                continue
            _import_row(actor, row, codes[row.line], packages, path.name)
            result.created += 1
        AnnouncementFile.objects.create(
            file_name=path.name, sha256=sha, rows=len(rows), imported_at=timezone.now()
        )
        do_audit(
            actor,
            "purl.announcements.import",
            object_type="purl.announcementfile",
            object_id=sha[:16],
            after={"file": path.name, "rows": len(rows), "created": result.created},
        )
    return result


def _import_row(
    actor: Actor, row: Row, codes: list[str], packages: dict[str, Package], file_name: str
) -> None:
    rule = row.rule
    action = rule.action if rule else ""
    explanation = rule.explanation if rule else ""
    if row.is_joint:
        package = packages[row.package]
        for code, amount in (rule.shares if rule else {}).items():
            data = _data(row, code, amount, package, file_name, explanation)
            data.joint_with = [c for c in codes if c != code]
            key = hashlib.sha256(f"{row.key}:{code}".encode()).hexdigest()
            do_commit(actor, data, **_extra(row, file_name, key, explanation))
        return
    nation = codes[0]
    target = packages.get(row.package)
    if action in ("share", "split"):
        target = Package.objects.get(name=rule.package)  # type: ignore[union-attr]
    if action == "split":
        target = GENERAL
    extra = _extra(row, file_name, row.key, explanation)
    if action == "unknown" or row.amount is None:
        Contribution.objects.create(
            nation_id=nation,
            package=target,
            currency=row.currency,
            amount_unknown=True,
            releasable_to=Releasability.PUBLIC,
            owner_nation_id=nation,
            source=" | ".join(_sources(row, file_name)),
            created_at=timezone.now(),
            created_by=actor.label,
            **{**extra, "note": extra["note"] or "amount not published: unknown, not zero"},
        )
        return
    repeat = _repeat_of(row, nation, target)
    if repeat is not None:
        Contribution.objects.create(
            nation_id=nation,
            package=target,
            currency=row.currency,
            repeat_of=repeat,
            releasable_to=Releasability.PUBLIC,
            owner_nation_id=nation,
            source=" | ".join(_sources(row, file_name)),
            created_at=timezone.now(),
            created_by=actor.label,
            **{
                **extra,
                "note": f"announced again: counted once, with the announcement of {repeat.announced_on}",
            },
        )
        return
    data = _data(row, nation, row.amount, target, file_name, explanation)
    contribution = (do_pledge if action == "pledge" else do_commit)(actor, data, **extra)
    if action == "split":
        _allocate_remainder(actor, row, contribution, Package.objects.get(name=rule.package), file_name)  # type: ignore[union-attr]


def _repeat_of(row: Row, nation: str, package: Package | None) -> Contribution | None:
    """An earlier announcement of the same nation, amount, currency and package (a pledge announced twice)."""
    for earlier in Contribution.objects.filter(
        nation_id=nation, package=package, origin=Origin.ANNOUNCEMENT, repeat_of=None, currency=row.currency
    ):
        first = earlier.events.order_by("event_id").first()
        if first is not None and first.event.amount == Money(row.amount, row.currency):  # type: ignore[arg-type]
            return earlier
    return None


def _allocate_remainder(
    actor: Actor, row: Row, contribution: Contribution, package: Package, file_name: str
) -> None:
    """The package's announced total less the other known shares, drawn from ``contribution``."""
    if package.announced_amount is None or package.announced_currency != row.currency:
        raise BadAnnouncement(
            "the remainder of a package is taken in the package's own currency",
            field="currency",
            where=f"line {row.line}",
        )
    others = Decimal(0)
    for fe in (
        FundingEvent.objects.filter(package=package)
        .exclude(contribution__nation_id=contribution.nation_id)
        .select_related("event")
    ):
        if fe.event.currency != package.announced_currency:
            raise BadAnnouncement(
                "shares in another currency than the package's", field="currency", where=f"line {row.line}"
            )
        others += fe.event.amount.amount if fe.event.amount else Decimal(0)
    remainder = package.announced_amount - others
    commitment = contribution.events.get(role=Role.COMMITMENT).event
    event = ledger.do_allocate(
        actor,
        ledger.NewEvent(
            party=contribution.nation_id,
            counterparty="UKR",
            counterparty_name=package.name,
            value_date=_value_date(row),
            amount=remainder,
            currency=row.currency,
            sources=[
                *_sources(row, file_name),
                f"remainder of {package.name} after the other published shares",
            ],
            parent=commitment.pk,
            reference=f"purl:package:{package.pk}",
            releasable_to=Releasability.PUBLIC,
        ),
    )
    FundingEvent.objects.create(contribution=contribution, event=event, role=Role.ALLOCATION, package=package)


# --- reading the public record -------------------------------------------------------------------


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
    for package in (
        Package.objects.visible_to(user).filter(origin=Origin.ANNOUNCEMENT).exclude(announced_by="")
    ):
        fund = coverage(user, package, conv)
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


__all__ = ["GENERAL", "do_import_announcements", "totals"]
