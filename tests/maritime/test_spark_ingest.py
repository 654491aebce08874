"""``veille ais ingest --engine spark`` against the embedded ingest, on the same inputs: the shipped
captures and a capture of several blocks (multi-part groups cut by block boundaries), counts,
rejects by reason and a content hash of the stored positions. Apache Spark for real (``local[2]``).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.maritime.ais_inputs import DATA, DMA, truncated_gz
from veille.maritime.cli.runner import main as ais
from veille.maritime.spark.ingest_job import spark_ingest
from veille.maritime.store import AisStore

pytestmark = pytest.mark.spark

CAPTURES = sorted(p for p in DATA.iterdir() if not p.name.startswith("LICENSE"))
SUMMARY_KEYS = (
    "lines", "messages", "decoded", "positions", "static_reports", "vessel_changes", "rejected",
    "rejected_total", "vessels", "time_span", "without_time",
)  # fmt: skip


def _ingest(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    capsys.readouterr()
    code = ais(["ingest", *args, "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def _several_blocks(tmp_path: Path) -> Path:
    """The DMA capture 12 times (about 6 MB: three blocks of the ingest, groups cut between them)."""
    path = tmp_path / "big.nmea"
    path.write_bytes(DMA.read_bytes() * 12)
    return path


def position_hash(root: Path) -> tuple[int, str]:
    """Rows and a hash of the stored positions in a canonical order (``received_at``, the time of the
    ingest, left out, and the time of a message without one, which is that time too)."""
    df = AisStore(root).query("SELECT * EXCLUDE (day) FROM positions").pl()
    df = df.with_columns(
        timestamp=pl.when(pl.col("timestamp") == pl.col("received_at"))
        .then(None)
        .otherwise(pl.col("timestamp"))
    ).drop("received_at")
    df = df.sort(df.columns, nulls_last=True)
    digest = hashlib.sha256()
    for row in df.iter_rows():
        digest.update(repr(row).encode())
    return df.height, digest.hexdigest()


def vessel_rows(root: Path) -> list[tuple[Any, ...]]:
    """The registry's rows; ``valid_from`` only for reports with a time of their own (2000-2020)."""
    df = AisStore(root).query("SELECT * FROM vessel_history").pl()
    df = df.with_columns(
        valid_from=pl.when(pl.col("valid_from").dt.year() < 2021).then(pl.col("valid_from")).otherwise(None)
    )
    return sorted(df.rows(), key=repr)


def test_both_engines_store_the_same_captures(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = [str(p) for p in CAPTURES] + [str(_several_blocks(tmp_path))]
    rejects = {name: tmp_path / f"{name}.tsv" for name in ("embedded", "spark")}
    code, embedded, _ = _ingest(
        capsys, *inputs, "--store", str(tmp_path / "embedded"), "--rejects", str(rejects["embedded"])
    )
    assert code == 0
    code, on_spark, _ = _ingest(
        capsys, "--engine", "spark", "--master", "local[2]", *inputs, "--store", str(tmp_path / "spark"),
        "--rejects", str(rejects["spark"]),
    )  # fmt: skip
    assert code == 0
    # the same rejected lines, with their line numbers and reasons, in input order
    assert rejects["spark"].read_bytes() == rejects["embedded"].read_bytes() != b""
    assert on_spark["engine"] == "spark" and on_spark["inputs"] == len(inputs)
    assert {k: on_spark[k] for k in SUMMARY_KEYS} == {k: embedded[k] for k in SUMMARY_KEYS}
    assert embedded["rejected"]["incomplete_multipart"] > 0  # the case is there
    assert position_hash(tmp_path / "spark") == position_hash(tmp_path / "embedded")
    assert vessel_rows(tmp_path / "spark") == vessel_rows(tmp_path / "embedded")
    # the same layout: parts by day, named by the run, nothing left beside them
    days = sorted(p.name for p in (tmp_path / "spark" / "positions").iterdir())
    assert days == sorted(p.name for p in (tmp_path / "embedded" / "positions").iterdir())
    names = [p.name for p in (tmp_path / "spark").rglob("*") if p.is_file()]
    assert all(n.startswith(f"part-{on_spark['run']}-") and n.endswith(".parquet") for n in names), names
    assert not [p for p in (tmp_path / "spark").iterdir() if p.name.startswith(".")]


def test_a_folder_and_a_glob_are_read_whole(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.nmea").write_bytes(CAPTURES[0].read_bytes())
    (folder / "sub" / "b.nmea").write_bytes(CAPTURES[1].read_bytes())
    code, by_folder, _ = _ingest(capsys, "--engine", "spark", str(folder), "--store", str(tmp_path / "s1"))
    assert code == 0 and by_folder["inputs"] == 2
    code, by_glob, _ = _ingest(
        capsys, "--engine", "spark", str(folder / "**" / "*.nmea"), "--store", str(tmp_path / "s2")
    )
    assert code == 0 and by_glob["inputs"] == 2
    assert position_hash(tmp_path / "s1") == position_hash(tmp_path / "s2")


def test_a_corrupt_gz_among_the_inputs_is_named_and_counted(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = truncated_gz(tmp_path)
    inputs = [str(CAPTURES[0]), str(cut), str(CAPTURES[-1])]
    code, embedded_whole, _ = _ingest(capsys, inputs[0], inputs[2], "--store", str(tmp_path / "whole"))
    assert code == 0
    code, partial, _ = _ingest(capsys, inputs[1], "--store", str(tmp_path / "whole"))
    assert code == 3  # the embedded ingest stops at the damage, having stored what came before
    code, on_spark, err = _ingest(capsys, "--engine", "spark", *inputs, "--store", str(tmp_path / "spark"))
    assert code == 3
    assert on_spark["inputs_damaged"] == 1
    assert f"{cut}: damaged at uncompressed byte" in err
    assert "CommandError: 1 of 3 inputs damaged or unreadable" in err
    # the other inputs whole, the damaged one up to the damage: what the embedded ingest keeps
    assert on_spark["positions"] == embedded_whole["positions"] + partial["positions"]
    assert position_hash(tmp_path / "spark") == position_hash(tmp_path / "whole")


def test_a_failed_job_leaves_the_store_as_it_was(spark: Any, tmp_path: Path) -> None:
    store = tmp_path / "store"
    AisStore(store).ingest_blocks([])
    before = sorted(p.relative_to(store) for p in store.rglob("*"))
    # the run's temporary folder cannot hold its positions: every task fails
    (store / ".spark-0123456789ab").mkdir(parents=True)
    (store / ".spark-0123456789ab" / "positions").write_bytes(b"in the way")
    with pytest.raises(Exception):  # noqa: B017 - Spark's own error type
        spark_ingest(spark, [str(CAPTURES[0])], store, run="0123456789ab")
    assert sorted(p.relative_to(store) for p in store.rglob("*")) == before


def _veille(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "veille.cli", "ais", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


def test_java_missing_is_one_line_saying_what_to_install(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(tmp_path)  # no java on it
    done = _veille("ingest", "--engine", "spark", str(DMA), "--store", str(tmp_path / "s"), env=env)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "CommandError: Java is missing (Apache Spark runs on it): install a Java 17 runtime "
        "(Debian: apt-get install openjdk-17-jre-headless)"
    )
    assert not (tmp_path / "s").exists()


def test_pyspark_missing_is_one_line_saying_what_to_install(tmp_path: Path) -> None:
    blocked = "import sys; sys.modules['pyspark'] = None; from veille.cli import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", blocked, "ais", "ingest", "--engine", "spark", str(DMA),
         "--store", str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "CommandError: Apache Spark is not installed: install PySpark: pip install 'veille[spark]'"
    )


def test_an_unreachable_master_is_named(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    master = f"spark://127.0.0.1:{port}"
    done = _veille(
        "ingest", "--engine", "spark", "--master", master, str(DMA), "--store", str(tmp_path / "s"),
        env=dict(os.environ),
    )  # fmt: skip
    assert done.returncode == 3
    assert done.stderr.strip().startswith(
        f"CommandError: Spark master {master}: cannot connect (127.0.0.1:{port}: "
    )
    assert not (tmp_path / "s").exists()
