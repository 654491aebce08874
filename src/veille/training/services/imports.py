"""Reading the shipped training files: stated figures of people trained (the compilation and the
rows added with their own sources), programmes' coordination, and the nations hosting each programme.
Rows are checked one by one in their own savepoints (a bad one is reported and skipped)."""

from __future__ import annotations

from pathlib import Path

from veille.core import statements
from veille.core.actions import PartialDate
from veille.council.exceptions import BadRow
from veille.council.services.imports import Handler, import_file, upsert
from veille.council.sources import source_class
from veille.kit.importers import ImportSummary, Progress
from veille.nations.access import Actor
from veille.nations.models import Nation
from veille.training.exceptions import BadFigure
from veille.training.models import Hosting, Programme, TrainedFigure

FIGURE_COLUMNS = (
    "id",
    "date",
    "programme",
    "provider",
    "trained_count",
    "period_label",
    "source_title",
    "source_url",
    "note",
)
PROGRAMME_COLUMNS = ("programme", "coordinated_by_nsatu", "source_title", "source_url", "note")
HOST_COLUMNS = ("programme", "host_nation", "source_title", "source_url", "note")


def _sourced(row: dict[str, str], where: str) -> dict[str, str]:
    if row["source_url"] and not row["source_url"].lower().startswith(("https://", "http://")):
        raise BadFigure("must be a web address", field="source_url")
    cls = source_class(row["source_url"], row["source_title"])
    return {
        "source_title": row["source_title"][:500],
        "source_url": row["source_url"][:1000],
        "source_class": cls.kind,
        "source_reasons": "; ".join(cls.reasons),
        "where": where,
    }


def _programme(name: str, provider: str = "") -> Programme:
    name = name.strip()
    if not name or len(name) > 120:
        raise BadFigure("name the programme (1 to 120 characters)", field="programme")
    programme, _created = Programme.objects.get_or_create(name=name, defaults={"provider": provider[:200]})
    return programme


def _figure(actor: Actor, where: str, row: dict[str, str]) -> str:
    if not row["id"]:
        raise BadFigure("is required", field="id")
    try:
        when = PartialDate.parse(row["date"])
    except ValueError as exc:
        raise BadFigure(str(exc), field="date") from None
    try:
        count = int(row["trained_count"].replace(",", ""))
    except ValueError:
        raise BadFigure(f"{row['trained_count']!r} is not a whole number", field="trained_count") from None
    if count < 0:
        raise BadFigure(f"{count} is below zero", field="trained_count")
    if not row["period_label"]:
        raise BadFigure("say what the number counts", field="period_label")
    values = {
        "programme": _programme(row["programme"], row["provider"]),
        "date": when.start,
        "precision": when.precision,
        "provider": row["provider"][:200],
        "trained_count": count,
        "qualifier": statements.qualifier_of(row["period_label"]),
        "cumulative": not statements.counts_people_in_training(row["period_label"]),
        "period_label": row["period_label"][:300],
        "note": row["note"],
        "conflicts_with": " ".join(statements.stated_conflicts(row["note"]))[:200],
        **_sourced(row, where),
    }
    return upsert(actor, TrainedFigure, {"key": row["id"]}, values, "training.figure", {})


def _coordination(actor: Actor, where: str, row: dict[str, str]) -> str:
    flag = {"true": True, "false": False, "": None}.get(row["coordinated_by_nsatu"].lower(), "bad")
    if flag == "bad":
        raise BadFigure("must be true, false or empty (not stated)", field="coordinated_by_nsatu")
    programme = _programme(row["programme"])
    values = {
        "coordinated_by_nsatu": flag,
        "coordination_source_title": row["source_title"][:500],
        "coordination_source_url": row["source_url"][:1000],
        "note": row["note"],
    }
    return upsert(actor, Programme, {"pk": programme.pk}, values, "training.programme", {})


def _hosting(actor: Actor, where: str, row: dict[str, str]) -> str:
    nation = Nation.objects.filter(code=row["host_nation"].upper()).first()
    if nation is None:
        raise BadFigure(f"no nation has code {row['host_nation']!r}", field="host_nation")
    if not row["source_url"]:
        raise BadFigure("a host nation is listed only with the page that says so", field="source_url")
    programme = _programme(row["programme"])
    values = {"note": row["note"], **_sourced(row, where)}
    return upsert(actor, Hosting, {"programme": programme, "nation": nation}, values, "training.hosting", {})


FILES: tuple[tuple[str, Handler, tuple[str, ...]], ...] = (
    ("training_figures.csv", _figure, FIGURE_COLUMNS),
    ("training_figures_added.csv", _figure, FIGURE_COLUMNS),
    ("training_programmes.csv", _coordination, PROGRAMME_COLUMNS),
    ("training_hosts.csv", _hosting, HOST_COLUMNS),
)


def import_training(actor: Actor, folder: Path, summary: ImportSummary, progress: Progress) -> None:
    for name, handler, columns in FILES:
        path = folder / name
        if not path.exists():
            raise BadRow("the file is missing", where=str(path))
        progress(0, description=f"training-council {name}")
        import_file(actor, path, handler, columns, summary, progress)


__all__ = [
    "import_training",
]
