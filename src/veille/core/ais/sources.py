"""Where lines come from: files (plain or gzip), standard input and TCP feeds.

Every source yields *batches* of complete lines (bytes, without line ends). :class:`LineSplitter`
keeps the partial line at the end of one read until the next read completes it, so a sentence
split across two reads (or two TCP segments) is never lost, and cuts a runaway line (binary data
without line ends) at :data:`~veille.core.ais.reader.MAX_LINE_BYTES` so memory stays bounded.
"""

from __future__ import annotations

import gzip
import itertools
import random
import socket
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .reader import MAX_LINE_BYTES

READ_BYTES = 1 << 20


class LineSplitter:
    """Split a byte stream into lines across reads.

    >>> s = LineSplitter()
    >>> s.feed(b"!AIVDM,1,1,,A,15RT")
    []
    >>> s.feed(b"gt0P,0*4A\\n!AIVDM,1")
    [b'!AIVDM,1,1,,A,15RTgt0P,0*4A']
    >>> s.flush()
    [b'!AIVDM,1']
    """

    def __init__(self, max_line: int = MAX_LINE_BYTES) -> None:
        self.max_line = max_line
        self._rest = b""
        self._skipping = False

    def feed(self, chunk: bytes) -> list[bytes]:
        """Add bytes; return the lines they complete."""
        data = self._rest + chunk
        lines = data.split(b"\n")
        self._rest = lines.pop()
        if self._skipping and lines:
            lines[0] = b""  # end of an over-long line already reported
            self._skipping = False
        if len(self._rest) > self.max_line:
            if not self._skipping:
                lines.append(self._rest[: self.max_line + 1])  # reported as line_too_long
            self._skipping = True
            self._rest = b""
        return lines

    def flush(self) -> list[bytes]:
        """End of stream: the last line, if it had no line end."""
        rest, self._rest = self._rest, b""
        return [rest] if rest and not self._skipping else []


@dataclass(frozen=True, slots=True)
class Block:
    """``lines`` complete lines joined by ``\\n`` (no final line end): what one read completed.

    >>> Block(b"a\\nb", 2).split()
    [b'a', b'b']
    """

    data: bytes
    lines: int

    def split(self) -> list[bytes]:
        """The lines, as :class:`LineSplitter` gives them."""
        return self.data.split(b"\n") if self.lines else []


class BlockSplitter:
    """:class:`LineSplitter` that returns the completed lines as one :class:`Block`, unsplit.

    Cutting at the last line end of each read is a search from the end, not a split into line
    objects; the lines are the same as :class:`LineSplitter` would give, over-long lines included.

    >>> s = BlockSplitter()
    >>> s.feed(b"one\\ntwo\\nthr"), s.feed(b"ee\\n"), s.flush()
    (Block(data=b'one\\ntwo', lines=2), Block(data=b'three', lines=1), Block(data=b'', lines=0))
    """

    def __init__(self, max_line: int = MAX_LINE_BYTES) -> None:
        self.max_line = max_line
        self._rest = b""
        self._skipping = False

    def feed(self, chunk: bytes) -> Block:
        """Add bytes; return the lines they complete."""
        data = self._rest + chunk if self._rest else chunk
        cut = data.rfind(b"\n")
        if cut >= 0:
            block, self._rest = data[:cut], data[cut + 1 :]
            lines = block.count(b"\n") + 1
            if self._skipping:
                first = block.find(b"\n")
                block = b"" if first < 0 else block[first:]  # end of an over-long line already reported
                self._skipping = False
        else:
            block, lines, self._rest = b"", 0, data
        if len(self._rest) > self.max_line:
            if not self._skipping:
                runaway = self._rest[: self.max_line + 1]  # reported as line_too_long
                block = block + b"\n" + runaway if lines else runaway
                lines += 1
            self._skipping = True
            self._rest = b""
        return Block(block, lines)

    def flush(self) -> Block:
        """End of stream: the last line, if it had no line end."""
        rest, self._rest = self._rest, b""
        return Block(rest, 1) if rest and not self._skipping else Block(b"", 0)


def line_batches(lines: Iterable[bytes], size: int = 20_000) -> Iterator[list[bytes]]:
    """Lines already in memory or generated (a synthetic capture), as batches of ``size``.

    >>> [len(b) for b in line_batches(iter([b"a"] * 5), 2)]
    [2, 2, 1]
    """
    it = iter(lines)
    while batch := list(itertools.islice(it, size)):
        yield batch


def read_blocks(stream: BinaryIO, read_bytes: int = READ_BYTES) -> Iterator[Block]:
    """Yield blocks of complete lines from an open binary stream (see :class:`BlockSplitter`).

    >>> import io
    >>> [b.split() for b in read_blocks(io.BytesIO(b"a\\nb\\nc"))]
    [[b'a', b'b'], [b'c']]
    """
    splitter = BlockSplitter()
    while True:
        chunk = stream.read(read_bytes)
        if not chunk:
            break
        block = splitter.feed(chunk)
        if block.lines:
            yield block
    tail = splitter.flush()
    if tail.lines:
        yield tail


def file_blocks(path: str | Path, read_bytes: int = READ_BYTES) -> Iterator[Block]:
    """Blocks of lines from a file (gzip detected by its magic number), or stdin for ``-``."""
    if str(path) == "-":
        yield from read_blocks(sys.stdin.buffer, read_bytes)
        return
    with _open(Path(path)) as stream:
        yield from read_blocks(stream, read_bytes)


def _open(path: Path) -> BinaryIO:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_batches(stream: BinaryIO, read_bytes: int = READ_BYTES) -> Iterator[list[bytes]]:
    """Yield batches of lines from an open binary stream.

    >>> import io
    >>> list(read_batches(io.BytesIO(b"a\\nb\\nc")))
    [[b'a', b'b'], [b'c']]
    """
    splitter = LineSplitter()
    while True:
        chunk = stream.read(read_bytes)
        if not chunk:
            break
        lines = splitter.feed(chunk)
        if lines:
            yield lines
    tail = splitter.flush()
    if tail:
        yield tail


def file_batches(path: str | Path, read_bytes: int = READ_BYTES) -> Iterator[list[bytes]]:
    """Batches of lines from a file (gzip detected by its magic number), or stdin for ``-``.

    >>> import tempfile, gzip, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "x.nmea.gz")
    >>> with gzip.open(p, "wb") as f: _ = f.write(b"line 1\\nline 2\\n")
    >>> [line for batch in file_batches(p) for line in batch]
    [b'line 1', b'line 2']
    """
    if str(path) == "-":
        yield from read_batches(sys.stdin.buffer, read_bytes)
        return
    with _open(Path(path)) as stream:
        yield from read_batches(stream, read_bytes)


@dataclass
class TcpStats:
    """Counters of a TCP feed: connections made, failures, bytes received."""

    connections: int = 0
    failures: int = 0
    bytes: int = 0


def tcp_batches(
    host: str,
    port: int,
    *,
    stop: Callable[[], bool] = lambda: False,
    reconnect: bool = True,
    backoff_s: float = 0.5,
    max_backoff_s: float = 30.0,
    timeout_s: float = 5.0,
    stats: TcpStats | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[list[bytes]]:
    """Batches of lines from a TCP feed, reconnecting with exponential backoff and jitter.

    A read that times out (no data for a second) yields an empty batch, so that a consumer can
    act on time while the feed is quiet. Stops when ``stop()`` turns true (checked at least every
    second), or when the peer closes and ``reconnect`` is false. The backoff starts again from
    ``backoff_s`` once a connection has delivered data. A partial line left when a connection
    drops is emitted (it will be rejected as truncated): nothing is dropped silently.

    >>> import socket, threading
    >>> srv = socket.create_server(("127.0.0.1", 0)); port = srv.getsockname()[1]
    >>> def serve():
    ...     c, _ = srv.accept(); c.sendall(b"one\\ntw"); c.sendall(b"o\\n"); c.close()
    >>> threading.Thread(target=serve).start()
    >>> [line for b in tcp_batches("127.0.0.1", port, reconnect=False) for line in b]
    [b'one', b'two']
    """
    stats = stats if stats is not None else TcpStats()
    delay = backoff_s
    while not stop():
        splitter = LineSplitter()
        got_data = False
        try:
            with socket.create_connection((host, port), timeout=timeout_s) as sock:
                stats.connections += 1
                sock.settimeout(min(timeout_s, 1.0))
                while not stop():
                    try:
                        chunk = sock.recv(READ_BYTES)
                    except TimeoutError:
                        yield []  # a quiet feed: the reader may still act on time (write, stop)
                        continue
                    if not chunk:
                        break
                    got_data = True
                    stats.bytes += len(chunk)
                    lines = splitter.feed(chunk)
                    if lines:
                        yield lines
        except OSError:
            stats.failures += 1
        tail = splitter.flush()
        if tail:
            yield tail
        if not reconnect or stop():
            return
        if got_data:
            delay = backoff_s
        sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, max_backoff_s)
