"""After the feed: a rule matches the events already stored when its user asks, for a window of
days; each matching event becomes one alert (audited, by the user), never twice; and the page says
whether a reader is connected rather than whether its own stream is open."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.arctic.test_picture import EVENTS, drain
from veille.arctic import alerts as alert_stream
from veille.arctic import services
from veille.arctic.models import Alert, AlertRule
from veille.arctic.services import do_add_rule
from veille.audit.models import AuditEvent
from veille.core.errors import InvalidInput, NotFound, PermissionDenied
from veille.maritime.readers import ReaderStatus

pytestmark = pytest.mark.django_db
MARCH_1, MARCH_2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)


def test_a_new_rule_raises_alerts_for_the_stored_events_of_the_window_once(
    actor_of: Any, users: Any, write_events: Any, picture: Any
) -> None:
    write_events(EVENTS)  # stored before the rule exists: the live matcher never sees them again
    rule = do_add_rule(actor_of("nora"), flag="FOREIGN")
    assert services.do_raise_stored_alerts(actor_of("nora"), rule.pk, MARCH_1, MARCH_2) == (1, 1)
    (alert,) = Alert.objects.filter(user=users["nora"])
    assert (alert.event_id, alert.flag, alert.rule_id) == ("enc-1", "RUS", rule.pk)
    (audited,) = AuditEvent.objects.filter(action="arctic.alert.raise")
    assert audited.user_id == users["nora"].pk and audited.after["stored_event"] is True
    # asked again: the event is alerted already
    assert services.do_raise_stored_alerts(actor_of("nora"), rule.pk, MARCH_1, MARCH_2) == (1, 0)


def test_only_the_events_of_the_window_match(actor_of: Any, write_events: Any, picture: Any) -> None:
    write_events(EVENTS)
    rule = do_add_rule(actor_of("nora"))  # any event
    day = dt.date(2026, 3, 2)
    assert services.do_raise_stored_alerts(actor_of("nora"), rule.pk, day, day) == (1, 1)
    assert list(Alert.objects.values_list("event_id", flat=True)) == ["gap-1"]
    later = dt.date(2026, 4, 1)
    assert services.do_raise_stored_alerts(actor_of("nora"), rule.pk, later, later) == (0, 0)


def test_the_window_and_the_rule_are_checked(actor_of: Any, write_events: Any, picture: Any) -> None:
    write_events(EVENTS)
    rule = do_add_rule(actor_of("nora"))
    with pytest.raises(InvalidInput) as backwards:
        services.do_raise_stored_alerts(actor_of("nora"), rule.pk, MARCH_2, MARCH_1)
    assert backwards.value.field == "until"
    with pytest.raises(InvalidInput) as too_long:
        services.do_raise_stored_alerts(actor_of("nora"), rule.pk, dt.date(2024, 1, 1), MARCH_1)
    assert too_long.value.field == "since"
    with pytest.raises(InvalidInput) as missing:
        services.do_raise_stored_alerts(actor_of("nora"), rule.pk, None, MARCH_1)
    assert missing.value.field == "since"
    with pytest.raises(NotFound):  # another user's rule
        services.do_raise_stored_alerts(actor_of("pawel"), rule.pk, MARCH_1, MARCH_2)
    with pytest.raises(PermissionDenied):  # no membership, no rule
        services.do_raise_stored_alerts(actor_of("eve"), rule.pk, MARCH_1, MARCH_2)
    assert not Alert.objects.exists()


def test_the_alerts_page_offers_the_stored_events_to_a_new_rule(
    client_as: Any, users: Any, write_events: Any, picture: Any
) -> None:
    write_events(EVENTS)
    nora = client_as("nora")
    added = nora.post("/arctic/alerts/", {"zone": "", "flag": "FOREIGN", "event_type": ""})
    rule = AlertRule.objects.get(user=users["nora"])
    assert added.status_code == 302 and added["Location"] == f"/arctic/alerts/?rule={rule.pk}#stored"
    page = nora.get(added["Location"]).content.decode()
    assert 'id="stored-form"' in page and f'<option value="{rule.pk}" selected>' in page
    window = {"rule": rule.pk, "since": "2026-03-01", "until": "2026-03-02"}
    done = nora.post("/arctic/alerts/stored/", window)
    assert done.status_code == 302
    page = nora.get("/arctic/alerts/").content.decode()
    assert "that match the rule: 1; new alerts: 1" in page and "273100001" in page
    bad = nora.post("/arctic/alerts/stored/", {"rule": rule.pk, "since": "1 March", "until": "2026-03-02"})
    assert bad.status_code == 422 and "is not a day" in bad.content.decode()


def test_the_panel_says_no_reader_is_connected_after_the_feed(
    actor_of: Any, users: Any, client_as: Any, picture: Any
) -> None:
    do_add_rule(actor_of("nora"))
    assert "Not live: no reader is connected, and none" in client_as("nora").get("/arctic/").content.decode()
    status = ReaderStatus(picture["store"], "watch", "tcp://127.0.0.1:1")
    list(status.track([[b"!AIVDM"]]))
    page = alert_stream.stream(users["nora"], max_seconds=5)
    got = drain(page, "status")
    page.close()
    assert got[-1][1]["live"] is True and got[-1][1]["text"].startswith("Live: a reader is connected")
    status.close()
    html = client_as("nora").get("/arctic/").content.decode()
    assert 'data-live="false"' in html and "Not live: no reader is connected; the last sentence came" in html
