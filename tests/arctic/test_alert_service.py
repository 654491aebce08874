"""Alerts are raised through the service, by the open pages' event matcher (a named system process),
once per user and event, each one audited; no user raises one, and the stream writes nothing itself."""

from __future__ import annotations

from typing import Any

import pytest

from tests.arctic.test_picture import EVENTS, drain
from veille.arctic import alerts as alert_stream
from veille.arctic import services
from veille.arctic.models import Alert
from veille.arctic.services import do_add_rule
from veille.audit.models import AuditEvent
from veille.core.errors import PermissionDenied
from veille.maritime.event_files import event_records

pytestmark = pytest.mark.django_db


def test_each_alert_raised_is_audited_once_as_the_stream_matcher(
    actor_of: Any, users: Any, write_events: Any, picture: Any
) -> None:
    do_add_rule(actor_of("pawel"))  # any zone, flag and event type: both events match
    write_events(EVENTS)
    events = event_records(picture["store"])
    assert services.do_raise_alerts(services.ALERT_STREAM, users["pawel"], events) == 2
    trail = AuditEvent.objects.filter(action="arctic.alert.raise").order_by("object_id")
    assert [(a.actor, a.via, a.user_id) for a in trail] == [("system:arctic:alert-stream", "web", None)] * 2
    made = {str(a.pk): a.event_id for a in Alert.objects.filter(user=users["pawel"])}
    assert {a.object_id: a.after["event_id"] for a in trail} == made
    assert {a.after["user"] for a in trail} == {"pawel"}
    # the same events again (another page of the same user): no alert, no audit record
    assert services.do_raise_alerts(services.ALERT_STREAM, users["pawel"], events) == 0
    assert AuditEvent.objects.filter(action="arctic.alert.raise").count() == 2


def test_a_user_cannot_raise_an_alert(actor_of: Any, users: Any, write_events: Any, picture: Any) -> None:
    do_add_rule(actor_of("pawel"))
    write_events(EVENTS)
    with pytest.raises(PermissionDenied) as refused:
        services.do_raise_alerts(actor_of("pawel"), users["pawel"], event_records(picture["store"]))
    assert refused.value.field == "user" and "event matcher" in refused.value.message
    assert not Alert.objects.exists()
    assert not AuditEvent.objects.filter(action="arctic.alert.raise").exists()


def test_the_open_stream_raises_its_alerts_through_the_service(
    actor_of: Any, users: Any, write_events: Any
) -> None:
    do_add_rule(actor_of("pawel"), flag="RUS")
    page = alert_stream.stream(users["pawel"], max_seconds=5)
    assert drain(page, "hello")[-1][0] == "hello"
    write_events(EVENTS)
    got = drain(page, "alert")
    page.close()
    assert got[-1][0] == "alert" and got[-1][1]["event_id"] == "enc-1"
    (audited,) = AuditEvent.objects.filter(action="arctic.alert.raise")
    assert (audited.actor, audited.object_id) == ("system:arctic:alert-stream", str(got[-1][1]["id"]))
