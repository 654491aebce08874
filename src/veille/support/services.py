"""Every write of the support app: importing tracker releases (and posting them to the ledger).

An import is one transaction: every row is read and checked first; if any cannot be read, or a
donor is unknown (without ``allow_unknown``), nothing is written and the error lists them all.
Importing the same file again changes nothing; the same release from a different file is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from veille.audit.services import do_audit
from veille.core.errors import VeilleError
from veille.kit.importers import ImportSummary
from veille.ledger import services as ledger
from veille.ledger.models import Kind
from veille.nations.access import Actor, Releasability, require_coordinator
from veille.nations.models import Nation
from veille.support import kiel
from veille.support.exceptions import ReleaseChanged, RowsRejected, UnknownDonors
from veille.support.models import DonorFigure, MonthFigure, TrackerRelease, WeaponFigure

CENT = Decimal("0.01")


def nation_index() -> dict[str, str]:
    """Every spelling of every nation (code, names, aliases; case-folded) → its code."""
    index: dict[str, str] = {}
    for n in Nation.objects.all():
        for name in (n.code, n.name, n.name_fr, *n.aliases):
            if name:
                index[name.casefold()] = n.code
    return index


def _existing(number: int, kind: str, sha256: str, file_name: str) -> TrackerRelease | None:
    release = TrackerRelease.objects.filter(tracker="kiel", number=number, kind=kind).first()
    if release is not None and release.sha256 != sha256:
        raise ReleaseChanged(
            f"Kiel release {number} ({kind}) was imported from {release.file_name} "
            f"(sha256 {release.sha256[:12]}…); "
            f"{file_name} differs (sha256 {sha256[:12]}…). A corrected release needs a new release number",
            where=file_name,
        )
    return release


def _post(actor: Actor, figure: DonorFigure, release: TrackerRelease, value_date: dt.date) -> None:
    """Post a donor's figure to the ledger as a public event of the tracker (counted for the donor)."""
    if not figure.value_eur:
        return  # a zero is not an event
    kind = Kind.COMMITMENT if figure.basis == "commitment" else Kind.ALLOCATION
    event = ledger.do_record(
        actor,
        kind,
        ledger.NewEvent(
            party=figure.donor_id,
            counterparty="UKR",
            value_date=value_date,
            amount=figure.value_eur,
            currency="EUR",
            sources=[f"{release.source_name}, release {release.number}: {figure.where}"],
            note=f"{figure.get_aid_type_display()} aid ({figure.measure or 'total'}) per the tracker",
            reference=f"kiel:{release.number}:{figure.where}"[:100],
            releasable_to=Releasability.PUBLIC,
        ),
    )
    figure.ledger_event = event
    figure.save(update_fields=["ledger_event"])


def _new_release(actor: Actor, rel: kiel.Release, kind: str) -> TrackerRelease:
    release = TrackerRelease.objects.create(
        number=rel.number,
        kind=kind,
        last_updated=rel.last_updated,
        file_name=rel.file_name,
        sha256=rel.sha256,
        source_name=rel.source_name,
        source_url=rel.source_url,
        licence=kiel.KIEL_LICENCE,
        imported_at=timezone.now(),
    )
    do_audit(
        actor,
        "support.release.import",
        release,
        after={"number": rel.number, "kind": kind, "sha256": rel.sha256, "file": rel.file_name},
    )
    return release


def _resolve(names: list[str], index: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    known = {n: index[n.casefold()] for n in names if n.casefold() in index}
    return known, sorted({n for n in names if n not in known})


def check_import_summary(actor: Actor, path: Path) -> kiel.Summary:
    """The caller's right to import tracker data, and the release summary read as published
    (:class:`~veille.support.kiel.KielFormatError` names what is not)."""
    require_coordinator(actor, "import tracker data")
    return kiel.read_summary(path)


def check_import_workbook(actor: Actor, path: Path, progress: Callable[..., None]) -> kiel.WorkbookRead:
    """The caller's right to import tracker data, and every row of the workbook read; rows that
    cannot be read reject the file, each named with its sheet and row (:class:`RowsRejected`)."""
    require_coordinator(actor, "import tracker data")
    read = kiel.read_workbook(path, progress)
    if read.problems:
        raise RowsRejected(read.problems, f"{path.name}, sheet {read.sheet!r}")
    return read


def do_import_summary(
    actor: Actor, path: Path, progress: Callable[..., None], dry_run: bool = False
) -> ImportSummary:
    """Import a Kiel release summary (JSON): donors by type, months, weapons; post donors to the ledger."""
    summary = check_import_summary(actor, path)
    result = ImportSummary(
        source=str(path), read=len(summary.donors) + len(summary.months) + len(summary.weapons)
    )
    if _existing(summary.release.number, "summary", summary.release.sha256, path.name):
        result.unchanged = result.read
        return result
    index = nation_index()
    donors, unknown = _resolve(
        [d.donor for d in summary.donors] + [w.donor for w in summary.weapons if w.donor], index
    )
    if unknown:
        raise UnknownDonors(unknown, path.name)
    if dry_run:
        result.created = result.read
        return result
    value_date = summary.release.last_updated or dt.date.today()
    progress(0, total=result.read)
    with transaction.atomic():
        release = _new_release(actor, summary.release, "summary")
        for d in summary.donors:
            figure = DonorFigure.objects.create(
                release=release,
                donor_id=donors[d.donor],
                aid_type=d.aid_type,
                basis="allocation",
                value_eur=d.value_eur.quantize(CENT),
                where=d.where,
            )
            _post(actor, figure, release, value_date)
            progress(1)
        MonthFigure.objects.bulk_create(
            MonthFigure(
                release=release,
                month=m.month,
                aid_type=m.aid_type,
                value_eur=m.value_eur.quantize(CENT),
                where=m.where,
            )
            for m in summary.months
        )
        progress(len(summary.months))
        WeaponFigure.objects.bulk_create(
            WeaponFigure(
                release=release,
                donor_id=donors[w.donor] if w.donor else None,
                category=w.category,
                value_eur=w.value_eur.quantize(CENT),
                records=w.records,
                where=w.where,
            )
            for w in summary.weapons
        )
        progress(len(summary.weapons))
    result.created = result.read
    result.extra["release"] = summary.release.number
    return result


def do_import_workbook(
    actor: Actor,
    path: Path,
    progress: Callable[..., None],
    dry_run: bool = False,
    allow_unknown: bool = False,
) -> ImportSummary:
    """Import Kiel's full workbook (sheet "Bilateral Assistance, MAIN DATA"), one figure per activity."""
    read = check_import_workbook(actor, path, progress)
    sha = kiel.sha256_of(path)
    result = ImportSummary(source=str(path), read=read.rows_read)
    if read.unknown_columns:
        result.problems.append(
            f"columns not used (unknown to this importer): {', '.join(read.unknown_columns)}"
        )
    number = _release_number(path)
    if _existing(number, "workbook", sha, path.name):
        result.unchanged = result.read
        return result
    donors, unknown = _resolve([a.donor for a in read.activities], nation_index())
    if unknown and not allow_unknown:
        raise UnknownDonors(unknown, f"{path.name}, sheet {read.sheet!r}")
    skipped = [a for a in read.activities if a.donor not in donors]
    for a in skipped:
        result.problems.append(f"unknown donor {a.donor!r} ({a.where}): not imported")
    result.rejected = len(skipped)
    if dry_run:
        result.created = result.read - len(skipped)
        return result
    with transaction.atomic():
        rel = kiel.Release(
            number=number,
            last_updated=None,
            source_name="Kiel Institute Ukraine Support Tracker",
            source_url="https://www.ifw-kiel.de/topics/war-against-ukraine/ukraine-support-tracker/",
            file_name=path.name,
            sha256=sha,
        )
        release = _new_release(actor, rel, "workbook")
        for a in read.activities:
            if a.donor not in donors:
                continue
            figure = DonorFigure.objects.create(
                release=release,
                donor_id=donors[a.donor],
                aid_type=a.aid_type,
                basis=a.basis,
                announced=a.announced,
                measure=a.aid_type_specific,
                currency=a.currency,
                value=a.value.quantize(CENT) if a.value is not None else None,
                value_eur=a.value_eur.quantize(CENT) if a.value_eur is not None else None,
                item=a.item[:300],
                where=a.where[:300],
                purl_funded=a.purl_funded,
            )
            _post(actor, figure, release, a.announced)
            result.created += 1
    return result


def _release_number(path: Path) -> int:
    """The release number in the file name (Kiel names its files '…Release_28…'); 0 when absent."""
    import re

    match = re.search(r"release[ _-]?(\d+)", path.name, flags=re.I)
    return int(match.group(1)) if match else 0


__all__ = [
    "VeilleError",
    "check_import_summary",
    "check_import_workbook",
    "do_import_summary",
    "do_import_workbook",
    "nation_index",
]
