"""``veille ais …`` starts without Django: no ``django.setup()``, no templates, no other app.

Real subprocesses of the ``veille`` entry point; what they import is read from ``sys.modules``
(no timing here: the start-up time is measured by hand, docs/ais.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data" / "ais"

PROBE = """
import json, sys
from veille.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = ("django", "polars", "duckdb", "pyarrow", "numpy", "rich", "pyspark")
loaded = sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in heavy})
decoder = "veille.core.ais.decode" in sys.modules
print(json.dumps({"code": code, "loaded": loaded, "per_message_decoder": decoder}), file=sys.stderr)
"""


def _probe(*args: str) -> tuple[dict[str, object], str, str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120, check=False
    )
    last = done.stderr.strip().splitlines()[-1]
    return json.loads(last), done.stdout, done.stderr


def test_stats_help_imports_neither_django_nor_the_data_libraries() -> None:
    result, out, _ = _probe("ais", "stats", "--help")
    assert result["code"] == 0
    assert "--format" in out and "--store" in out
    assert result["loaded"] == []


def test_a_small_ingest_runs_without_django(tmp_path: Path) -> None:
    lines = (DATA / "pyais_nmea_data_sample_aegean.nmea").read_bytes().splitlines()[:100]
    src = tmp_path / "hundred.nmea"
    src.write_bytes(b"\n".join(lines) + b"\n")
    result, out, _ = _probe("ais", "ingest", str(src), "--store", str(tmp_path / "store"), "--format", "json")
    assert result["code"] == 0
    assert "django" not in result["loaded"] and "duckdb" not in result["loaded"]
    assert "pyspark" not in result["loaded"]
    summary = json.loads(out)
    assert summary["lines"] == 100 and summary["positions"] > 0
    assert list((tmp_path / "store" / "positions").glob("day=*/*.parquet"))


def test_errors_read_as_through_django(tmp_path: Path) -> None:
    """Exit code and message as the management command gives them."""
    result, _, err = _probe("ais", "stats", "--store", str(tmp_path / "missing"))
    assert result["code"] == 3
    assert f"CommandError: store {tmp_path / 'missing'}: no such folder" in err
    assert "django" not in result["loaded"]


def test_django_options_go_through_the_management_command() -> None:
    result, out, _ = _probe("ais", "stats", "--help", "--traceback")
    assert result["code"] == 0
    assert "usage: veille ais stats" in out
    assert "django" in result["loaded"]


def test_an_ingest_with_nothing_refused_does_not_build_the_per_message_decoder(tmp_path: Path) -> None:
    lines = (DATA / "dma_aislib_stream_example_2010-06-11.nmea").read_bytes().splitlines()[:100]
    src = tmp_path / "hundred.nmea"
    src.write_bytes(b"\n".join(lines) + b"\n")
    result, out, _ = _probe("ais", "ingest", str(src), "--store", str(tmp_path / "store"), "--format", "json")
    summary = json.loads(out)
    assert result["code"] == 0 and summary["positions"] > 0 and summary["rejected_total"] == 0
    assert result["per_message_decoder"] is False


def test_a_refused_message_is_named_by_the_per_message_decoder(tmp_path: Path) -> None:
    """The decoder imported only for refused messages still names why (here: a type-1 payload cut
    short), with its line."""
    lines = (DATA / "dma_aislib_stream_example_2010-06-11.nmea").read_bytes().splitlines()[:20]
    src = tmp_path / "short.nmea"
    src.write_bytes(b"\n".join([*lines, b"!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDR,0*1F"]) + b"\n")
    result, out, _ = _probe("ais", "ingest", str(src), "--store", str(tmp_path / "store"), "--format", "json")
    assert result["code"] == 0, out
    summary = json.loads(out)
    assert summary["rejected"] == {"too_short": 1} and result["per_message_decoder"] is True
