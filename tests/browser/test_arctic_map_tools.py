"""The map as a user handles it: the wheel zooms about the pointer, buttons zoom about the centre, a
scale and labels say where and how far; the vessels are reached with the keyboard; an editor draws an
activity's area on the form's map, and edits the activity from its page."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser import test_arctic
from tests.browser.conftest import Watched
from tests.browser.test_arctic import wait_drawn
from veille.arctic.models import Activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
loaded = test_arctic.loaded  # the fixture: activities and a small AIS store


def centre(w: Watched, selector: str, index: int = 0) -> tuple[float, float]:
    box = w.page.locator(selector).nth(index).bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_the_wheel_zooms_about_the_pointer_and_buttons_labels_scale_and_keyboard_work(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path
) -> None:
    w = open_page("alice")
    w.page.goto(live_server.url + "/arctic/")
    w.page.wait_for_selector("#arctic-map[data-rendered=true]", timeout=15000)
    wait_drawn(w, "vessels", lambda n: n == 25)
    # labels: parallels, zones by their names, large countries
    parallels = w.page.locator("#arctic-map svg g.l_parallels text").all_text_contents()
    assert parallels == ["60° N", "70° N", "80° N"]
    zones = " ".join(w.page.locator("#arctic-map svg g.l_zones text").all_text_contents())
    assert "Barents Sea" in zones
    assert "Greenland" in " ".join(w.page.locator("#arctic-map svg g.l_countries text").all_text_contents())
    km = int(w.page.locator("#arctic-map").get_attribute("data-scale-km") or 0)
    assert km > 0 and w.page.locator("#map-scale-text").inner_text() == f"{km:,} km"
    # the vessel under the pointer stays under it while the wheel zooms in
    vessel = "#arctic-map svg g.m_vessels path"
    x, y = centre(w, vessel, 3)
    w.page.mouse.move(x, y)
    w.page.mouse.wheel(0, -400)
    w.page.wait_for_function("() => Number(document.getElementById('arctic-map').dataset.zoom) > 1.5")
    w.page.wait_for_timeout(300)
    x2, y2 = centre(w, vessel, 3)
    assert abs(x2 - x) < 3 and abs(y2 - y) < 3, ((x, y), (x2, y2))
    assert int(w.page.locator("#arctic-map").get_attribute("data-scale-km") or 0) < km
    # the buttons zoom about the centre, and back to the whole map
    w.page.get_by_role("button", name="Zoom out").click()
    w.page.get_by_role("button", name="Whole map").click()
    w.page.wait_for_function("() => document.getElementById('arctic-map').dataset.zoom === '1'")
    w.page.get_by_role("button", name="Zoom in").click()
    w.page.wait_for_function("() => document.getElementById('arctic-map').dataset.zoom === '1.5'")
    # every vessel shown is reached with the keyboard, and shows its details
    w.page.locator("details.vessels-shown summary").focus()
    w.page.keyboard.press("Enter")
    assert w.page.locator("#vessel-list button").count() == 25
    w.page.keyboard.press("Tab")
    focused = w.page.evaluate("() => document.activeElement.dataset.mmsi")
    assert focused
    w.page.keyboard.press("Enter")
    w.page.wait_for_selector("#arctic-details h3")
    assert focused in w.page.locator("#arctic-details").inner_text()
    w.screenshot("arctic-map-tools")
    w.assert_clean()


def test_an_editor_draws_the_area_on_the_form_s_map_and_edits_the_activity(
    open_page: Callable[..., Watched], live_server: Any, loaded: Path
) -> None:
    w = open_page("nora")
    w.page.goto(live_server.url + "/arctic/activities/new/")
    w.page.wait_for_selector("#draw-map[data-rendered=true]", timeout=15000)
    w.page.locator("#draw-map svg").scroll_into_view_if_needed()
    box = w.page.locator("#draw-map svg").bounding_box()
    assert box is not None
    for dx, dy in ((0.45, 0.70), (0.55, 0.70), (0.55, 0.80), (0.45, 0.80)):
        w.page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    w.page.get_by_role("button", name="Finish").click()
    area = json.loads(w.page.input_value("#id_polygon"))
    assert area["type"] == "Polygon" and len(area["coordinates"][0]) == 5
    assert area["coordinates"][0][0] == area["coordinates"][0][-1]
    assert all(40 < lat < 90 for _lon, lat in area["coordinates"][0])
    assert "Polygon of 4 corners" in w.page.locator("#draw-status").inner_text()
    w.page.fill("#id_name", "Drawn patrol")
    w.page.select_option("#id_kind", "patrol")
    w.page.fill("#id_starts_on", "2026-03-02")
    w.page.fill("#id_sources", "https://example.org/drawn 2026-03-01 Navy press release")
    w.assert_clean()
    w.page.get_by_role("button", name="Record").click()
    w.page.wait_for_selector("h1:has-text('Drawn patrol')")
    a = Activity.objects.get(name="Drawn patrol")
    assert a.area == area
    assert w.page.get_by_role("link", name="Navy press release").count() == 1
    w.page.get_by_role("link", name="Edit this activity").click()
    w.page.wait_for_selector("#draw-map[data-rendered=true]", timeout=15000)
    assert w.page.locator("#draw-map svg polygon.draw-area").count() == 1  # the area as recorded
    w.page.fill("#id_name", "Drawn patrol, extended")
    w.page.get_by_role("button", name="Save").click()
    w.page.wait_for_selector("h1:has-text('Drawn patrol, extended')")
    assert Activity.objects.get(pk=a.pk).area == area
    w.screenshot("arctic-activity-drawn")
    w.assert_clean()
