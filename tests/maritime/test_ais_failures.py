"""``veille ais`` when things go wrong: damaged inputs, interrupts, bad arguments, a bad store.

Real files, real stores in tmp_path, real sockets and real subprocesses (signals, a terminal)."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.maritime.ais_inputs import DATA, DMA, positions, truncated_gz
from veille.core.ais.sources import file_blocks
from veille.maritime.store import AisStore, StoreError

VEILLE = Path(sys.executable).parent / "veille"
#: the settings of the test run may name the tests' own apps: the command must import them too
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def _capture(tmp_path: Path, copies: int, name: str = "big.nmea") -> Path:
    path = tmp_path / name
    path.write_bytes(DMA.read_bytes() * copies)
    return path


def _run(*args: str, **kw: object) -> None:
    call_command("ais", *args, stdout=kw.pop("stdout", io.StringIO()), stderr=kw.pop("stderr", io.StringIO()))


# -- 1 and 2. a damaged store part, a damaged input ---------------------------------------------


def test_the_commands_name_an_empty_part_and_exit_6(tmp_path: Path) -> None:
    AisStore(tmp_path).ingest_blocks(file_blocks(DMA))
    empty = tmp_path / "positions" / "day=2010-06-11" / "part-0123456789ab-000001.parquet"
    empty.write_bytes(b"")
    for action in ("stats", "events"):
        with pytest.raises(CommandError) as err:
            _run(action, "--store", str(tmp_path))
        assert err.value.returncode == 6
        assert str(empty) in str(err.value) and "remove it" in str(err.value)


def test_the_command_reports_what_it_kept_and_names_the_damaged_file(tmp_path: Path) -> None:
    cut = truncated_gz(tmp_path)
    out = io.StringIO()
    with pytest.raises(CommandError) as err:
        call_command("ais", "ingest", str(cut), "--workers", "2", "--store", str(tmp_path / "s"),
                     "--format", "json", stdout=out, stderr=io.StringIO())  # fmt: skip
    assert err.value.returncode == 3 and str(cut) in str(err.value)
    assert str(err.value).count(str(cut)) == 1  # named once, by the reader
    summary = json.loads(out.getvalue())
    assert summary["positions"] == positions(tmp_path / "s") > 0


# -- 3. the progress bar is drawn on stderr ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_progress_goes_to_the_terminal_on_stderr_not_to_the_summary(tmp_path: Path, fmt: str) -> None:
    big = _capture(tmp_path, 6)
    master, slave = pty.openpty()
    drawn = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            drawn.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    env = {**ENV, "TERM": "xterm", "COLUMNS": "120"}
    done = subprocess.run(
        [str(VEILLE), "ais", "ingest", str(big), "--store", str(tmp_path / "s"), "--format", fmt],
        stdout=subprocess.PIPE, stderr=slave, env=env, timeout=120,
    )  # fmt: skip
    os.close(slave)
    reader.join(5)
    os.close(master)
    assert done.returncode == 0, drawn.decode(errors="replace")
    out = done.stdout.decode()
    if fmt == "json":
        assert out.startswith("{") and json.loads(out)["positions"] > 0
    else:
        assert out.startswith("messages ") and "━" not in out and "\x1b" not in out
    assert str(big).encode() in drawn  # the bar, with the file's name, went to the terminal


# -- 4. a feed that never connects --------------------------------------------------------------


def test_a_feed_that_never_connected_before_until_is_an_input_error(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    stderr = io.StringIO()
    with pytest.raises(CommandError) as err:
        _run("ingest", f"tcp://127.0.0.1:{port}", "--until", "2s", "--store", str(tmp_path), stderr=stderr)
    assert err.value.returncode == 3
    assert str(err.value) == f"could not connect to 127.0.0.1:{port}: connection refused"
    retries = stderr.getvalue().splitlines()
    assert retries and all(
        re.fullmatch(
            rf"veille ais ingest tcp://127\.0\.0\.1:{port}: connection refused; retrying in [\d.]+ s", r
        )
        for r in retries
    ), retries


def test_watch_says_each_failed_connection_on_stderr(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    stderr = io.StringIO()
    _run("watch", f"tcp://127.0.0.1:{port}", "--until", "2s", stderr=stderr)
    retries = stderr.getvalue().splitlines()[:-1]  # then the run's summary
    assert retries and all(
        r == f"veille ais watch tcp://127.0.0.1:{port}: 127.0.0.1:{port}: connection refused; retrying"
        for r in retries
    ), retries
    assert json.loads(stderr.getvalue().splitlines()[-1])["lines"] == 0


# -- 5. read commands need an existing store ----------------------------------------------------


def test_read_commands_refuse_a_store_that_does_not_exist_or_is_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a store")
    for store, problem in ((tmp_path / "nope", "no such folder"), (afile, "not a folder")):
        for action in ("stats", "events"):
            with pytest.raises(CommandError) as err:
                _run(action, "--store", str(store))
            assert err.value.returncode == 3 and f"store {store}: {problem}" in str(err.value)
    assert not (tmp_path / "nope").exists()  # events did not create it


# -- 6 and 7. bad arguments and unwritable outputs: exit 2 before any work ----------------------


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["ingest", "FILE", "--until", "banana"], "--until"),
        (["ingest", "FILE", "--until", ""], "--until"),
        (["ingest", "tcp://localhost"], "tcp://HOST:PORT"),
        (["ingest", "tcp://:19010"], "tcp://HOST:PORT"),
        (["ingest", "tcp://127.0.0.1:99999"], "tcp://HOST:PORT"),
        (["ingest", "FILE", "--workers", "0"], "--workers"),
        (["ingest", "FILE", "--rejects", "/nonexistent/dir/r.tsv"], "--rejects /nonexistent/dir/r.tsv"),
        (["events", "--since", "yesterday"], "--since"),
        (["events", "--until", "banana"], "--until"),
        (["events", "--type", "foo"], "--type foo"),
        (["events", "--zone", "nowhere"], "--zone nowhere"),
        (["events", "--output", "/nonexistent/x.csv"], "--output /nonexistent/x.csv"),
        (["watch", "FILE", "--until", "banana"], "--until"),
        (["watch", "tcp://localhost"], "tcp://HOST:PORT"),
        (["watch", "tcp://127.0.0.1:99999"], "tcp://HOST:PORT"),
        (["watch", "tcp://::1:10110"], "tcp://HOST:PORT"),  # an IPv6 address needs its brackets
    ],
)
def test_bad_arguments_exit_2_naming_the_option_before_any_work(
    tmp_path: Path, args: list[str], named: str
) -> None:
    store = tmp_path / "s"
    AisStore(store).ingest_blocks(file_blocks(DMA))
    before = sorted(p.relative_to(store) for p in store.rglob("*"))
    args = [str(DMA) if a == "FILE" else a for a in args]
    with pytest.raises(CommandError) as err:
        _run(*args, "--store", str(store))
    assert err.value.returncode == 2 and named in str(err.value)
    assert sorted(p.relative_to(store) for p in store.rglob("*")) == before  # nothing ran


# -- 8. the store is blamed, not the input ------------------------------------------------------


def test_a_store_that_cannot_be_written_is_named_with_its_own_exit_code(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a store")
    with pytest.raises(CommandError) as err:
        _run("ingest", str(DMA), "--store", str(afile))
    assert err.value.returncode == 6 and f"store {afile}" in str(err.value)
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "positions").write_text("a file where the day folders should go")
    with pytest.raises(CommandError) as err:
        _run("ingest", str(DMA), "--store", str(blocked), "--workers", "2")
    assert err.value.returncode == 6 and f"store {blocked}" in str(err.value)
    assert str(DMA) not in str(err.value)
    with pytest.raises(StoreError):
        AisStore(blocked).ingest_blocks(file_blocks(DMA), workers=1)


# -- 9. --until does not cut files ---------------------------------------------------------------


def test_until_does_not_cut_file_inputs_and_says_so(tmp_path: Path) -> None:
    big = _capture(tmp_path, 3)  # more than one block
    other = tmp_path / "other.nmea"
    other.write_bytes((DATA / "pyais_nmea_data_sample_aegean.nmea").read_bytes())
    whole = io.StringIO()
    call_command("ais", "ingest", str(big), str(other), "--store", str(tmp_path / "a"), "--format", "json",
                 stdout=whole, stderr=io.StringIO())  # fmt: skip
    out, err = io.StringIO(), io.StringIO()
    call_command("ais", "ingest", str(big), str(other), "--until", "2000-01-01T00:00:00", "--store",
                 str(tmp_path / "b"), "--format", "json", stdout=out, stderr=err)  # fmt: skip
    assert json.loads(out.getvalue())["positions"] == json.loads(whole.getvalue())["positions"]
    assert positions(tmp_path / "b") == positions(tmp_path / "a")
    assert "--until applies to tcp:// feeds and standard input" in err.getvalue()
    assert str(big) in err.getvalue() and str(other) in err.getvalue()


# -- 10. Ctrl-C -------------------------------------------------------------------------------


def test_ctrl_c_keeps_what_was_decoded_prints_the_summary_and_exits_130(tmp_path: Path) -> None:
    store = tmp_path / "s"
    proc = subprocess.Popen(
        [str(VEILLE), "ais", "ingest", "-", "--store", str(store), "--format", "json", "--workers", "1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
        start_new_session=True,  # not in the test run's process group: SIGINT goes to it alone
    )  # fmt: skip
    assert proc.stdin is not None
    proc.stdin.write(DMA.read_bytes() * 3)  # one block of 1 MB, then the rest waits for more input
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while not list(store.glob("positions/day=*/*.parquet")):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    time.sleep(0.3)  # waiting for the next block
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err and b"interrupted" in err
    summary = json.loads(out)
    assert summary["interrupted"] is True
    assert summary["positions"] == positions(store) > 0


def test_ctrl_c_stops_watch_and_replay_with_exit_130_and_no_traceback(tmp_path: Path) -> None:
    """The demo's feed stops its replays and readers this way."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    common = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "env": ENV, "start_new_session": True}
    replay = subprocess.Popen([str(VEILLE), "ais", "replay", str(DMA), "--port", str(port), "--speed", "1"],
                              **common)  # type: ignore[call-overload]  # fmt: skip
    watch = subprocess.Popen([str(VEILLE), "ais", "watch", f"tcp://127.0.0.1:{port}", "--save",
                              "--store", str(tmp_path / "s")], **common)  # type: ignore[call-overload]  # fmt: skip
    deadline = time.monotonic() + 60
    while not list((tmp_path / "s").glob("events/runs/live-*.json")):  # watch has started its run
        assert time.monotonic() < deadline and watch.poll() is None
        time.sleep(0.05)
    time.sleep(1.0)  # the replay paces the capture in real time: both are busy
    for proc in (replay, watch):  # the replay first: without its client it would end by itself
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130 and b"Traceback" not in err and b"interrupted" in err, err.decode()
    stamp = json.loads(next((tmp_path / "s").glob("events/runs/live-*.json")).read_text())
    assert "finished_at" in stamp  # the live run's stamp was completed
