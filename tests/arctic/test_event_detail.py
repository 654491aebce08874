"""An event's ``detail`` in the Arctic picture is one object: the detectors' ``detail`` and ``params``
columns, JSON written as text (``veille.core.events.schema``), are read as the objects they hold, in
the reader, the layers and exports, and the alerts the stream creates; other values stay as they are."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.arctic.conftest import utc
from veille.arctic import layers, services
from veille.arctic.models import Alert
from veille.arctic.services import do_add_rule
from veille.maritime.event_files import event_records

pytestmark = pytest.mark.django_db

DETAIL = {"gap_s": 3600, "likely_disabling": True, "positions": [[15.0, 69.0], [16.0, 69.5]]}
PARAMS = {"min_gap_s": 1800, "zones": ["barents"]}
EXPECTED = {
    "detail": DETAIL,
    "params": PARAMS,
    "run_id": "run-1",
    "note": "{not json",  # text that is no JSON stays text
    "count": 3,
}


@pytest.fixture
def gap(write_events: Any) -> None:
    write_events(
        [
            {
                "event_id": "gap-1", "event_type": "gap", "mmsi": 273100001, "start": utc(2026, 3, 2, 6),
                "end": utc(2026, 3, 2, 20), "lat": 72.0, "lon": 30.0, "synthetic": False,
                "detail": json.dumps(DETAIL), "params": json.dumps(PARAMS), "run_id": "run-1",
                "note": "{not json", "count": 3,
            }
        ]
    )  # fmt: skip


def test_the_reader_gives_detail_and_params_as_objects(gap: None) -> None:
    (event,) = event_records(layers.ais_store().root)
    assert event["detail"] == EXPECTED


def test_detail_and_params_that_are_no_json_object_stay_as_written(write_events: Any) -> None:
    write_events(
        [{"event_id": "gap-2", "event_type": "gap", "mmsi": 273100001, "start": utc(2026, 3, 2, 6),
          "end": None, "lat": 72.0, "lon": 30.0, "detail": "cut short {", "params": "42"}]
    )  # fmt: skip
    (event,) = event_records(layers.ais_store().root)
    assert event["detail"] == {"detail": "cut short {", "params": "42"}


@pytest.mark.parametrize(
    "path",
    ["/arctic/layers/events.geojson", "/api/v1/arctic/layers/events", "/arctic/events.geojson",
     "/api/v1/arctic/events.geojson"],
)  # fmt: skip
def test_the_layers_and_geojson_exports_carry_the_objects(client_as: Any, gap: None, path: str) -> None:
    response = client_as("pawel").get(f"{path}?since=2026-03-01")
    assert response.status_code == 200
    (feature,) = response.json()["features"]
    assert feature["properties"]["detail"] == EXPECTED


def test_an_alert_keeps_the_objects(actor_of: Any, users: Any, gap: None) -> None:
    do_add_rule(actor_of("pawel"), flag="RUS")
    created = services.do_raise_alerts(
        services.ALERT_STREAM, users["pawel"], event_records(layers.ais_store().root)
    )
    assert created == 1
    assert Alert.objects.get(user=users["pawel"]).detail == EXPECTED
