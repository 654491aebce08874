"""How much confidence a public source earns: the rules in ``data/training_council/source_classes.csv``
(a host or a word of the title → official, state news agency or aggregator, with the reason), read
once per version of the file. A source no rule names is press."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from django.conf import settings

from veille.core.statements import SOURCE_CLASSES, SourceClass, SourceRule, classify
from veille.council.exceptions import BadRow

RULES_FILE = "training_council/source_classes.csv"


def rules_path() -> Path:
    return Path(settings.DATA_DIR) / RULES_FILE


def read_rules(path: Path) -> tuple[SourceRule, ...]:
    """The rules of a file, or :class:`BadRow` naming the row and column that is wrong."""
    out = []
    with path.open(newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{path.name} row {n}"
            if row.get("on") not in ("host", "title"):
                raise BadRow("must be host or title", field="on", where=where)
            if row.get("class") not in SOURCE_CLASSES:
                raise BadRow(f"must be one of {', '.join(SOURCE_CLASSES)}", field="class", where=where)
            if not (row.get("match") or "").strip() or not (row.get("reason") or "").strip():
                raise BadRow("match and reason are required", field="match", where=where)
            out.append(SourceRule(row["match"].strip(), row["on"], row["class"], row["reason"].strip()))
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> tuple[SourceRule, ...]:
    return read_rules(Path(path))


def rules() -> tuple[SourceRule, ...]:
    path = rules_path()
    if not path.exists():
        return ()
    return _cached(str(path), path.stat().st_mtime)


def source_class(url: str, title: str) -> SourceClass:
    return classify(url or "", title or "", rules())
