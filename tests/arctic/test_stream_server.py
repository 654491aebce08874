"""Live streams under the ASGI server ``make demo`` runs: open pages hold no worker thread, one user
may open only so many, and ``max_seconds`` must be a number of seconds (issue: 16 open streams once
made ``/healthz`` time out; ``max_seconds=nan`` passed the cap)."""

from __future__ import annotations

import http.client
import json
import re
import time
from pathlib import Path

import pytest

from tests.asgi_server import ROOT, Server, served

pytestmark = pytest.mark.slow

PER_USER = 3
#: the WSGI server served 2 workers x 4 threads: more open streams than that froze it
OLD_THREADS = 8


def open_stream(server: Server, user: str, query: str = "max_seconds=60") -> http.client.HTTPConnection:
    """A stream opened and left open (its first chunk read)."""
    conn = server.connection(timeout=30)
    conn.request("GET", f"/arctic/stream/?{query}", headers=server.headers(user))
    response = conn.getresponse()
    assert response.status == 200, response.read()
    assert response.getheader("Content-Type", "").startswith("text/event-stream")
    assert response.read(6) == b"retry:"
    conn._open_response = response  # type: ignore[attr-defined]  # keeps the socket open
    return conn


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Server:
    folder = tmp_path_factory.mktemp("asgi")
    with served(folder, VEILLE_STREAMS_PER_USER=str(PER_USER)) as s:
        yield s  # type: ignore[misc]


def test_more_open_streams_than_the_old_threads_leave_the_server_answering(server: Server) -> None:
    users = ["alice", "nora", "pawel", "olga", "sam", "eve"]
    streams = [open_stream(server, u) for u in users for _ in range(PER_USER)]
    try:
        assert len(streams) > 2 * OLD_THREADS
        started = time.monotonic()
        status, body = server.get("/healthz", timeout=10)
        assert (status, json.loads(body)["status"]) == (200, "ok")
        assert server.get("/arctic/", user="nora", timeout=30)[0] == 200
        assert time.monotonic() - started < 30
        # one stream more for a user who has as many as one may: refused, saying why
        conn = server.connection(timeout=10)
        conn.request("GET", "/arctic/stream/", headers=server.headers("eve"))
        refused = conn.getresponse()
        error = json.loads(refused.read())["error"]
        assert refused.status == 429 and refused.getheader("Retry-After")
        assert error["code"] == "too_many_streams" and str(PER_USER) in error["message"]
        conn.close()
    finally:
        for conn in streams:
            conn.close()
    # a closed page gives its slot back
    deadline = time.monotonic() + 30
    while True:
        try:
            open_stream(server, "eve").close()
            break
        except AssertionError:
            assert time.monotonic() < deadline
            time.sleep(0.5)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "-1", "abc", "1e999"])
def test_max_seconds_that_is_no_number_of_seconds_is_refused_naming_it(server: Server, value: str) -> None:
    status, body = server.get(f"/arctic/stream/?max_seconds={value}", user="nora", timeout=10)
    assert status == 400
    assert json.loads(body)["error"]["field"] == "max_seconds"


def test_a_stream_ends_after_max_seconds(server: Server) -> None:
    conn = server.connection(timeout=30)
    started = time.monotonic()
    conn.request("GET", "/arctic/stream/?max_seconds=1", headers=server.headers("pawel"))
    response = conn.getresponse()
    body = response.read()  # the server ends the stream
    assert time.monotonic() - started < 20
    assert b"event: hello" in body
    conn.close()


def test_make_demo_serves_through_the_asgi_server() -> None:
    demo = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"gunicorn veille\.asgi:application -k uvicorn_worker\.UvicornWorker", demo)
    assert "wsgi" not in demo and "--threads" not in demo
    assert Path(ROOT / "src/veille/asgi.py").exists()
