"""TCP feeds: URLs, failures reported to ``on_error``, a backoff that stops on time. Real sockets on
127.0.0.1, ports chosen by binding port 0."""

from __future__ import annotations

import doctest
import re
import socket
import threading
import time

import pytest

from veille.core.ais import sources
from veille.core.ais.sources import TcpStats, parse_tcp_url, tcp_batches


def _free_port() -> int:
    """A port nobody listens on: bound once, then closed."""
    srv = socket.create_server(("127.0.0.1", 0))
    port = int(srv.getsockname()[1])
    srv.close()
    return port


def test_sources_examples_run() -> None:
    result = doctest.testmod(sources, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 5


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("tcp://127.0.0.1:5631", ("127.0.0.1", 5631)),
        ("tcp://[::1]:5631", ("::1", 5631)),
        ("tcp://ais.example.org:1", ("ais.example.org", 1)),
        ("tcp://h:65535", ("h", 65535)),
    ],
)
def test_tcp_url_gives_host_and_port_without_brackets(url: str, expected: tuple[str, int]) -> None:
    assert parse_tcp_url(url) == expected


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("tcp://h:99999", "port 99999 out of range 1-65535"),
        ("tcp://h:0", "port 0 out of range 1-65535"),
        ("tcp://h:", "expected tcp://HOST:PORT"),
        ("tcp://:5631", "expected tcp://HOST:PORT"),
        ("tcp://h:x1", "expected tcp://HOST:PORT"),
        ("tcp://[::1]5631", "expected tcp://[IPV6]:PORT"),
        ("tcp://::1:5631", "brackets"),
        ("udp://h:5631", "expected tcp://HOST:PORT"),
    ],
)
def test_a_bad_tcp_url_is_refused_naming_it(url: str, why: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_tcp_url(url)
    assert str(err.value).startswith(url + ": ")
    assert ("in brackets" if why == "brackets" else why) in str(err.value)


def test_a_port_out_of_range_is_refused_by_the_call() -> None:
    with pytest.raises(ValueError, match=re.escape("127.0.0.1:99999: port 99999 out of range")):
        tcp_batches("127.0.0.1", 99999)


def test_each_refused_connection_is_reported() -> None:
    port = _free_port()
    errors: list[str] = []
    stats = TcpStats()
    batches = list(
        tcp_batches(
            "127.0.0.1",
            port,
            stop=lambda: len(errors) >= 3,
            backoff_s=0.01,
            stats=stats,
            on_error=errors.append,
        )
    )
    # no line, only a quiet tick before each wait for the next attempt (a reader holding lines acts)
    assert batches == [[], []] and stats.failures == 3
    assert errors == [f"127.0.0.1:{port}: connection refused"] * 3


def test_an_ipv6_address_is_reached_and_named_in_brackets() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        srv = socket.create_server(("::1", 0), family=socket.AF_INET6)
    except OSError:
        pytest.skip("no IPv6 loopback")
    port = srv.getsockname()[1]

    def serve() -> None:
        conn, _ = srv.accept()
        with conn:
            conn.sendall(b"one\n")
        srv.close()

    thread = threading.Thread(target=serve)
    thread.start()
    errors: list[str] = []
    host, p = parse_tcp_url(f"tcp://[::1]:{port}")
    lines = [x for b in tcp_batches(host, p, reconnect=False, on_error=errors.append) for x in b]
    thread.join(5)
    assert lines == [b"one"]
    assert errors == [f"[::1]:{port}: connection closed by the peer"]


def test_a_name_that_does_not_resolve_is_reported() -> None:
    errors: list[str] = []
    list(tcp_batches("no-such-host.invalid", 5631, reconnect=False, timeout_s=2, on_error=errors.append))
    assert len(errors) == 1
    assert errors[0].startswith("no-such-host.invalid:5631: name not resolved")


def test_a_lost_connection_is_reported_and_the_feed_reconnects() -> None:
    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]

    def serve() -> None:
        for line in (b"first\n", b"second\n"):
            conn, _ = srv.accept()
            with conn:
                conn.sendall(line)
        srv.close()

    thread = threading.Thread(target=serve)
    thread.start()
    errors: list[str] = []
    lines: list[bytes] = []
    for batch in tcp_batches(
        "127.0.0.1", port, stop=lambda: len(lines) >= 2, backoff_s=0.01, on_error=errors.append
    ):
        lines.extend(batch)
    thread.join(5)
    assert lines == [b"first", b"second"]
    assert errors[0] == f"127.0.0.1:{port}: connection closed by the peer"


def test_the_backoff_wait_ends_when_stop_turns_true() -> None:
    port = _free_port()
    deadline = time.monotonic() + 0.5
    started = time.monotonic()
    # the first failure waits 5-15 s before trying again; stop() turns true after 0.5 s
    list(tcp_batches("127.0.0.1", port, stop=lambda: time.monotonic() >= deadline, backoff_s=10))
    assert time.monotonic() - started < 4  # not the 5-15 s wait: a bound of behaviour, not a timing
