"""Spending benchmark: alliance overview server time and NATO workbook import, each beside a named
baseline measured in the same run on the same data.

* overview: ``GET /spending/`` through Django's test client with NATO's tables, SIPRI's workbook and
  the press file loaded (target < 100 ms); baseline: the same rows assembled with one query per ally
  and measure (the straightforward ORM loop);
* import: reading NATO's workbook and storing its figures in an empty database (target < 5 s);
  baseline: openpyxl in normal mode read cell by cell (``ws.cell(row, column)``) and one INSERT per
  figure.

Runs on a throwaway SQLite database; writes its section of docs/benchmarks.md between the
``bench:spending`` markers. Usage: python bench/spending.py
"""

from __future__ import annotations

import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import machine  # bench/_common.py (the script folder is on the path)

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench:spending -->", "<!-- /bench:spending -->"
DATA = ROOT / "data" / "defence_spending"
NATO = DATA / "nato_240617-def-exp-2024-TABLES-en.xlsx"


def timings(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def setup_django(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["VEILLE_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veille.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Static file URLs without a collected manifest: the page's server time, not static files, is measured.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)


def naive_overview(year: int) -> list[dict[str, Any]]:
    """Baseline: one query per ally and measure."""
    from veille.nations.models import Nation, NationKind
    from veille.spending.models import Figure
    from veille.spending.queries import OVERVIEW_MEASURES, latest_source

    source = latest_source("nato")
    rows = []
    for nation in Nation.objects.filter(kind=NationKind.ALLY):
        row: dict[str, Any] = {"code": nation.code}
        for measure in OVERVIEW_MEASURES:
            f = Figure.objects.filter(source=source, nation=nation, measure=measure, year=year).first()
            row[measure] = f.exact if f else None
        if row["share_gdp_pct"] is not None:
            rows.append(row)
    return sorted(rows, key=lambda r: -r["share_gdp_pct"])


def naive_import() -> int:
    """Baseline: cell-by-cell reading in openpyxl's normal mode, one INSERT per figure."""
    import openpyxl
    from django.db import transaction

    from veille.nations.services import resolve_nation
    from veille.spending.models import Figure, Source
    from veille.spending.workbooks import nato_from_grids

    wb = openpyxl.load_workbook(NATO, data_only=True)
    grids = {
        ws.title: [
            tuple(ws.cell(r, c).value for c in range(1, ws.max_column + 1)) for r in range(1, ws.max_row + 1)
        ]
        for ws in wb.worksheets
    }
    parsed = nato_from_grids(grids, NATO)
    with transaction.atomic():
        info = parsed.source
        source = Source.objects.create(
            kind="nato",
            sha256=info.sha256,
            file_name=info.file_name,
            publisher=info.publisher,
            title=info.title,
            edition=info.edition,
            edition_date=info.edition_date,
            licence=info.licence,
            confidence="official",
        )
        for f in parsed.figures:
            nation = None if f.aggregate else resolve_nation(f.entity)
            Figure.objects.create(
                source=source,
                nation=nation,
                entity=f.entity,
                aggregate=f.aggregate,
                year=f.year,
                measure=f.measure,
                price_base=f.price_base,
                value=f.value,
                raw=f.raw,
                unit=f.unit,
                estimate=f.estimate,
                sheet=f.sheet,
                table=f.table,
                cell=f.cell,
            )
        transaction.set_rollback(True)
    return len(parsed.figures)


def veille_import() -> int:
    from django.db import transaction

    from veille.nations.access import Actor
    from veille.spending.services import do_import_figures
    from veille.spending.workbooks import read_nato

    with transaction.atomic():
        summary = do_import_figures(Actor.system_process("bench"), read_nato(NATO))
        transaction.set_rollback(True)
    return summary.created


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="veille-bench-spending-"))
    setup_django(folder)
    from django.test import Client

    from veille.nations.access import Actor
    from veille.nations.services import do_load_reference
    from veille.spending import queries
    from veille.spending.demo import load

    do_load_reference(Actor.system_process("bench"))
    # import timings first, on an empty spending database
    created = veille_import()
    ours_import = timings(veille_import, 3)
    base_import = timings(naive_import, 3)
    load(None)
    client = Client()
    assert client.get("/spending/").status_code == 200
    figures = queries.home_figures()["figures"]
    from django.core.cache import cache

    page = timings(lambda: client.get("/spending/"), 30)

    def uncached_page() -> Any:
        cache.clear()
        return client.get("/spending/")

    page_cold = timings(uncached_page, 15)

    def uncached_rows() -> Any:
        cache.clear()
        return queries.overview(2024)

    ours_rows = timings(uncached_rows, 30)
    base_rows = timings(lambda: naive_overview(2024), 10)
    assert [r["code"] for r in queries.overview(2024).rows] == [r["code"] for r in naive_overview(2024)]

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:,.1f} ms"

    def s(values: list[float]) -> str:
        return f"{min(values):.2f} s"

    page_ms = statistics.median(page) * 1000
    import_s = min(ours_import)
    lines = [
        START,
        "## Defence spending (`bench/spending.py`)",
        "",
        f"Machine: {machine()}. Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on SQLite with "
        f"{figures:,} figures loaded (NATO tables, SIPRI workbook, press file). Baselines measured in the "
        f"same run; load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (a shared "
        "machine inflates both columns alike).",
        "",
        "| measure | veille | baseline | ratio | target |",
        "|---|---:|---:|---:|---|",
        f"| alliance overview `GET /spending/`, server time (median of 30; the overview is cached "
        f"under its sources) | {ms(page)} | - | - | "
        f"< 100 ms ({'met' if page_ms < 100 else 'NOT met'}) |",
        f"| the same with the cache emptied before each request (median of 15) "
        f"| {ms(page_cold)} | - | - | "
        f"< 100 ms ({'met' if statistics.median(page_cold) * 1000 < 100 else 'NOT met'}) |",
        f"| overview rows for 2024, uncached (median) vs one query per ally and measure "
        f"| {ms(ours_rows)} | {ms(base_rows)} | "
        f"{statistics.median(base_rows) / statistics.median(ours_rows):.1f}x | - |",
        f"| NATO workbook import, {created:,} figures (best of 3) "
        "vs cell-by-cell read + one INSERT per figure "
        f"| {s(ours_import)} | {s(base_import)} | {min(base_import) / import_s:.1f}x | "
        f"< 5 s ({'met' if import_s < 5 else 'NOT met'}) |",
        "",
        END,
    ]
    section = "\n".join(lines)
    print(section)
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
