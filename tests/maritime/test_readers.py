"""A live reader keeps a status file that says whether it is connected and when its last sentence
came; pages read the state of all readers (``veille.maritime.readers.live_state``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from veille.maritime.readers import STALE_S, ReaderStatus, live_state, reader_states

T0 = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0.timestamp()

    def __call__(self) -> float:
        return self.now


def test_no_reader_is_not_live(tmp_path: Path) -> None:
    assert live_state(tmp_path, T0) == {
        "live": False,
        "readers": 0,
        "last_sentence_at": None,
        "last_sentence_s": None,
    }


def test_a_reader_reading_is_live_and_says_when_its_last_sentence_came(tmp_path: Path) -> None:
    clock = Clock()
    status = ReaderStatus(tmp_path, "watch", "tcp://127.0.0.1:1", clock=clock)
    assert not live_state(tmp_path, T0)["live"]  # started, not yet connected
    list(status.track([[b"!AIVDM,1", b"!AIVDM,2"]]))
    clock.now += 3
    list(status.track([[]]))  # a quiet second on an open connection
    state = live_state(tmp_path, T0 + dt.timedelta(seconds=5))
    assert state["live"] and state["readers"] == 1
    assert state["last_sentence_s"] == 5.0
    (saved,) = reader_states(tmp_path)
    assert saved["sentences"] == 2 and saved["kind"] == "watch"


def test_a_reader_that_lost_its_connection_or_stopped_is_not_live_but_keeps_its_last_sentence(
    tmp_path: Path,
) -> None:
    clock = Clock()
    status = ReaderStatus(tmp_path, "ingest", "tcp://127.0.0.1:1", clock=clock)
    list(status.track([[b"x"]]))
    status.lost("connection closed by the peer")
    assert not live_state(tmp_path, T0)["live"]
    list(status.track([[]]))  # connected again
    assert live_state(tmp_path, T0)["live"]
    clock.now += 60
    status.close()
    state = live_state(tmp_path, T0 + dt.timedelta(seconds=60))
    assert not state["live"] and state["last_sentence_s"] == 60.0


def test_a_reader_that_stops_beating_is_taken_as_gone(tmp_path: Path) -> None:
    clock = Clock()
    status = ReaderStatus(tmp_path, "watch", "-", clock=clock)
    list(status.track([[b"x"]]))
    assert live_state(tmp_path, T0 + dt.timedelta(seconds=STALE_S - 1))["live"]
    # killed outright: its file still says connected, but its beat is old
    assert json.loads(status.path.read_text())["connected"] is True
    assert not live_state(tmp_path, T0 + dt.timedelta(seconds=STALE_S + 1))["live"]


def test_a_damaged_status_file_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "readers").mkdir()
    (tmp_path / "readers" / "watch-1-x.json").write_text("{not json")
    assert live_state(tmp_path, T0)["live"] is False
