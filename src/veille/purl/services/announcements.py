"""Importing the public record (:mod:`veille.purl.announcements`): NATO's and the allies'
announcements of PURL contributions, as published.

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
from veille.purl.models import AnnouncementFile, Contribution, FundingEvent, Origin, Package, Role
from veille.purl.services.funding import ContributionData, do_commit, do_pledge

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


__all__ = ["do_import_announcements"]
