"""After the demo's feed has ended: the panel says no reader is connected (and how long since the
last sentence), nora's rule matches the events already stored when she asks, her alerts reach the
picture, and the panel says "Live" again once a reader is connected."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser import test_arctic
from tests.browser.conftest import Watched
from tests.browser.test_arctic import write_events
from veille.arctic.demo import seed_alert_rules
from veille.maritime.readers import ReaderStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
loaded = test_arctic.loaded  # the fixture: activities and a small AIS store


def test_after_the_feed_nora_raises_alerts_for_the_stored_events_and_the_panel_says_who_reads(
    open_page: Callable[..., Watched],
    live_server: Any,
    loaded: Path,
    users: Any,
) -> None:
    start = dt.datetime(2026, 3, 10, 6, tzinfo=dt.UTC)
    write_events(
        loaded,
        "events-demo.parquet",
        [
            {"event_id": "demo-enc", "type": "encounter", "mmsi": 273100001, "mmsi2": 412100002,
             "start": start, "lat": 74.0, "lon": 35.0},
            {"event_id": "demo-gap", "type": "gap", "mmsi": 412100003, "start": start + dt.timedelta(hours=5),
             "end": start + dt.timedelta(hours=20), "lat": 72.0, "lon": 20.0},
            {"event_id": "demo-allied", "type": "gap", "mmsi": 257100001, "start": start,
             "lat": 70.0, "lon": 15.0},
        ],
    )  # fmt: skip
    # written by a run an hour ago (an open page's stream reads the files of the last minute)
    hour_ago = time.time() - 3600
    os.utime(loaded / "events" / "events-demo.parquet", (hour_ago, hour_ago))
    seed_alert_rules()  # nora's demo rule: non-allied flags, any zone, any event type
    # the feed's reader has read and stopped
    ended = ReaderStatus(loaded, "watch", "tcp://127.0.0.1:10111")
    list(ended.track([[b"!AIVDM"]]))
    ended.close()

    w = open_page("nora")
    w.page.goto(live_server.url + "/arctic/")
    state = w.page.locator("#alert-state")
    assert state.get_attribute("data-live") == "false"
    assert "Not live: no reader is connected; the last sentence came" in state.inner_text()
    w.page.wait_for_selector("#arctic-alerts[data-connected=true]", timeout=15000)
    assert w.page.locator("#alert-list li").count() == 0  # the stored events raised nothing
    w.assert_clean()

    w.page.get_by_role("link", name="Rules and past alerts").click()
    w.page.wait_for_selector("#stored-form")
    w.page.fill("#stored-since", "2026-03-01")
    w.page.fill("#stored-until", "2026-03-31")
    w.page.get_by_role("button", name="Raise alerts for stored events").click()
    w.page.wait_for_selector("text=that match the rule: 2; new alerts: 2")
    rows = w.page.locator("[data-testid=alerts] tbody tr")
    assert rows.count() == 2 and "273100001" in rows.all_inner_texts()[-1] + rows.all_inner_texts()[0]
    w.screenshot("arctic-stored-alerts")
    w.assert_clean()

    w.page.goto(live_server.url + "/arctic/")
    w.page.locator("#alert-list li[data-alert]").nth(1).wait_for(timeout=15000)
    assert w.page.locator("#alert-count").inner_text() == "2"
    # a reader connects: within a few status updates the panel says Live
    reader = ReaderStatus(loaded, "watch", "tcp://127.0.0.1:10111")
    try:
        for _ in range(100):
            list(reader.track([[b"!AIVDM"]]))
            if w.page.locator("#arctic-alerts[data-live=true]").count():
                break
            w.page.wait_for_timeout(100)
        assert "Live: a reader is connected" in w.page.locator("#alert-state").inner_text()
    finally:
        reader.close()
    w.screenshot("arctic-live-reader")
    w.assert_clean()
