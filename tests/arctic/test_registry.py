"""The activity registry: the public starter set, the importer's checks, who may record and link."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.arctic.conftest import STARTER
from veille.arctic.exceptions import BadArea, RowsRejected
from veille.arctic.models import Activity
from veille.arctic.services import (
    NewActivity,
    do_import_activities,
    do_link_to_arctic_sentry,
    do_record_activity,
)
from veille.audit.models import AuditEvent
from veille.core.errors import InvalidInput, PermissionDenied
from veille.kit.importers import no_progress
from veille.nations.access import Actor
from veille.nations.exceptions import NotAMember, WrongNation

pytestmark = pytest.mark.django_db
IMPORT = Actor.system_process("import:arctic-activities")


def starter_rows() -> list[dict[str, str]]:
    with STARTER.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_every_starter_row_has_a_dated_source_and_only_source_stated_numbers() -> None:
    rows = starter_rows()
    assert len(rows) >= 8
    for r in rows:
        dated = [s for s in r["sources"].split(" ; ") if not s.startswith("undated")]
        assert dated, r["key"]
        assert all(s.split(" ", 1)[1].startswith("https://") for s in r["sources"].split(" ; ")), r["key"]
        for asset in filter(None, (a.strip() for a in r["assets"].split(";"))):
            number = asset.split(":")[1] if ":" in asset else ""
            assert number == "" or number.isdigit()


def test_the_starter_set_imports_once_and_again_changes_nothing(nations: None, picture: Any) -> None:
    first = do_import_activities(IMPORT, STARTER, no_progress)
    assert (first.created, first.rejected) == (len(starter_rows()), 0)
    again = do_import_activities(IMPORT, STARTER, no_progress)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(starter_rows()))
    swe = Activity.objects.get(key="sweden-gripen-iceland-2026")
    assert swe.owner_nation_id == "SWE"
    assert swe.starts_on == dt.date(2026, 2, 2)
    assert (swe.ends_on, swe.ends_precision) == (dt.date(2026, 3, 31), "month")
    assert swe.assets[0] == {"type": "JAS 39 Gripen", "number": 6, "note": ""}
    assert swe.area_approximate and swe.area["type"] in ("Polygon", "MultiPolygon")
    assert swe.min_lon < -70 and swe.max_lat > 83 and swe.min_lat < 64  # Greenland and Iceland
    assert swe.arctic_sentry
    firecrest = Activity.objects.get(key="operation-firecrest-2026")
    assert firecrest.area is None and firecrest.starts_on is None
    assert firecrest.shown_from is None  # "later this year": not placed on the timeline
    assert AuditEvent.objects.filter(action="arctic.activity.create").count() == len(starter_rows())


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("starts_on", "2026-13", "no month 13"),
        ("ends_on", "11 March", "not YYYY-MM-DD"),
        ("sources", "undated https://example.org/a", "at least one source must carry its date"),
        ("sources", "2026-02-11 example.org", "not 'YYYY-MM-DD URL'"),
        ("nation", "XXX", "no nation has code"),
        ("area", "country:ZZZ", "no Natural Earth country"),
        ("area", "point:95,10", "off the globe"),
        ("assets", "Eurofighter:four", "not a whole number"),
        ("kind", "invasion", "must be one of"),
        ("arctic_sentry", "maybe", "write yes or no"),
    ],
)
def test_a_bad_row_rejects_the_file_and_names_its_line(
    nations: None, picture: Any, tmp_path: Path, column: str, value: str, message: str
) -> None:
    rows = starter_rows()
    rows[2][column] = value
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(RowsRejected) as caught:
        do_import_activities(IMPORT, path, no_progress)
    assert caught.value.problems[0].startswith("line 4: ")
    assert message in caught.value.problems[0]
    assert Activity.objects.count() == 0


def test_a_duplicate_key_and_a_missing_column_are_refused(
    nations: None, picture: Any, tmp_path: Path
) -> None:
    rows = starter_rows()
    rows[1]["key"], rows[1]["nation"] = rows[0]["key"], rows[0]["nation"]
    with pytest.raises(RowsRejected, match="appears twice"):
        do_import_activities(IMPORT, write_csv(tmp_path / "dup.csv", rows), no_progress)
    rows = [{k: v for k, v in r.items() if k != "sources"} for r in starter_rows()]
    with pytest.raises(RowsRejected, match="missing column"):
        do_import_activities(IMPORT, write_csv(tmp_path / "cols.csv", rows), no_progress)


def activity(nation: str | None = "NOR", key: str = "nor-patrol", **kw: Any) -> NewActivity:
    values: dict[str, Any] = {
        "key": key,
        "name": "Coast guard patrol",
        "kind": "patrol",
        "owner_nation": nation,
        "domains": ["maritime"],
        "starts_on": dt.date(2026, 3, 1),
        "ends_on": dt.date(2026, 3, 10),
        "area": {"type": "Point", "coordinates": [18.9, 69.6]},
        "radius_km": 50.0,
        "sources": [{"url": "", "date": "2026-02-20", "title": "national tasking order 12"}],
        "releasable_to": "NATO",
    }
    values.update(kw)
    return NewActivity(**values)


def test_an_editor_records_her_own_nations_activity(actor_of: Any) -> None:
    a, what = do_record_activity(actor_of("nora"), activity())
    assert what == "created" and a.owner_nation_id == "NOR"
    assert a.min_lat is not None and a.max_lat - a.min_lat == pytest.approx(0.9, abs=0.01)  # twice 50 km
    assert AuditEvent.objects.filter(action="arctic.activity.create", object_id=str(a.pk)).exists()


def test_an_editor_cannot_record_for_another_nation(actor_of: Any) -> None:
    with pytest.raises(WrongNation):
        do_record_activity(actor_of("nora"), activity("SWE"))


def test_a_viewer_and_a_user_without_membership_cannot_record(actor_of: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_record_activity(actor_of("pawel"), activity("POL"))
    with pytest.raises(NotAMember):
        do_record_activity(actor_of("eve"), activity("NOR"))


def test_a_key_names_a_record_within_its_nation_only(actor_of: Any) -> None:
    """Keys are scoped per nation: another nation's record with the same key is another record, and
    is never changed through it."""
    us, _ = do_record_activity(actor_of("sam"), activity("USA", key="us-patrol"))
    nor, what = do_record_activity(actor_of("nora"), activity("NOR", key="us-patrol", name="Other"))
    assert what == "created" and nor.pk != us.pk
    assert Activity.objects.get(pk=us.pk).name == "Coast guard patrol"
    with pytest.raises(WrongNation):
        do_record_activity(actor_of("nora"), activity("USA", key="us-patrol"))


def test_only_coordinators_link_to_arctic_sentry(actor_of: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_record_activity(actor_of("nora"), activity(arctic_sentry=True))
    a, _ = do_record_activity(actor_of("nora"), activity())
    with pytest.raises(PermissionDenied):
        do_link_to_arctic_sentry(actor_of("nora"), a.pk)
    linked = do_link_to_arctic_sentry(actor_of("alice"), a.pk)
    assert linked.arctic_sentry and linked.linked_by == "alice"
    event = AuditEvent.objects.get(action="arctic.activity.link")
    assert event.before["arctic_sentry"] is False and event.after["arctic_sentry"] is True


@pytest.mark.parametrize(
    "change, error",
    [
        ({"ends_on": dt.date(2026, 2, 1)}, InvalidInput),
        (
            {
                "area": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 1], [1, 0], [0, 0]]]},
                "radius_km": None,
            },
            BadArea,
        ),
        ({"area": {"type": "LineString", "coordinates": [[0, 60], [1, 61]]}, "radius_km": None}, BadArea),
        ({"radius_km": -5.0}, BadArea),
        ({"sources": []}, InvalidInput),
        ({"sources": [{"url": "ftp://x", "date": ""}]}, InvalidInput),
        ({"domains": ["underwater"]}, InvalidInput),
        ({"releasable_to": "NATIONS", "releasable_nations": []}, InvalidInput),
        ({"participants": ["QQQ"]}, InvalidInput),
    ],
)
def test_invalid_activities_are_refused_with_the_field(
    actor_of: Any, change: dict[str, Any], error: type
) -> None:
    with pytest.raises(error) as caught:
        do_record_activity(actor_of("nora"), activity(**change))
    assert caught.value.field
    assert Activity.objects.count() == 0


HIDDEN_KEY = "hidden-patrol"


def _post_as_sam(client_as: Any, key: str) -> Any:
    body = {
        "key": key,
        "name": "US patrol",
        "kind": "patrol",
        "nation": "USA",
        "sources": [{"url": "https://example.org/us", "date": "2026-03-01"}],
    }
    return client_as("sam").post("/api/v1/arctic/activities", body, content_type="application/json")


@pytest.mark.parametrize(
    "owner, hidden",
    [
        ("nora", activity("NOR", key=HIDDEN_KEY, releasable_to="NATIONS", releasable_nations=["NOR"])),
        (
            "nora",
            activity(
                "NOR",
                key=HIDDEN_KEY,
                name="Other content",
                kind="exercise",
                area=None,
                radius_km=None,
                releasable_to="NATIONS",
                releasable_nations=["NOR", "SWE"],
            ),
        ),
        ("olga", activity("UKR", key=HIDDEN_KEY, releasable_to="NATIONS", releasable_nations=["UKR"])),
        ("alice", activity(None, key=HIDDEN_KEY, releasable_to="NATIONS", releasable_nations=["POL"])),
    ],
)
def test_a_key_held_by_a_record_the_caller_may_not_see_gets_one_answer_whatever_the_record(
    actor_of: Any, client_as: Any, owner: str, hidden: NewActivity
) -> None:
    """sam (USA) may not see the record that holds the key: the answer is the one a free key gets
    (201: keys are scoped per nation, so his record is his nation's own), whatever the hidden record's
    nation or content, and the hidden record is left as it was."""
    do_record_activity(actor_of(owner), hidden)
    before = Activity.objects.exclude(owner_nation_id="USA").get(key=HIDDEN_KEY)
    response = _post_as_sam(client_as, HIDDEN_KEY)
    free = _post_as_sam(client_as, "unused-key")
    assert response.status_code == free.status_code == 201
    assert set(response.json()) == set(free.json())
    assert response.json()["nation"] == "USA"
    after = Activity.objects.get(pk=before.pk)
    assert (after.owner_nation_id, after.name, after.updated_at) == (
        before.owner_nation_id,
        before.name,
        before.updated_at,
    )
    assert not AuditEvent.objects.filter(actor="sam", object_id=str(before.pk)).exists()


def test_a_key_another_nation_uses_openly_is_free_for_his_nation_too(actor_of: Any, client_as: Any) -> None:
    do_record_activity(actor_of("nora"), activity("NOR", key="nor-nato"))  # NATO: sam sees it
    response = _post_as_sam(client_as, "nor-nato")
    assert response.status_code == 201 and response.json()["nation"] == "USA"
    assert Activity.objects.filter(key="nor-nato").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_editors_creating_the_same_key_at_once_give_one_record_and_no_error(
    actor_of: Any, picture: Any
) -> None:
    """Both look the key up, find nothing and insert: the loser of the race is answered as if the
    record had been there first (here: unchanged), not with the database's integrity error."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("two real sessions racing for a key: PostgreSQL only")
    nora = actor_of("nora")
    new = NewActivity(
        key="nor-race", name="Race patrol", kind="patrol", owner_nation="NOR", domains=["maritime"],
        starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 2), area_name="Barents Sea",
        sources=[{"url": "https://example.org/race", "date": "2026-02-20", "title": ""}],
        releasable_to="NATO",
    )  # fmt: skip
    for attempt in range(5):  # each round races once more, with a fresh key
        barrier = threading.Barrier(2)
        outcomes: list[str] = []
        key = f"nor-race-{attempt}"

        def create(
            key: str = key, barrier: threading.Barrier = barrier, outcomes: list[str] = outcomes
        ) -> None:
            try:
                barrier.wait(timeout=10)
                outcomes.append(do_record_activity(nora, dataclasses.replace(new, key=key))[1])
            except Exception as exc:  # the test reports any error by its type
                outcomes.append(type(exc).__name__)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=create) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(outcomes) == ["created", "unchanged"], outcomes
        assert Activity.objects.filter(key=key).count() == 1
