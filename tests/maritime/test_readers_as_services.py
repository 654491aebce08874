"""The AIS readers as services (docs/operations.md, deploy/veille-ais-*.service): ``veille ais ingest
tcp://…`` and ``veille ais watch tcp://… --save`` follow ``veille ais replay``; the feed stops (its
process killed), comes back on the same port with more traffic, and the readers reconnect by
themselves and lose no complete sentence they received before the cut.

Real processes, real sockets, real stores: what the live ingest stored is compared with what
``veille ais ingest`` stores from the same captures read as files; the watch counts every line."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

pytestmark = pytest.mark.slow
VEILLE = Path(sys.executable).with_name("veille")
ROOT = Path(__file__).resolve().parents[2]
DMA = ROOT / "data" / "ais" / "dma_aislib_stream_example_2010-06-11.nmea"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
COLUMNS = ["mmsi", "lat", "lon", "sog_kn", "cog_deg", "heading_deg", "nav_status", "msg_type", "source"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: str, ready: Callable[[], bool], deadline_s: float = 120.0) -> None:
    """Poll until ``ready()``; a deadline only stops a test that would otherwise hang."""
    end = time.monotonic() + deadline_s
    while not ready():
        if time.monotonic() > end:
            raise AssertionError(f"still waiting for {what} after {deadline_s:.0f} s")
        time.sleep(0.1)


def veille(*args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(VEILLE), *args], env=ENV, start_new_session=True, **kwargs)  # type: ignore[call-overload]


def positions(store: Path) -> pl.DataFrame:
    files = sorted(store.glob("positions/day=*/*.parquet"))
    assert files, f"no positions stored in {store}"
    return pl.concat([pl.read_parquet(f).select(COLUMNS) for f in files]).sort(COLUMNS)


def test_the_readers_reconnect_when_the_feed_comes_back_and_lose_nothing_received(tmp_path: Path) -> None:
    synthetic = tmp_path / "synthetic.nmea"
    subprocess.run(
        [str(VEILLE), "ais", "generate", "--seed", "7", "--vessels", "20", "--messages", "3000",
         "--output", str(synthetic)], env=ENV, check=True, timeout=120,
    )  # fmt: skip
    feeds = {"ingest": free_port(), "watch": free_port()}
    logs = {name: tmp_path / f"{name}.stderr" for name in feeds}
    store, events_store = tmp_path / "live", tmp_path / "live-events"
    readers = {
        "ingest": veille(
            "ais", "ingest", f"tcp://127.0.0.1:{feeds['ingest']}", "--store", str(store), "--format", "json",
            stdout=subprocess.PIPE, stderr=logs["ingest"].open("wb"),
        ),
        "watch": veille(
            "ais", "watch", f"tcp://127.0.0.1:{feeds['watch']}", "--save", "--store", str(events_store),
            stdout=subprocess.DEVNULL, stderr=logs["watch"].open("wb"),
        ),
    }  # fmt: skip

    def said(name: str, text: str) -> int:
        return logs[name].read_bytes().decode(errors="replace").count(text)

    try:
        for round_, capture in enumerate((DMA, synthetic), start=1):
            # the feed (re)starts on the same ports; each serves its capture to its reader, then is killed
            replays = [
                veille("ais", "replay", str(capture), "--port", str(port), stderr=subprocess.DEVNULL)
                for port in feeds.values()
            ]
            for name in feeds:  # the whole capture was read, up to the feed's end
                wait_for(
                    f"{name} to read feed {round_} to its end",
                    lambda n=name, r=round_: said(n, "closed by the peer") >= r,
                )
            for replay in replays:
                if replay.poll() is None:
                    os.killpg(replay.pid, signal.SIGKILL)
                replay.wait(timeout=30)
            if round_ == 1:  # the feed is gone: the readers keep trying, and say so
                for name in feeds:
                    wait_for(f"{name} to retry", lambda n=name: said(n, "refused") >= 1)
        for reader in readers.values():
            assert reader.poll() is None, "a reader stopped with its feed"
            os.killpg(reader.pid, signal.SIGINT)  # as systemd stops them (KillSignal=SIGINT)
        out, _ = readers["ingest"].communicate(timeout=120)
        readers["watch"].wait(timeout=120)
    finally:
        for proc in readers.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)

    assert readers["ingest"].returncode == 130 and readers["watch"].returncode == 130
    reference = tmp_path / "files"
    subprocess.run(
        [str(VEILLE), "ais", "ingest", str(DMA), str(synthetic), "--store", str(reference), "--workers", "1"],
        env=ENV, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    live, files = positions(store), positions(reference)
    assert live.height == files.height > 1000
    assert live.equals(files), "the live reader stored every position of both feeds, each once"
    summary = json.loads(out)
    assert summary["interrupted"] is True and summary["run"]

    lines = sum(1 for line in DMA.read_bytes().splitlines() if line.strip())
    lines += sum(1 for line in synthetic.read_bytes().splitlines() if line.strip())
    said_last = [line for line in logs["watch"].read_text().splitlines() if line.startswith("{")][-1]
    watched = json.loads(said_last)  # the summary on stderr, before the exit's message
    assert watched["lines"] == lines, "the watch read every line of both feeds"
    assert watched["interrupted"] is True
    assert list(events_store.glob("events/run=live-*/*")), "the watch saved its run where the pages read"


def test_a_feed_killed_mid_stream_loses_no_complete_sentence_received_before_the_cut(tmp_path: Path) -> None:
    """The feed's process is killed while it sends (paced at 50 x real time); the ingest keeps
    every position up to the cut, without a hole, then reconnects to the feed started again."""
    synthetic = tmp_path / "synthetic.nmea"
    subprocess.run(
        [str(VEILLE), "ais", "generate", "--seed", "7", "--vessels", "20", "--messages", "3000",
         "--output", str(synthetic)], env=ENV, check=True, timeout=120,
    )  # fmt: skip
    port, store, log = free_port(), tmp_path / "live", tmp_path / "ingest.stderr"
    reader = veille(
        "ais", "ingest", f"tcp://127.0.0.1:{port}", "--store", str(store), "--format", "json",
        stdout=subprocess.DEVNULL, stderr=log.open("wb"),
    )  # fmt: skip

    def said(*texts: str) -> int:
        text = log.read_bytes().decode(errors="replace")
        return sum(text.count(t) for t in texts)

    try:
        replay = veille("ais", "replay", str(synthetic), "--port", str(port), "--speed", "50")
        wait_for("the first positions stored", lambda: any(store.glob("positions/day=*/*.parquet")))
        os.killpg(replay.pid, signal.SIGKILL)  # the cut, in the middle of the capture
        replay.wait(timeout=30)
        wait_for("the reader to see the cut", lambda: said("closed by the peer", "connection lost") >= 1)
        replay = veille("ais", "replay", str(DMA), "--port", str(port))
        wait_for(
            "the reader to read the second feed", lambda: said("closed by the peer", "connection lost") >= 2
        )
        replay.wait(timeout=30)
        assert reader.poll() is None, "the reader stopped with its feed"
        os.killpg(reader.pid, signal.SIGINT)
        assert reader.wait(timeout=120) == 130
    finally:
        for proc in (reader, replay):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)

    reference = {}
    for name, capture in (("synthetic", synthetic), ("dma", DMA)):
        reference[name] = tmp_path / f"files-{name}"
        subprocess.run(
            [str(VEILLE), "ais", "ingest", str(capture), "--store", str(reference[name]), "--workers", "1"],
            env=ENV, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    timed = [*COLUMNS, "timestamp"]
    live = pl.concat([pl.read_parquet(f) for f in store.glob("positions/day=*/*.parquet")])
    live_synthetic = live.filter(pl.col("source") == "synthetic").select(timed)
    sent = pl.concat([pl.read_parquet(f) for f in reference["synthetic"].glob("positions/day=*/*.parquet")])
    sent = sent.select(timed)
    assert 0 < live_synthetic.height < sent.height, "the cut fell in the middle of the capture"
    cut = live_synthetic["timestamp"].max()
    assert live_synthetic.join(sent, on=timed, how="anti", nulls_equal=True).height == 0, (
        "nothing was stored that was not sent"
    )
    missing = sent.filter(pl.col("timestamp") < cut).join(
        live_synthetic, on=timed, how="anti", nulls_equal=True
    )
    assert missing.height == 0, f"{missing.height} positions sent before the cut were lost"
    assert positions(reference["dma"]).equals(
        live.filter(pl.col("source").fill_null("") != "synthetic").select(COLUMNS).sort(COLUMNS)
    ), "after reconnecting, the second feed was stored whole"
