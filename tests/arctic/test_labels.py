"""The picture's pages show names, not ids: zones by the names their files give, event types in the
reader's language, an unnamed area by what it is. The form's values, the exports and the API keep
the ids."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.arctic.conftest import square
from veille.arctic.models import Alert, AlertRule
from veille.arctic.services import NewActivity, do_add_rule, do_record_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def barents(picture: dict[str, Path]) -> None:
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": "barents_sea", "name": "Barents Sea"},
                "geometry": square(20, 68, 60, 80),
            },
            # a zone whose file gives no name: its id is shown
            {"type": "Feature", "properties": {"id": "no_name"}, "geometry": square(0, 70, 5, 75)},
        ],
    }
    (picture["zones"] / "barents_sea.geojson").write_text(json.dumps(fc))


def cells(html: str, testid: str) -> list[str]:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)]


def alert_for(user: Any, event_type: str, zone: str) -> Alert:
    return Alert.objects.create(
        user=user, event_id=f"e-{event_type}-{zone}", event_type=event_type, mmsi=273100001, flag="RUS",
        zone=zone, at=dt.datetime(2026, 3, 1, 6, tzinfo=dt.UTC),
    )  # fmt: skip


def test_the_alerts_page_names_zones_and_event_types(
    barents: None, actor_of: Any, users: Any, client_as: Any
) -> None:
    do_add_rule(actor_of("pawel"), zone="barents_sea", flag="RUS", event_type="zone_entry")
    do_add_rule(actor_of("pawel"), zone="no_name", event_type="gap")
    alert_for(users["pawel"], "encounter", "barents_sea")
    html = client_as("pawel").get("/arctic/alerts/").content.decode()
    rules = cells(html, "rules")
    assert "Barents Sea" in rules and "Zone entry" in rules, rules
    assert "no_name" in rules and "AIS gap" in rules, rules
    assert "barents_sea" not in rules and "zone_entry" not in rules, rules
    alerts = cells(html, "alerts")
    assert alerts[0] == "Encounter" and alerts[2] == "Barents Sea", alerts
    # the form offers names, and posts the ids
    assert '<option value="barents_sea">Barents Sea</option>' in html
    assert '<option value="no_name">no_name</option>' in html
    assert '<option value="identity_change">Identity change</option>' in html


def test_the_alerts_page_in_french(barents: None, actor_of: Any, users: Any, client_as: Any) -> None:
    do_add_rule(actor_of("pawel"), zone="barents_sea", event_type="zone_exit")
    alert_for(users["pawel"], "loitering", "barents_sea")
    client = client_as("pawel")
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    html = client.get("/arctic/alerts/").content.decode()
    assert "Sortie de zone" in cells(html, "rules")
    assert cells(html, "alerts")[0] == "Stationnement prolongé"
    assert '<option value="gap">Interruption AIS</option>' in html


def test_the_rule_form_still_posts_ids(barents: None, users: Any, client_as: Any) -> None:
    client = client_as("pawel")
    response = client.post("/arctic/alerts/", {"zone": "barents_sea", "flag": "", "event_type": "encounter"})
    assert response.status_code == 302
    rule = AlertRule.objects.get(user=users["pawel"])
    assert (rule.zone, rule.event_type) == ("barents_sea", "encounter")


def labels_of(html: str) -> dict[str, dict[str, str]]:
    found = re.search(r'<script id="arctic-labels" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page gives map.js no labels"
    return json.loads(found.group(1))


def test_the_map_page_gives_map_js_the_names(barents: None, client_as: Any) -> None:
    labels = labels_of(client_as("alice").get("/arctic/").content.decode())
    assert labels["zones"] == {"barents_sea": "Barents Sea", "no_name": "no_name"}
    assert labels["events"]["zone_entry"] == "Zone entry" and labels["events"]["cable"]
    french = Client(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert labels_of(french.get("/arctic/").content.decode())["events"]["encounter"] == "Rencontre"


def test_an_area_without_a_name_says_what_it_is(
    picture: dict[str, Path], actor_of: Any, client_as: Any
) -> None:
    def record(key: str, **area: Any) -> None:
        do_record_activity(
            actor_of("nora"),
            NewActivity(
                key=key, name=key, kind="patrol", owner_nation="NOR", domains=["maritime"],
                starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 10),
                sources=[{"url": "https://example.org/order", "date": "2026-02-20", "title": ""}],
                releasable_to="PUBLIC", **area,
            ),
        )  # fmt: skip

    record("circle", area={"type": "Point", "coordinates": [15.0, 70.0]}, radius_km=150.0)
    record("dot", area={"type": "Point", "coordinates": [15.0, 70.0]})
    record("box", area=square(10, 68, 20, 72))
    record("named", area=square(10, 68, 20, 72), area_name="Vestfjorden")

    def areas(client: Client) -> dict[str, str]:
        rows = cells(client.get("/arctic/").content.decode(), "activities")
        return {rows[k]: rows[k + 5] for k in range(0, len(rows), 8)}

    assert areas(client_as("nora")) == {
        "circle": "point, 150 km radius",
        "dot": "point",
        "box": "polygon",
        "named": "Vestfjorden",
    }
    french = client_as("nora")
    french.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert areas(french)["circle"] == "point, rayon de 150 km"
