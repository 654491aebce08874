"""The audit page shows each change field by field, before and after, in words and JSON a reader
knows (never Python's notation: None, True, quotes '…')."""

from __future__ import annotations

import html
from typing import Any

import pytest

from veille.arctic.services import NewActivity, do_record_activity

pytestmark = pytest.mark.django_db


def test_an_activity_changed_shows_what_changed_before_and_after(
    actor_of: Any, client_as: Any, users: Any
) -> None:
    new = NewActivity(
        key="nor-audit-test",
        name="Cold Response",
        kind="exercise",
        owner_nation="NOR",
        area={"type": "Point", "coordinates": [15.0, 69.0]},
        radius_km=50.0,
        sources=[{"url": "https://example.org/a", "title": "Press release"}],
    )
    do_record_activity(actor_of("nora"), new)
    new.name, new.radius_km = "Cold Response 26", 80.0
    do_record_activity(actor_of("nora"), new)
    page = client_as("alice").get("/audit/?action=arctic.activity.update").content.decode()
    table = page[page.index('data-testid="changes"') :]
    table = table[: table.index("</table>")]
    # stored values, not interface text: marked so that nothing translates them
    before, after = (
        '<td translate="no">Cold Response</td>',
        '<td translate="no" class="changed">Cold Response 26</td>',
    )
    assert f'<th scope="row">name</th>{before}{after}' in table
    radius = '<td translate="no">50.0</td><td translate="no" class="changed">80.0</td>'
    assert f'<th scope="row">radius_km</th>{radius}' in table
    assert "other fields unchanged" in page
    created = html.unescape(client_as("alice").get("/audit/?action=arctic.activity.create").content.decode())
    for python in ("None", "True", "False", "{'", "'url'"):
        assert python not in created[created.index("<tbody>") :], python
    assert '"coordinates": [15.0, 69.0]' in created and "Press release" in created
