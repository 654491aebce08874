"""From decision to action to evidence in the browser: a coordinator records a Council meeting and a
decision and tasks an action to NSATU; an NSATU editor attaches a PURL delivery as evidence and the
action shows done on the timeline. Then a lesson goes through NATO's lessons-learned cycle, each
step by its role, a skipped step refused with its named error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.conftest import Watched
from tests.council.fixtures import council_data, delivery, nadia

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["council_data", "delivery", "nadia"]


def fill(w: Watched, fields: dict[str, str], selects: dict[str, str] | None = None) -> None:
    for name, value in fields.items():
        w.page.fill(f"#id_{name}", value)
    for name, value in (selects or {}).items():
        w.page.select_option(f"#id_{name}", value)
    w.page.click("main form.stacked button[type=submit]")
    w.page.wait_for_load_state()


def test_an_action_goes_from_decision_to_evidence_and_shows_done_on_the_timeline(
    open_page: Callable[..., Watched], live_server: Any, nadia: Any, delivery: Any, council_data: Any
) -> None:
    base = live_server.url
    today = timezone.localdate().isoformat()

    # A coordinator records an emergency meeting; a date before the Council existed is refused first.
    alice = open_page("alice")
    alice.page.goto(base + "/council/")
    alice.page.click("[data-testid=meeting-new]")
    fill(
        alice, {"date": "2023-07-01", "occasion": "Massive strikes on the grid"}, {"releasable_to": "PUBLIC"}
    )
    assert (
        "before the NATO-Ukraine Council existed"
        in alice.page.locator("[data-testid=error-date]").inner_text()
    )
    fill(
        alice,
        {"date": today, "occasion": "Extraordinary meeting after massive strikes on the grid"},
        {"requested_by_ukraine": "true", "level": "ambassadors", "releasable_to": "PUBLIC"},
    )
    assert "/council/meetings/" in alice.page.url
    assert alice.page.locator("h1 [data-testid=emergency]").is_visible()
    alice.page.click("[data-testid=decision-new]")
    fill(alice, {"text": "Speed up air-defence deliveries through the Rzeszów hub"})
    assert "Speed up air-defence" in alice.page.locator("[data-testid=decision-text]").inner_text()
    alice.page.click("[data-testid=action-new]")
    fill(alice, {"title": "Deliver the interceptors of Package A", "due": "2099-01-31"}, {"owner": "NSATU"})
    action_url = alice.page.url
    assert "/council/actions/" in action_url
    assert alice.page.locator("main .lead [data-testid=status]").inner_text() == "open"
    alice.screenshot("council-action-open")
    alice.assert_clean(allowed_statuses=(422,))

    # NSATU's editor attaches the PURL delivery as evidence that completes the action.
    editor = open_page("nadia")
    editor.page.goto(base + "/")
    assert editor.page.locator(
        "[data-testid=counts]", has_text="New Council and lessons notifications"
    ).is_visible()
    editor.page.goto(action_url)
    editor.page.click("[data-testid=evidence-new]")
    editor.page.select_option("#id_record_type", "purl.shipment")
    editor.page.check("#id_completes")
    fill(editor, {"record_id": str(delivery.pk), "note": "Four interceptors shipped through Rzeszów"})
    assert editor.page.url == action_url
    assert editor.page.locator("main .lead [data-testid=status]").inner_text() == "done"
    assert editor.page.locator("[data-testid=evidence-record]").inner_text().startswith("PURL delivery")
    editor.screenshot("council-action-done")

    # The timeline shows the meeting as an emergency meeting and the action done.
    editor.page.goto(base + "/training/timeline/")
    editor.page.wait_for_selector(".chart[data-rendered]")
    row = editor.page.locator(
        "[data-testid=timeline-table] tr", has_text="Deliver the interceptors of Package A"
    )
    assert row.locator("[data-testid=status]").inner_text() == "done"
    emergency = editor.page.locator("[data-testid=timeline-table] tr", has_text="Extraordinary meeting after")
    assert emergency.locator("text=emergency").is_visible()
    editor.screenshot("training-timeline")
    editor.assert_clean()

    # The same in French.
    fr = open_page("alice", locale="fr-FR")
    fr.page.goto(base + "/training/timeline/")
    fr.page.select_option("#language", "fr")
    fr.page.click("form.lang button")
    fr.page.wait_for_load_state()
    assert fr.page.locator("h1").inner_text() == "Chronologie : le Conseil, les jalons et les actions"
    assert "accomplie" in fr.page.locator("[data-testid=timeline-table]").inner_text()
    fr.assert_clean()


def test_a_lesson_goes_through_the_cycle_step_by_step(
    open_page: Callable[..., Watched], live_server: Any, nadia: Any
) -> None:
    base = live_server.url
    today = timezone.localdate().isoformat()

    # Norway's editor records an observation for Norway, released to NATO.
    nora = open_page("nora")
    nora.page.goto(base + "/lessons/")
    nora.page.click("[data-testid=observation-new]")
    nora.page.check("#id_domains_1")  # drones
    fill(
        nora,
        {
            "title": "Jammed drone links near the front",
            "text": "First-person-view drones lost their control link at 2 km.",
            "observed_on": "2025-05-01",
        },
        {"nation": "NOR", "releasable_to": "NATO"},
    )
    observation_url = nora.page.url
    assert nora.page.locator("[data-testid=stage]").inner_text() == "Observed"
    assert nora.page.locator("[data-testid=step]").count() == 0  # analysis is not Norway's step
    nora.assert_clean()

    # A coordinator analyses it and identifies a lesson.
    alice = open_page("alice")
    alice.page.goto(observation_url)
    alice.page.click("[data-testid=step]")
    fill(alice, {"analysis": "Control links used one band; no frequency hopping."})
    assert alice.page.locator("[data-testid=stage]").inner_text() == "Analysed"
    alice.page.click("[data-testid=step]")
    fill(alice, {"title": "Drone crews need frequency hopping", "text": "Teach and equip band hopping."})
    lesson_url = alice.page.url
    assert alice.page.locator("[data-testid=stage]").inner_text() == "Lesson identified"

    # Skipping a step is refused with its named error; nothing changes.
    alice.page.goto(lesson_url.rstrip("/") + "/validate/")
    alice.page.click("main form.stacked button[type=submit]")
    alice.page.wait_for_load_state()
    assert "comes before" in alice.page.locator("[data-testid=form-error]").inner_text()
    alice.page.goto(lesson_url)
    assert alice.page.locator("[data-testid=stage]").inner_text() == "Lesson identified"

    # The coordinator tasks the remedial action to NSATU.
    alice.page.click("[data-testid=step]")
    fill(alice, {"title": "Add band hopping to the drone course", "due": "2099-06-30"}, {"owner": "NSATU"})
    assert alice.page.locator("[data-testid=stage]").inner_text() == "Remedial action tasked"
    action_url = alice.page.locator("[data-testid=remedial-action]").get_attribute("href")
    assert action_url

    # NSATU's editor shows the action done, then declares it implemented.
    editor = open_page("nadia")
    editor.page.goto(base + action_url)
    editor.page.click("[data-testid=evidence-new]")
    editor.page.check("#id_completes")
    fill(editor, {"day": today, "note": "Course updated and taught to two crews"})
    editor.page.goto(lesson_url)
    editor.page.click("[data-testid=step]")
    fill(editor, {"note": "Taught since the spring"})
    assert editor.page.locator("[data-testid=stage]").inner_text() == "Implemented"
    editor.assert_clean()

    # The coordinator validates it and declares the lesson learned.
    alice.page.goto(lesson_url)
    alice.page.click("[data-testid=step]")
    fill(alice, {"note": "Checked in an exercise"})
    alice.page.click("[data-testid=step]")
    fill(alice, {"note": ""})
    assert alice.page.locator("[data-testid=stage]").inner_text() == "Lesson learned"
    assert alice.page.locator("[data-testid=trail] li").count() == 6
    alice.screenshot("lesson-learned")

    # Search finds it for NATO readers; a reader of a nation it is not released to would not.
    alice.page.goto(base + "/lessons/search/?q=band+hopping")
    assert alice.page.locator("[data-testid=total]").inner_text() == "2 results"
    alice.assert_clean(allowed_statuses=(409,))
