"""The live stream's parameters and its bounds: ``max_seconds`` a number of seconds (cut to 600), a
few open streams per user (429 beyond, saying why), a bound per process (503 beyond)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from veille.arctic import stream_slots
from veille.arctic.exceptions import StreamsFull, TooManyStreams
from veille.arctic.views_alerts import MAX_STREAM_S


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-0.5", "1e999", "soon"])
def test_max_seconds_must_be_a_number_of_seconds(client_as: Any, value: str) -> None:
    response = client_as("nora").get("/arctic/stream/", {"max_seconds": value})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "max_seconds"


def test_last_must_be_a_whole_number(client_as: Any) -> None:
    response = client_as("nora").get("/arctic/stream/", {"last": "x"})
    assert (response.status_code, response.json()["error"]["field"]) == (400, "last")


def test_a_stream_asked_for_longer_than_the_cap_runs_to_the_cap(client_as: Any, settings: Any) -> None:
    from veille.arctic import views_alerts

    seen: list[float] = []
    real = views_alerts.alerts_module.stream

    def spy(user: Any, last: int, limit: float, language: str | None = None) -> Any:
        seen.append(limit)
        return real(user, last, 0, language)

    views_alerts.alerts_module.stream = spy  # type: ignore[assignment]
    try:
        response = client_as("nora").get("/arctic/stream/", {"max_seconds": "100000"})
        assert b"event: hello" in b"".join(response.streaming_content)
    finally:
        views_alerts.alerts_module.stream = real  # type: ignore[assignment]
    assert seen == [MAX_STREAM_S]


def test_a_user_holds_at_most_the_streams_allowed(users: Any, settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR, settings.VEILLE_STREAMS_PER_USER = tmp_path, 2
    nora, sam = users["nora"].pk, users["sam"].pk
    held = [stream_slots.acquire(nora), stream_slots.acquire(nora)]
    with pytest.raises(TooManyStreams) as refused:
        stream_slots.acquire(nora)
    assert refused.value.http_status == 429 and "2" in refused.value.message
    other = stream_slots.acquire(sam)  # another user's slots are apart
    held[0].release()
    held[0].release()  # twice: nothing more
    again = stream_slots.acquire(nora)  # a page closed gives its slot back
    for slot in (held[1], other, again):
        slot.release()
    assert stream_slots.open_in_process() == 0


def test_a_process_holds_at_most_its_bound(users: Any, settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR, settings.VEILLE_STREAMS_MAX = tmp_path, 2
    held = [stream_slots.acquire(users[name].pk) for name in ("nora", "sam")]
    with pytest.raises(StreamsFull) as refused:
        stream_slots.acquire(users["olga"].pk)
    assert refused.value.http_status == 503
    for slot in held:
        slot.release()


def test_refused_streams_answer_with_the_reason_and_retry_after(
    client_as: Any, users: Any, settings: Any, tmp_path: Any
) -> None:
    settings.VAR_DIR, settings.VEILLE_STREAMS_PER_USER = tmp_path, 1
    slot = stream_slots.acquire(users["nora"].pk)
    try:
        response = client_as("nora").get("/arctic/stream/")
    finally:
        slot.release()
    assert response.status_code == 429 and response["Retry-After"]
    assert json.loads(response.content)["error"]["code"] == "too_many_streams"
