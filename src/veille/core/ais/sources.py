"""Where lines come from: files (plain or gzip), standard input and TCP feeds.

Every source yields *batches* of complete lines (bytes, without line ends). :class:`LineSplitter`
keeps the partial line at the end of one read until the next read completes it, so a sentence
split across two reads (or two TCP segments) is never lost, and cuts a runaway line (binary data
without line ends) at :data:`~veille.core.ais.reader.MAX_LINE_BYTES` so memory stays bounded.
Lines end with LF, CRLF or CR alone (:class:`LineEnds`: the first line end decides); a UTF-8
byte-order mark at the start is dropped.
"""

from __future__ import annotations

import io
import itertools
import random
import socket
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

from .reader import MAX_LINE_BYTES

__all__ = [
    "BOM",
    "GZIP_MAGIC",
    "READ_BYTES",
    "Block",
    "BlockSplitter",
    "ChunkStream",
    "InputDamaged",
    "LineEnds",
    "LineSplitter",
    "TcpStats",
    "file_batches",
    "file_blocks",
    "inflate",
    "line_batches",
    "open_binary",
    "parse_tcp_url",
    "read_batches",
    "read_blocks",
    "tcp_batches",
]

READ_BYTES = 1 << 20
#: a file's blocks for the bulk reader: each block costs about 8 ms of fixed work (building its
#: frames), so bigger blocks cost less per line (on the real mix of bench/_ais_mix.py, 4 MiB: 20 %
#: less CPU than 1 MiB; 8 MiB: 4 % less than 4 MiB and 4 % less wall time with two workers, for
#: 125 MB more peak memory), and at most a few are in flight, so memory stays flat
BLOCK_BYTES = 8 << 20
GZIP_MAGIC = b"\x1f\x8b"


class InputDamaged(ValueError):
    """An input file that cannot be read to its end: a truncated or corrupt gzip or zip.

    Raised only after every line read before the damage has been given; the message names the
    file, the uncompressed byte offset where reading stopped and what was wrong.

    >>> str(InputDamaged("x.nmea.gz", 900_000, "compressed data ends before the end of the stream"))
    'x.nmea.gz: damaged at uncompressed byte 900,000: compressed data ends before the end of the stream'
    """

    def __init__(self, name: str, offset: int, reason: str) -> None:
        super().__init__(f"{name}: damaged at uncompressed byte {offset:,}: {reason}")
        self.name = name
        self.offset = offset
        self.reason = reason


def _zlib_reason(exc: zlib.error) -> str:
    text = str(exc)
    return text.split(": ", 1)[1] if ": " in text else text


def inflate(
    raw: BinaryIO, name: str, *, wbits: int = 31, members: bool = True, piece: int = 1 << 16
) -> Iterator[bytes]:
    """Decompressed pieces of a gzip stream (``wbits=31``) or raw deflate data (``wbits=-15``).

    On damage (corrupt data, a bad checksum, a stream cut short) every byte that decompresses
    before it is given, then :class:`InputDamaged` is raised. Concatenated gzip members are read
    one after the other (as :mod:`gzip` does, zero padding after the last is ignored).

    >>> import gzip, io
    >>> data = gzip.compress(b"line 1\\nline 2\\n")
    >>> b"".join(inflate(io.BytesIO(data + data), "x.gz"))
    b'line 1\\nline 2\\nline 1\\nline 2\\n'
    >>> cut = inflate(io.BytesIO(data[:-4]), "x.gz")
    >>> next(cut)
    b'line 1\\nline 2\\n'
    >>> try:
    ...     next(cut)
    ... except InputDamaged as exc:
    ...     print(exc.offset, exc.reason)
    14 compressed data ends before the end of the stream (file truncated?)
    """
    d = zlib.decompressobj(wbits)
    offset = 0
    pending = b""
    fed = False
    while True:
        data = pending or raw.read(piece)
        pending = b""
        if not data:
            break
        fed = True
        before = d.copy()
        try:
            out = d.decompress(data)
        except zlib.error as exc:
            # decompress again byte by byte from the state before this piece: all up to the damage
            out = b""
            d = before
            for i in range(len(data)):
                try:
                    out += d.decompress(data[i : i + 1])
                except zlib.error:
                    break
            if out:
                yield out
            raise InputDamaged(name, offset + len(out), _zlib_reason(exc)) from exc
        if out:
            offset += len(out)
            yield out
        if d.eof:
            rest = d.unused_data
            while members and len(rest) < 2 and (more := raw.read(piece)):
                rest += more
            if not members or not rest.strip(b"\0"):
                if members:
                    while more := raw.read(piece):  # zero padding, or something after it?
                        if more.strip(b"\0"):
                            raise InputDamaged(name, offset, "data after the end of the gzip stream")
                return
            if rest[:2] != GZIP_MAGIC:
                raise InputDamaged(name, offset, "data after the end of the gzip stream")
            d, pending, fed = zlib.decompressobj(wbits), rest, False
    if fed and not d.eof:
        raise InputDamaged(
            name, offset, "compressed data ends before the end of the stream (file truncated?)"
        )


class ChunkStream(io.RawIOBase):
    """A readable binary stream over an iterator of byte chunks (:func:`inflate`), for
    :class:`io.TextIOWrapper` and the readers. When the iterator raises :class:`InputDamaged`
    the stream ends there as if at the end of the file and keeps the error in ``damage``, so a
    reader gives its last lines before :meth:`check` raises it."""

    def __init__(self, chunks: Iterator[bytes], close: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._chunks: Iterator[bytes] | None = chunks
        self._buf = b""
        self._close = close
        self.damage: InputDamaged | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        view = memoryview(b).cast("B")
        n = 0
        while n < len(view):
            if not self._buf:
                if self._chunks is None:
                    break
                try:
                    self._buf = next(self._chunks)
                except StopIteration:
                    self._chunks = None
                    break
                except InputDamaged as exc:
                    self.damage, self._chunks = exc, None
                    break
            k = min(len(view) - n, len(self._buf))
            view[n : n + k] = self._buf[:k]
            self._buf = self._buf[k:]
            n += k
        return n

    def close(self) -> None:
        if self._close is not None and not self.closed:
            self._close()
        super().close()

    def check(self) -> None:
        """Raise the damage met, if any."""
        if self.damage is not None:
            raise self.damage


BOM = b"\xef\xbb\xbf"


class LineEnds:
    """A stream's line ends, decided by its first one: LF or CRLF pass as they are (the parsers
    strip a trailing CR), a CR alone makes every CR a line end. A UTF-8 byte-order mark at the
    start of the stream is dropped.

    Deciding once per stream costs nothing on LF and CRLF files, and keeps ``\\r\\r\\n`` (a
    CRLF written through a text-mode layer) one line end instead of two.

    >>> e = LineEnds()
    >>> e.feed(BOM + b"a\\rb\\r"), e.flush()
    (b'a\\nb\\n', b'')
    >>> e = LineEnds()
    >>> e.feed(b"a\\r"), e.feed(b"\\nb\\r\\n"), e.flush()
    (b'a', b'\\r\\nb\\r\\n', b'')
    """

    __slots__ = ("_cr", "_held", "_started")

    def __init__(self) -> None:
        self._cr: bool | None = None  # None until the first line end is seen
        self._held = b""
        self._started = False

    def feed(self, chunk: bytes) -> bytes:
        """The chunk with CR line ends turned into LF (a few bytes may wait for the next chunk)."""
        if self._cr is not None:
            return chunk.replace(b"\r", b"\n") if self._cr else chunk
        data = self._held + chunk if self._held else chunk
        self._held = b""
        if not self._started:
            if len(data) < len(BOM) and BOM.startswith(data):
                self._held = data  # maybe a mark cut by the read: wait
                return b""
            self._started = True
            if data.startswith(BOM):
                data = data[len(BOM) :]
        r = data.find(b"\r")
        n = data.find(b"\n", 0, r if r >= 0 else len(data))
        if n >= 0 or (r < 0 and n < 0):
            self._cr = False if n >= 0 else None  # LF first, or no line end yet
            return data
        after = data[r + 1 : r + 3]
        if after in (b"", b"\r"):
            self._held = data[r:]  # CR at the end of the read: CRLF or not, the next read says
            return data[:r]
        self._cr = not (after.startswith(b"\n") or after == b"\r\n")
        return data.replace(b"\r", b"\n") if self._cr else data

    def flush(self) -> bytes:
        """End of stream: the bytes still waiting (a final CR, a cut mark)."""
        held, self._held = self._held, b""
        return held


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
        self._ends = LineEnds()

    def feed(self, chunk: bytes) -> list[bytes]:
        """Add bytes; return the lines they complete."""
        data = self._rest + self._ends.feed(chunk)
        lines = data.split(b"\n")
        self._rest = lines.pop()
        if self._skipping and lines:
            del lines[0]  # the end of an over-long line already reported: no line of its own
            self._skipping = False
        if len(self._rest) > self.max_line:
            if not self._skipping:
                lines.append(self._rest[: self.max_line + 1])  # reported as line_too_long
            self._skipping = True
            self._rest = b""
        return lines

    def flush(self) -> list[bytes]:
        """End of stream: the last line, if it had no line end."""
        self._rest += self._ends.flush()  # a final CR or a cut mark: no line end (never an LF)
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
    #: read from a file, so the next block follows at once: the store may hold this block's rows
    #: and write them with the next blocks' (a block from stdin is written as it comes)
    from_file: bool = field(default=False, repr=False, compare=False)

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
        self._ends = LineEnds()

    def feed(self, chunk: bytes) -> Block:
        """Add bytes; return the lines they complete."""
        chunk = self._ends.feed(chunk)
        data = self._rest + chunk if self._rest else chunk
        cut = data.rfind(b"\n")
        if cut >= 0:
            block, self._rest = data[:cut], data[cut + 1 :]
            lines = block.count(b"\n") + 1
            if self._skipping:
                # the end of an over-long line already reported: no line of its own
                first = block.find(b"\n")
                block = b"" if first < 0 else block[first + 1 :]
                lines -= 1
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
        self._rest += self._ends.flush()  # a final CR or a cut mark: no line end (never an LF)
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


def file_blocks(path: str | Path, read_bytes: int | None = None) -> Iterator[Block]:
    """Blocks of lines from a file (gzip detected by its magic number), or stdin for ``-``.

    ``read_bytes`` defaults to :data:`BLOCK_BYTES` for a file and :data:`READ_BYTES` for stdin
    (a read of a pipe waits until it has that many bytes)."""
    if str(path) == "-":
        yield from read_blocks(sys.stdin.buffer, read_bytes or READ_BYTES)
        return
    with open_binary(Path(path)) as stream:
        for block in read_blocks(stream, read_bytes or BLOCK_BYTES):
            yield Block(block.data, block.lines, from_file=True)
        if isinstance(stream, ChunkStream):
            stream.check()


def open_binary(path: Path) -> BinaryIO:
    """A file, decompressed when it starts with the gzip magic number (a :class:`ChunkStream`
    whose ``check()`` raises :class:`InputDamaged` once its readable lines have been read)."""
    raw = path.open("rb")
    if raw.read(2) != GZIP_MAGIC:
        raw.seek(0)
        return raw
    raw.seek(0)
    return cast(BinaryIO, ChunkStream(inflate(raw, str(path)), raw.close))


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
    with open_binary(Path(path)) as stream:
        yield from read_batches(stream, read_bytes)
        if isinstance(stream, ChunkStream):
            stream.check()


@dataclass
class TcpStats:
    """Counters of a TCP feed: connections made, failures, bytes received."""

    connections: int = 0
    failures: int = 0
    bytes: int = 0


def parse_tcp_url(url: str) -> tuple[str, int]:
    """``tcp://HOST:PORT`` -> (host, port); an IPv6 address is written in brackets.

    Raises :class:`ValueError` naming the URL when it has no host, no port, or a port outside
    1-65535.

    >>> parse_tcp_url("tcp://153.44.253.27:5631"), parse_tcp_url("tcp://[::1]:5631")
    (('153.44.253.27', 5631), ('::1', 5631))
    >>> parse_tcp_url("tcp://localhost:99999")
    Traceback (most recent call last):
    ...
    ValueError: tcp://localhost:99999: port 99999 out of range 1-65535
    """
    rest = url[6:] if url.startswith("tcp://") else None
    if rest is None:
        raise ValueError(f"{url}: expected tcp://HOST:PORT")
    if rest.startswith("["):
        host, bracket, port = rest[1:].partition("]")
        if not bracket or not port.startswith(":"):
            raise ValueError(f"{url}: expected tcp://[IPV6]:PORT")
        port = port[1:]
    else:
        host, _, port = rest.rpartition(":")
        if ":" in host:
            raise ValueError(f"{url}: an IPv6 address goes in brackets: tcp://[{host}]:{port}")
    if not host or not port.isascii() or not port.isdigit():
        raise ValueError(f"{url}: expected tcp://HOST:PORT")
    if not 1 <= int(port) <= 65535:
        raise ValueError(f"{url}: port {int(port)} out of range 1-65535")
    return host, int(port)


def _where(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _reason(exc: OSError) -> str:
    """A connection failure in words (the errno names differ by platform)."""
    if isinstance(exc, socket.gaierror):
        return f"name not resolved ({exc.strerror or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "connection timed out"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by peer"
    return exc.strerror or str(exc) or type(exc).__name__


def _wait(seconds: float, stop: Callable[[], bool], step_s: float = 0.1) -> None:
    """Sleep ``seconds`` in steps of at most ``step_s``, returning as soon as ``stop()`` is true."""
    end = time.monotonic() + seconds
    while not stop():
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(step_s, left))


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
    sleep: Callable[[float], None] | None = None,
    on_error: Callable[[str], None] | None = None,
) -> Iterator[list[bytes]]:
    """Batches of lines from a TCP feed, reconnecting with exponential backoff and jitter.

    A read that times out (no data for a second), and a connection that ends or cannot be made
    (before the wait for the next attempt), yield an empty batch, so that a consumer can
    act on time while the feed is quiet. Stops when ``stop()`` turns true (checked at least every
    second, and every 0.1 s while waiting to reconnect), or when the peer closes and ``reconnect``
    is false. The backoff starts again from ``backoff_s`` once a connection has delivered data. A
    partial line left when a connection drops is emitted (it will be rejected as truncated):
    nothing is dropped silently. ``on_error`` is called with one line (``host:port: reason``) on
    every failed connection attempt and every lost connection. ``sleep`` replaces the wait
    between attempts (given the whole delay; tests). A port outside 1-65535 is a
    :class:`ValueError`, raised by the call.

    >>> import socket, threading
    >>> srv = socket.create_server(("127.0.0.1", 0)); port = srv.getsockname()[1]
    >>> def serve():
    ...     c, _ = srv.accept(); c.sendall(b"one\\ntw"); c.sendall(b"o\\n"); c.close()
    >>> threading.Thread(target=serve).start()
    >>> [line for b in tcp_batches("127.0.0.1", port, reconnect=False, on_error=print) for line in b]
    127.0.0.1:... connection closed by the peer
    [b'one', b'two']
    """
    if not 1 <= port <= 65535:
        raise ValueError(f"{_where(host, port)}: port {port} out of range 1-65535")
    return _tcp_batches(
        host,
        port,
        stop=stop,
        reconnect=reconnect,
        backoff_s=backoff_s,
        max_backoff_s=max_backoff_s,
        timeout_s=timeout_s,
        stats=stats if stats is not None else TcpStats(),
        sleep=sleep if sleep is not None else (lambda s: _wait(s, stop)),
        report=on_error if on_error is not None else (lambda message: None),
    )


def _tcp_batches(
    host: str,
    port: int,
    *,
    stop: Callable[[], bool],
    reconnect: bool,
    backoff_s: float,
    max_backoff_s: float,
    timeout_s: float,
    stats: TcpStats,
    sleep: Callable[[float], None],
    report: Callable[[str], None],
) -> Iterator[list[bytes]]:
    where = _where(host, port)
    delay = backoff_s
    while not stop():
        splitter = LineSplitter()
        got_data = False
        connected = False
        try:
            with socket.create_connection((host, port), timeout=timeout_s) as sock:
                connected = True
                stats.connections += 1
                sock.settimeout(min(timeout_s, 1.0))
                while not stop():
                    try:
                        chunk = sock.recv(READ_BYTES)
                    except TimeoutError:
                        yield []  # a quiet feed: the reader may still act on time (write, stop)
                        continue
                    if not chunk:
                        report(f"{where}: connection closed by the peer")
                        break
                    got_data = True
                    stats.bytes += len(chunk)
                    lines = splitter.feed(chunk)
                    if lines:
                        yield lines
        except OSError as exc:
            stats.failures += 1
            lost = "connection lost: " if connected else ""
            report(f"{where}: {lost}{_reason(exc)}")
        tail = splitter.flush()
        if tail:
            yield tail
        if not reconnect or stop():
            return
        # the feed is gone: a quiet tick first, so that a reader holding lines to group (the watch)
        # acts on them now rather than when the feed comes back
        yield []
        if got_data:
            delay = backoff_s
        sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, max_backoff_s)
