"""Full-text search over observations and lessons, one interface on both databases: stemmed words,
all required; releasability applied inside the query, so neither hits nor totals reveal what a
reader may not see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from veille.lessons import services
from veille.lessons.exceptions import UnknownDomain
from veille.lessons.search import search
from veille.nations.access import Actor

pytestmark = pytest.mark.django_db
Act = Callable[[str], Actor]


@pytest.fixture
def records(users: Any, actor_of: Act) -> dict[str, Any]:
    nora, alice = actor_of("nora"), actor_of("alice")
    hidden = services.do_record_observation(
        nora,
        "NOR",
        "Jammers near Kupiansk",
        "Drone jamming stopped every first-person-view strike.",
        ["drones"],
        "2025-05-01",
    )
    shared = services.do_record_observation(
        actor_of("olga"),
        "UKR",
        "Evacuation under drones",
        "Medics evacuated casualties at night to avoid drones.",
        ["medical", "drones"],
        "2025-06-01",
        "NATO",
    )
    polish = services.do_record_observation(
        alice,
        "POL",
        "Fuel convoys",
        "Convoys moved by night; drones found them anyway.",
        ["logistics"],
        "2025-07-01",
        "NATIONS",
        ["POL"],
    )
    services.do_analyse(alice, hidden.pk, "Jamming of the control link; crews lacked frequency hopping.")
    lesson = services.do_identify(alice, hidden.pk, "Frequency hopping for drone crews", "Teach hopping.")
    return {"hidden": hidden, "shared": shared, "polish": polish, "lesson": lesson}


def kinds_and_ids(result: Any) -> set[tuple[str, int]]:
    return {(h.kind, h.ref_id) for h in result.hits}


def test_words_are_stemmed_and_all_required(records: dict[str, Any], users: Any) -> None:
    alice = users["alice"]
    everything = search(alice, "DRONES")
    assert everything.total == 4 and len(everything.hits) == 4  # three observations and the lesson
    assert kinds_and_ids(search(alice, "drone evacuation")) == {("observation", records["shared"].pk)}
    assert search(alice, "drone submarine").total == 0
    # the analysis is searched with its observation
    assert ("observation", records["hidden"].pk) in kinds_and_ids(search(alice, "hopping"))


def test_a_reader_finds_and_counts_only_what_is_released_to_them(records: dict[str, Any], users: Any) -> None:
    pawel = search(users["pawel"], "drones")
    assert kinds_and_ids(pawel) == {
        ("observation", records["shared"].pk),
        ("observation", records["polish"].pk),
    }
    assert pawel.total == 2  # no count of the Norwegian observation or its lesson
    nora = search(users["nora"], "drones")
    assert nora.total == 3 and ("lesson", records["lesson"].pk) in kinds_and_ids(nora)
    assert search(users["eve"], "drones").total == 0  # NATO-releasable records need a NATO nation
    assert search(None, "drones").total == 0


def test_a_released_summary_is_found_by_everyone_without_the_lesson_it_summarises(
    records: dict[str, Any], users: Any, actor_of: Act
) -> None:
    services.do_release_summary(
        actor_of("alice"), records["lesson"].pk, "Drone crews adapt", "Crews change bands."
    )
    hits = search(users["pawel"], "drone crews")
    assert kinds_and_ids(hits) == {("summary", records["lesson"].pk)}
    assert hits.hits[0].title == "Drone crews adapt" and "Frequency" not in hits.hits[0].excerpt
    assert search(None, "bands").total == 1


def test_filters_and_paging(records: dict[str, Any], users: Any) -> None:
    alice = users["alice"]
    assert kinds_and_ids(search(alice, "drones", kinds=["lesson"])) == {("lesson", records["lesson"].pk)}
    assert {h.ref_id for h in search(alice, "drones", domain="medical").hits} == {records["shared"].pk}
    first, second = search(alice, "drones", limit=2), search(alice, "drones", limit=2, offset=2)
    assert first.total == second.total == 4
    assert len(first.hits) == len(second.hits) == 2 and not kinds_and_ids(first) & kinds_and_ids(second)
    with pytest.raises(UnknownDomain):
        search(alice, "drones", domain="cyber")


@pytest.mark.parametrize("text", ['"', "drones*", "NEAR(", "-drones", "a OR", "'; DROP TABLE x; --", "ü🙂"])
def test_any_text_is_a_query_and_never_an_error(records: dict[str, Any], users: Any, text: str) -> None:
    result = search(users["alice"], text)
    assert result.total >= 0


def test_the_index_follows_changes_of_the_documents(
    records: dict[str, Any], users: Any, actor_of: Act
) -> None:
    assert search(users["alice"], "nocturnal").total == 0
    services.do_analyse(actor_of("alice"), records["shared"].pk, "Nocturnal moves worked.")
    assert search(users["alice"], "nocturnal").total == 1


def test_the_database_index_is_used(records: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'lessons_searchdoc_fts_idx'")
            assert "gin" in cursor.fetchone()[0].lower()
        else:
            cursor.execute(
                "SELECT count(*) FROM lessons_searchdoc_fts WHERE lessons_searchdoc_fts MATCH 'drone'"
            )
            assert cursor.fetchone()[0] == 4


def test_beyond_the_cap_the_total_is_a_lower_bound_of_visible_matches_and_the_newest_come_first(
    records: dict[str, Any], users: Any, monkeypatch: Any
) -> None:
    from veille.lessons import search as search_module

    monkeypatch.setattr(search_module, "COUNT_CAP", 2)
    alice = search(users["alice"], "drones")
    assert (alice.total, alice.more) == (2, True)
    assert [h.kind for h in alice.hits][:1] == ["lesson"]  # recorded last, so first
    assert len(alice.hits) == 4  # every match is still there, page by page
    pawel = search(users["pawel"], "drones")
    assert (pawel.total, pawel.more) == (2, False)  # two visible to him: exact, nothing hidden counted
    monkeypatch.setattr(search_module, "COUNT_CAP", 1)
    assert search(users["pawel"], "drones").more
