"""Ctrl-C on ``veille ais watch tcp://…`` while the watch holds lines it has read but not yet decoded
(reads that come within 0.1 s of each other are decoded together): the first Ctrl-C ends the
reading, and what was read is decoded, counted and reported before the exit (130), not dropped.

In-process, on a real socket: a feed thread sends two reads of the real DMA capture a few
milliseconds apart, waits while the watch reads them, then signals the process while the watch
waits for a third read. The reader's status file counts the sentences read; the watch's summary
must have decoded as many."""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.maritime.ais_inputs import DMA
from veille.maritime.cli.runner import main


def test_ctrl_c_while_the_watch_holds_lines_decodes_and_counts_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a first watch in this process, so that the timed one starts warm (its first decode is quick)
    warm = tmp_path / "warm.nmea"
    warm.write_bytes(DMA.read_bytes()[:20_000])
    assert main(["watch", str(warm)]) == 0
    capsys.readouterr()
    lines = [line for line in DMA.read_bytes().splitlines() if line.strip()]
    first, second = lines[:200], lines[200:400]
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    sent = threading.Event()

    def feed() -> None:
        conn, _ = server.accept()
        with conn:
            conn.sendall(b"\n".join(first) + b"\n")
            time.sleep(0.01)  # the second read comes before the watch decodes again (0.1 s)
            conn.sendall(b"\n".join(second) + b"\n")
            time.sleep(0.4)  # both are read; the watch now waits for more (a read times out at 1 s)
            sent.set()
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(2)  # the connection stays open: only Ctrl-C ends the watch

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    try:
        code = main(["watch", f"tcp://127.0.0.1:{port}", "--save", "--store", str(tmp_path / "store")])
    finally:
        server.close()
    assert sent.is_set()
    assert code == 130
    err = capsys.readouterr().err
    summary = json.loads(next(line for line in err.splitlines() if line.startswith("{")))
    assert summary["interrupted"] is True
    (status_file,) = (tmp_path / "store" / "readers").glob("watch-*.json")
    read = json.loads(status_file.read_text())["sentences"]
    assert read >= len(first)
    assert summary["lines"] == read, "every line read before Ctrl-C was decoded"
    assert summary["messages"] + summary["rejected"] > 0
    assert "CommandError: interrupted" in err
