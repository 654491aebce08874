"""The activity form as its nation uses it: the source's title is kept and shown, an activity has an
edit link for those who may change it, coordinators set Arctic Sentry on the form, and the nation
that records an activity is told it overlaps another, without learning what it may not see."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest

from tests.arctic.test_form import FORM
from veille.arctic.models import Activity
from veille.arctic.services import NewActivity, do_record_activity
from veille.audit.models import AuditEvent
from veille.nations.access import Actor

pytestmark = pytest.mark.django_db


def record(client: Any, **extra: str) -> Activity:
    response = client.post("/arctic/activities/new/", {**FORM, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Activity.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_a_source_keeps_its_title_with_or_without_an_address(client_as: Any) -> None:
    sources = "https://example.org/patrol 2026-03-01 Press release of the Navy\nForsvaret briefing, 2 March"
    a = record(client_as("nora"), nation="NOR", sources=sources)
    assert a.sources == [
        {"url": "https://example.org/patrol", "date": "2026-03-01", "title": "Press release of the Navy"},
        {"url": "", "date": "", "title": "Forsvaret briefing, 2 March"},
    ]
    page = client_as("nora").get(f"/arctic/activities/{a.pk}/").content.decode()
    assert '<a href="https://example.org/patrol" rel="noreferrer">Press release of the Navy</a>' in page
    assert "Forsvaret briefing, 2 March" in page


def test_its_nation_s_editors_and_coordinators_edit_an_activity_others_do_not(client_as: Any) -> None:
    a = record(client_as("nora"), nation="NOR", releasable_to="NATO", releasable_nations="")
    link = f'href="/arctic/activities/{a.pk}/edit/"'
    assert link in client_as("nora").get(f"/arctic/activities/{a.pk}/").content.decode()
    assert link in client_as("alice").get(f"/arctic/activities/{a.pk}/").content.decode()
    for other in ("sam", "pawel"):  # another nation's editor, a viewer: no link, no form
        assert link not in client_as(other).get(f"/arctic/activities/{a.pk}/").content.decode()
        assert client_as(other).get(f"/arctic/activities/{a.pk}/edit/").status_code == 403
    form = client_as("nora").get(f"/arctic/activities/{a.pk}/edit/").content.decode()
    assert 'value="Coastal patrol Vestfjorden"' in form and "Press release" in form
    changed = {**FORM, "nation": "NOR", "releasable_to": "NATO", "releasable_nations": "", "name": "Patrol 2"}
    assert client_as("nora").post(f"/arctic/activities/{a.pk}/edit/", changed).status_code == 302
    a.refresh_from_db()
    assert a.name == "Patrol 2" and Activity.objects.count() == 1  # changed, not copied
    (update,) = AuditEvent.objects.filter(action="arctic.activity.update")
    assert (update.before["name"], update.after["name"]) == ("Coastal patrol Vestfjorden", "Patrol 2")


def test_coordinators_link_to_arctic_sentry_on_the_form_editors_do_not_see_the_field(client_as: Any) -> None:
    assert "id_arctic_sentry" not in client_as("nora").get("/arctic/activities/new/").content.decode()
    assert "id_arctic_sentry" in client_as("alice").get("/arctic/activities/new/").content.decode()
    a = record(client_as("alice"), nation="NOR", arctic_sentry="on")
    assert a.arctic_sentry and a.linked_by == "alice"
    # an editor who sends the field anyway links nothing
    b = record(client_as("nora"), nation="NOR", name="Another patrol", arctic_sentry="on")
    assert not b.arctic_sentry


def polish_activity(releasable_to: str, nations: list[str], name: str) -> Activity:
    activity, _ = do_record_activity(
        Actor.system_process("tests"),
        NewActivity(
            key=name.lower().replace(" ", "-"),
            name=name,
            kind="exercise",
            owner_nation="POL",
            starts_on=FORM_START,
            ends_on=FORM_END,
            area={"type": "Point", "coordinates": [14.6, 68.25]},
            radius_km=40.0,
            sources=[{"url": "https://example.org/pol"}],
            releasable_to=releasable_to,
            releasable_nations=nations,
        ),
    )
    return activity


FORM_START = dt.date(2026, 3, 3)
FORM_END = dt.date(2026, 3, 4)


def test_the_recording_nation_is_told_of_an_overlap_it_may_not_see_without_what_it_is(
    client_as: Any,
) -> None:
    polish_activity("NATIONS", ["POL"], "Polish secret drill")
    polish_activity("NATO", [], "Polish open drill")
    a = record(client_as("nora"), nation="NOR", releasable_to="NATO", releasable_nations="")
    page = html.unescape(client_as("nora").get(f"/arctic/activities/{a.pk}/").content.decode())
    assert "This activity overlaps 1 activity of another nation" in page and "Polish open drill" in page
    assert "It also overlaps an activity you cannot see." in page
    assert "Polish secret drill" not in page and "secret" not in page
    # another nation's user sees the activity but is not told of its overlaps
    seen_by_sam = client_as("sam").get(f"/arctic/activities/{a.pk}/")
    assert seen_by_sam.status_code == 200 and 'data-testid="overlaps"' not in seen_by_sam.content.decode()
