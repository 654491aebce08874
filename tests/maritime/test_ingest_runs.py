"""Idempotent AIS ingest: each run and the SHA-256 of each file it read are recorded in the store; the
same file is not stored twice; an interrupted run is resumed or rolled back by its id; temporary
parts left by a killed run are removed. Real files, real stores, a real process killed with -9."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.maritime.ais_inputs import DATA, DMA, positions
from veille.maritime.ingest_runs import IngestRuns, sha256_file

VEILLE = Path(sys.executable).parent / "veille"
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def ais(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ais", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def ingest(store: Path, *inputs: Path | str, force: bool = False) -> tuple[dict[str, object], str]:
    args = ["ingest", *map(str, inputs), "--store", str(store), "--format", "json"]
    out, err = ais(*args, *(["--force"] if force else []))
    return json.loads(out), err


def test_the_same_file_ingested_twice_is_stored_once_unless_forced(tmp_path: Path) -> None:
    store = tmp_path / "s"
    first, _ = ingest(store, DMA)
    stored = positions(store)
    assert stored == first["positions"] > 0
    again, err = ingest(store, DMA)
    assert again == {"run": None, "positions": 0, "skipped": [str(DMA)]}
    said, _ = ais("ingest", str(DMA), "--store", str(store))
    assert said.strip() == "nothing to read: every input is already stored (--force stores it again)"
    assert f"already stored by run {first['run']}" in err and "--force" in err
    assert positions(store) == stored
    forced, _ = ingest(store, DMA, force=True)
    assert forced["positions"] == stored and positions(store) == 2 * stored


def test_a_copy_under_another_name_is_the_same_content(tmp_path: Path) -> None:
    store = tmp_path / "s"
    copy = tmp_path / "renamed.nmea"
    copy.write_bytes(DMA.read_bytes())
    first, _ = ingest(store, DMA, copy)  # named twice in one command: read once
    assert positions(store) == first["positions"]
    _, err = ingest(store, copy)
    assert "already stored" in err and positions(store) == first["positions"]


def test_only_the_new_file_of_a_command_is_read(tmp_path: Path) -> None:
    store = tmp_path / "s"
    aegean = DATA / "pyais_nmea_data_sample_aegean.nmea"
    ingest(store, DMA)
    before = positions(store)
    second, err = ingest(store, DMA, aegean)
    assert "already stored" in err and second["skipped"] == [str(DMA)]
    assert positions(store) == before + second["positions"]
    runs = IngestRuns(store).all()
    assert [len(r["inputs"]) for r in runs] == [1, 1]
    assert runs[1]["inputs"][0]["sha256"] == sha256_file(aegean)
    assert all(r["status"] == "complete" for r in runs)


def test_runs_lists_each_run_with_its_inputs(tmp_path: Path) -> None:
    store = tmp_path / "s"
    first, _ = ingest(store, DMA)
    out, _ = ais("runs", "--store", str(store))
    assert f"{first['run']}" in out and "complete" in out
    assert f"sha256:{sha256_file(DMA)[:12]}" in out and f"{first['positions']:,} positions" in out
    listed = json.loads(ais("runs", "--store", str(store), "--format", "json")[0])
    assert listed[0]["inputs"][0]["input"] == str(DMA.resolve())


def test_a_rolled_back_run_leaves_nothing_and_its_file_can_be_ingested_again(tmp_path: Path) -> None:
    store = tmp_path / "s"
    kept, _ = ingest(store, DATA / "pyais_nmea_data_sample_aegean.nmea")
    first, _ = ingest(store, DMA)
    out, _ = ais("rollback", str(first["run"]), "--store", str(store))
    assert f"run {first['run']}: rolled back" in out
    assert positions(store) == kept["positions"]
    assert not list(store.rglob(f"*part-{first['run']}-*"))
    assert IngestRuns(store).get(str(first["run"]))["status"] == "rolled back"
    again, _ = ingest(store, DMA)
    assert positions(store) == kept["positions"] + again["positions"]


def test_an_unknown_run_is_named(tmp_path: Path) -> None:
    ingest(tmp_path, DMA)
    for action in ("rollback", "resume"):
        with pytest.raises(CommandError, match="no ingest run 0123456789ab") as err:
            ais(action, "0123456789ab", "--store", str(tmp_path))
        assert err.value.returncode == 2
    with pytest.raises(CommandError, match="is not a run id"):
        ais("rollback", "../../etc", "--store", str(tmp_path))


def _killed_run(tmp_path: Path) -> tuple[Path, Path, str]:
    """A run killed with -9 while it reads its second file, the first one stored. Its rejects go
    to a pipe that nobody reads: once the pipe is full the run waits there, inside the second file,
    until it is killed (no timing involved)."""
    noisy = tmp_path / "noisy.nmea"
    noisy.write_bytes(b"".join(b"not an AIS line %d\n" % i for i in range(20_000)) + DMA.read_bytes())
    store, fifo = tmp_path / "s", tmp_path / "rejects"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # the write end opens; nothing is read
    proc = subprocess.Popen(
        [str(VEILLE), "ais", "ingest", str(DMA), str(noisy), "--store", str(store), "--workers", "1",
         "--rejects", str(fifo)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    try:
        while True:
            assert time.monotonic() < deadline and proc.poll() is None
            runs = IngestRuns(store).all() if (store / "ingest-runs").is_dir() else []
            if runs and runs[0]["inputs"][1]["status"] == "running":
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        os.close(reader)
    return noisy, store, runs[0]["run"]


def test_a_killed_run_is_shown_interrupted_refuses_a_second_ingest_and_resumes(tmp_path: Path) -> None:
    big, store, run = _killed_run(tmp_path)
    record = IngestRuns(store).get(run)
    assert record["status"] == "interrupted" and record["killed"] is True
    out, _ = ais("runs", "--store", str(store))
    assert f"{run}" in out and "interrupted  (killed)" in out
    _, err = ingest(store, big)
    assert f"run {run}" in err and "was interrupted" in err and f"veille ais resume {run}" in err

    first = record["inputs"][0]
    assert first["status"] == "complete" and first["positions"] == positions(store) > 0
    # a part the second file had written before the kill (as a larger file would have)
    partial = next(store.glob("positions/day=*/*.parquet"))
    planted = partial.with_name(f"part-{run}-{record['inputs'][1]['first_part']:06d}.parquet")
    planted.write_bytes(partial.read_bytes())
    assert positions(store) == 2 * first["positions"]

    out, _ = ais("resume", run, "--store", str(store), "--format", "json")
    resumed = json.loads(out)
    assert resumed["run"] == run
    whole, _ = ingest(tmp_path / "whole", DMA, big)
    assert positions(store) == whole["positions"] == first["positions"] + resumed["positions"]
    assert [e["status"] for e in IngestRuns(store).get(run)["inputs"]] == ["complete", "complete"]
    assert IngestRuns(store).get(run)["status"] == "complete"
    with pytest.raises(CommandError, match="is complete: nothing to resume"):
        ais("resume", run, "--store", str(store))


def test_a_killed_run_rolls_back_to_nothing(tmp_path: Path) -> None:
    big, store, run = _killed_run(tmp_path)
    ais("rollback", run, "--store", str(store))
    assert positions(store) == 0 and not list(store.rglob("*part-*"))
    again, _ = ingest(store, DMA, big)
    assert positions(store) == again["positions"] > 0


def test_a_file_changed_since_its_run_is_not_resumed(tmp_path: Path) -> None:
    big, store, run = _killed_run(tmp_path)
    with big.open("ab") as f:
        f.write(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n")
    with pytest.raises(CommandError, match="its content changed since run") as err:
        ais("resume", run, "--store", str(store))
    assert err.value.returncode == 3 and str(big) in str(err.value)


def test_temporary_parts_of_dead_runs_are_removed_and_reported_those_of_a_running_one_kept(
    tmp_path: Path,
) -> None:
    store = tmp_path / "s"
    first, _ = ingest(store, DMA)
    day = next(store.glob("positions/day=*"))
    dead = day / f".part-{first['run']}-000099.parquet.tmp"  # its run is over: a killed write
    dead.write_bytes(b"PAR1 half a file")
    runs = IngestRuns(store)
    live = runs.start("abcdefabcdef")  # this process: running
    writing = day / f".part-{live['run']}-000001.parquet.tmp"
    writing.write_bytes(b"PAR1 being written")
    _, err = ingest(store, DATA / "pyais_nmea_data_sample_aegean.nmea")
    assert "removed 1 temporary part(s) left by a killed run" in err and str(dead) in err
    assert not dead.exists() and writing.exists()
    with pytest.raises(CommandError, match="still running"):
        ais("rollback", live["run"], "--store", str(store))


def test_a_prefetched_hash_is_used_only_while_the_file_is_unchanged(tmp_path: Path) -> None:
    from veille.maritime import ingest_runs

    path = tmp_path / "a.nmea"
    path.write_bytes(DMA.read_bytes())
    ingest_runs._PREFETCHED[str(tmp_path / "left.nmea")] = ingest_runs._Digest((0, 0))  # left by a command
    ingest_runs.prefetch_sha256([str(path), "--store", str(tmp_path), str(tmp_path / "missing.nmea")])
    assert len(ingest_runs._PREFETCHED) == 1  # the file only: neither a folder nor a missing path
    ingest_runs._PREFETCHED[str(path.resolve())].done.wait(60)  # hashed, then changed
    path.write_bytes(DMA.read_bytes() + b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n")  # size changed
    assert sha256_file(path) == ingest_runs._sha256(path) != sha256_file(DMA)
    assert not ingest_runs._PREFETCHED  # taken once, even when not used
    ingest_runs.prefetch_sha256([str(path)])
    assert sha256_file(path) == ingest_runs._sha256(path)


def test_what_an_ingest_command_prefetched_and_did_not_use_is_forgotten(tmp_path: Path) -> None:
    from veille.maritime import ingest_runs
    from veille.maritime.cli.runner import main

    path = tmp_path / "a.nmea"
    path.write_bytes(DMA.read_bytes())
    # a --rejects folder that does not exist stops the command before it hashes its input
    rejects = str(tmp_path / "no" / "r.tsv")
    code = main(["ingest", str(path), "--store", str(tmp_path / "s"), "--rejects", rejects])
    assert code == 2 and not ingest_runs._PREFETCHED


def test_the_entry_point_ends_with_every_output_written_and_the_exit_code_kept(tmp_path: Path) -> None:
    """``veille ais`` ends its process without the interpreter's teardown: the summary (a pipe), the
    rejects file and the store must be whole, and an error's exit code kept."""
    store, rejects, capture = tmp_path / "s", tmp_path / "rejects.tsv", tmp_path / "in.nmea"
    bad_checksum = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B\n"
    capture.write_bytes(DMA.read_bytes() + b"not a sentence\n" + bad_checksum)
    done = subprocess.run(
        [str(VEILLE), "ais", "ingest", str(capture), "--store", str(store), "--format", "json",
         "--rejects", str(rejects)],
        capture_output=True, text=True, timeout=300, env=ENV, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["positions"] == positions(store) > 0
    assert len(rejects.read_bytes().splitlines()) == summary["rejected_total"] == 2
    missing = subprocess.run(
        [str(VEILLE), "ais", "ingest", str(tmp_path / "none.nmea"), "--store", str(store)],
        capture_output=True, text=True, timeout=300, env=ENV, check=False,
    )  # fmt: skip
    assert missing.returncode == 3 and "none.nmea: no such file" in missing.stderr
