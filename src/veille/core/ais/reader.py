"""From lines to complete AIS messages: batch checksums, ``$PGHP`` times, multi-part reassembly.

:class:`AisReader` is fed batches of raw lines (from a file, stdin or a TCP stream: see
:mod:`veille.core.ais.sources`) and returns the complete messages (:class:`RawMessage`, payload
not yet decoded) and the rejects. Line numbers run across batches. Fragments are reassembled per
(source, channel, sequential id); a group left incomplete for longer than ``timeout_s`` (receive
time) or ``max_line_gap`` lines, superseded by a new first fragment, or open at the end of the
input is rejected line by line as ``incomplete_multipart``; a fragment that continues nothing is an
``orphan_fragment``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .nmea import PghpTime, Reject, RejectReason, Sentence, parse_line

__all__ = ["MAX_LINE_BYTES", "AisReader", "RawMessage", "batch_checksums"]

MAX_LINE_BYTES = 1024


@dataclass(slots=True)
class RawMessage:
    """A complete (reassembled) AIS message before payload decoding.

    >>> r = AisReader()
    >>> msgs, _ = r.feed([b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"])
    >>> (msgs[0].payload, msgs[0].channel, msgs[0].first_lineno)
    (b'15RTgt0PAso;90TKcjM8h6g208CQ', 'A', 1)
    """

    payload: bytes
    fill_bits: int
    talker: str
    formatter: str
    channel: str
    source: str | None
    time_s: float | None
    first_lineno: int
    last_lineno: int
    lines: tuple[bytes, ...]


@dataclass(slots=True)
class _Group:
    sentences: list[Sentence] = field(default_factory=list)
    time_s: float | None = None


def batch_checksums(lines: list[bytes]) -> list[int]:
    """NMEA checksum of every line's sentence body, computed for the whole batch at once.

    The body starts after an optional tag block (``\\...\\``) at ``!`` or ``$`` and ends before the
    first ``*``; -1 where a line has no such body. One cumulative XOR over the joined batch replaces
    a Python loop over every byte.

    >>> batch_checksums([b"!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B", b"no star", b""])
    [43, -1, -1]
    """
    if not lines:
        return []
    buf = np.frombuffer(b"\n".join(lines) + b"\n", dtype=np.uint8)
    lens = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    starts = np.empty_like(lens)
    starts[0] = 0
    np.cumsum(lens[:-1] + 1, out=starts[1:])
    ends = starts + lens
    body = starts.copy()
    tagged = (buf[starts] == 92) & (lens > 0)
    if tagged.any():
        slashes = np.flatnonzero(buf == 92)
        k = np.searchsorted(slashes, starts[tagged] + 1)
        close = slashes[np.minimum(k, len(slashes) - 1)]
        close = np.where((k < len(slashes)) & (close < ends[tagged]), close, ends[tagged])
        body[tagged] = close + 1
    stars = np.flatnonzero(buf == 42)
    if len(stars) == 0:
        return [-1] * len(lines)
    k = np.searchsorted(stars, body + 1)
    star = stars[np.minimum(k, len(stars) - 1)]
    ok = (k < len(stars)) & (star < ends) & (body < ends)
    cum = np.bitwise_xor.accumulate(buf)
    star_prev = np.maximum(star - 1, 0)
    body_c = np.minimum(body, len(buf) - 1)
    chk = (cum[star_prev] ^ cum[body_c]).astype(np.int64)
    return np.where(ok, chk, -1).tolist()


class AisReader:
    """Stateful line reader: feed it batches of lines, get messages and rejects.

    >>> r = AisReader()
    >>> msgs, rejects = r.feed([
    ...     b"!AIVDM,2,1,1,,53cMa3@000010WSW?V105=<45B2222222222220t388151:9e2UiDm851DTh,0*65",
    ...     b"!AIVDM,2,2,1,,j1C32CQp888,2*17",
    ...     b"!AIVDM,2,2,3,A,00000000000,2*27",
    ... ])
    >>> (len(msgs), msgs[0].last_lineno, [x.reason.value for x in rejects])
    (1, 2, ['orphan_fragment'])
    """

    def __init__(self, *, timeout_s: float = 10.0, max_line_gap: int = 1000) -> None:
        self.timeout_s = timeout_s
        self.max_line_gap = max_line_gap
        self.lineno = 0
        self.lines_read = 0
        self.sentences = 0
        self._pghp: float | None = None
        self._pending: dict[tuple[str | None, str, int | None], _Group] = {}
        self._group_sources: dict[int, str] = {}
        self.reject_counts: Counter[str] = Counter()

    def feed(self, lines: list[bytes]) -> tuple[list[RawMessage], list[Reject]]:
        """Read a batch of lines (without or with line ends)."""
        msgs: list[RawMessage] = []
        rejects: list[Reject] = []
        sums = batch_checksums(lines)
        base = self.lineno
        pending = self._pending
        for i, line in enumerate(lines):
            lineno = base + i + 1
            if len(line) > MAX_LINE_BYTES:
                rejects.append(
                    Reject(lineno, RejectReason.LINE_TOO_LONG, line[:MAX_LINE_BYTES], "line too long")
                )
                continue
            c = sums[i]
            item = parse_line(line, lineno, c if c >= 0 else None)
            if item is None:
                continue
            if type(item) is Sentence:
                self.sentences += 1
                t = item.time_s
                if self._pghp is not None:
                    if t is None:
                        t = self._pghp
                    self._pghp = None
                if item.count == 1:
                    msgs.append(
                        RawMessage(
                            item.payload,
                            item.fill_bits,
                            item.talker,
                            item.formatter,
                            item.channel,
                            item.source,
                            t,
                            lineno,
                            lineno,
                            (item.line,),
                        )
                    )
                else:
                    self._fragment(item, t, msgs, rejects)
            elif type(item) is PghpTime:
                self._pghp = item.time_s
            else:
                assert isinstance(item, Reject)
                rejects.append(item)
            if pending and lineno % 256 == 0:
                self._expire(lineno, None, rejects)
        self.lineno = base + len(lines)
        self.lines_read += len(lines)
        if pending:
            self._expire(self.lineno, None, rejects)
        for rj in rejects:
            self.reject_counts[rj.reason.value] += 1
        return msgs, rejects

    def feed_items(
        self,
        items: Sequence[tuple[int, Sentence | Reject, float | None]],
        checkpoints: Sequence[int],
        last_lineno: int,
    ) -> tuple[list[RawMessage], list[Reject]]:
        """Continue with lines already parsed elsewhere (see :mod:`veille.core.ais.bulk`).

        ``items`` are the sentences (with their receive time, ``$PGHP`` already applied) and the
        rejects of a batch that ends at ``last_lineno``, in line order; the batch's other lines
        were single-part sentences, ``$PGHP`` times or blank lines, which leave the reassembly
        state alone. ``checkpoints`` are the line numbers where :meth:`feed` would look for
        expired groups (multiples of 256 that are not blank lines), so that both give the same
        messages and rejects.

        >>> from veille.core.ais.nmea import parse_line
        >>> r = AisReader()
        >>> part = parse_line(b"!AIVDM,2,2,3,A,00000000000,2*27", 5)
        >>> msgs, rejects = r.feed_items([(5, part, None)], [], 9)
        >>> (msgs, [x.reason.value for x in rejects], r.lineno)
        ([], ['orphan_fragment'], 9)
        """
        msgs: list[RawMessage] = []
        rejects: list[Reject] = []
        pending = self._pending
        j = 0
        for lineno, item, t in items:
            if pending:
                while j < len(checkpoints) and checkpoints[j] < lineno:
                    if pending:
                        self._expire(checkpoints[j], None, rejects)
                    j += 1
            else:
                j = bisect_left(checkpoints, lineno, j)
            if type(item) is Sentence:
                self.sentences += 1
                if item.count == 1:
                    msgs.append(
                        RawMessage(
                            item.payload,
                            item.fill_bits,
                            item.talker,
                            item.formatter,
                            item.channel,
                            item.source,
                            t,
                            lineno,
                            lineno,
                            (item.line,),
                        )
                    )
                else:
                    self._fragment(item, t, msgs, rejects)
            else:
                assert isinstance(item, Reject)
                rejects.append(item)
            if j < len(checkpoints) and checkpoints[j] == lineno:
                if pending:
                    self._expire(lineno, None, rejects)
                j += 1
        while pending and j < len(checkpoints):
            self._expire(checkpoints[j], None, rejects)
            j += 1
        self.lines_read += last_lineno - self.lineno
        self.lineno = last_lineno
        if pending:
            self._expire(self.lineno, None, rejects)
        for rj in rejects:
            self.reject_counts[rj.reason.value] += 1
        return msgs, rejects

    def close(self) -> list[Reject]:
        """End of input: every group still open is incomplete."""
        rejects: list[Reject] = []
        for key in list(self._pending):
            self._drop(key, "input ended before the last fragment", rejects)
        for rj in rejects:
            self.reject_counts[rj.reason.value] += 1
        return rejects

    def _key(self, s: Sentence) -> tuple[str | None, str, int | None]:
        source = s.source
        seq = s.seq_id
        if s.group is not None:
            gid = s.group[2]
            if source is None:
                source = self._group_sources.get(gid)
            else:
                if len(self._group_sources) > 4096:
                    self._group_sources.clear()
                self._group_sources[gid] = source
            if seq is None:
                seq = -gid - 1
        return (source, s.channel, seq)

    def _fragment(self, s: Sentence, t: float | None, msgs: list[RawMessage], rejects: list[Reject]) -> None:
        key = self._key(s)
        group = self._pending.get(key)
        if s.number == 1:
            if group is not None:
                self._drop(key, "superseded by a new first fragment", rejects)
            self._pending[key] = _Group([s], t)
            return
        if group is None:
            rejects.append(Reject(s.lineno, RejectReason.ORPHAN_FRAGMENT, s.line, "no earlier fragment"))
            return
        last = group.sentences[-1]
        stale = s.lineno - group.sentences[0].lineno > self.max_line_gap or (
            t is not None and group.time_s is not None and t - group.time_s > self.timeout_s
        )
        if stale:
            self._drop(key, "timed out", rejects)
            rejects.append(Reject(s.lineno, RejectReason.ORPHAN_FRAGMENT, s.line, "its group timed out"))
            return
        if s.number != last.number + 1 or s.count != last.count or s.formatter != last.formatter:
            self._drop(key, "next fragment missing", rejects)
            rejects.append(
                Reject(s.lineno, RejectReason.ORPHAN_FRAGMENT, s.line, "does not continue its group")
            )
            return
        group.sentences.append(s)
        if s.number < s.count:
            return
        del self._pending[key]
        first = group.sentences[0]
        msgs.append(
            RawMessage(
                b"".join(x.payload for x in group.sentences),
                s.fill_bits,
                first.talker,
                first.formatter,
                first.channel,
                key[0],
                group.time_s if group.time_s is not None else t,
                first.lineno,
                s.lineno,
                tuple(x.line for x in group.sentences),
            )
        )

    def _expire(self, lineno: int, now_s: float | None, rejects: list[Reject]) -> None:
        latest = now_s
        if latest is None:
            times = [g.time_s for g in self._pending.values() if g.time_s is not None]
            latest = max(times) if times else None
        for key, group in list(self._pending.items()):
            first = group.sentences[0].lineno
            late = lineno - first > self.max_line_gap
            if not late and latest is not None and group.time_s is not None:
                late = latest - group.time_s > self.timeout_s
            if late:
                self._drop(key, "timed out", rejects)

    def _drop(self, key: tuple[str | None, str, int | None], why: str, rejects: list[Reject]) -> None:
        group = self._pending.pop(key)
        for s in group.sentences:
            rejects.append(Reject(s.lineno, RejectReason.INCOMPLETE, s.line, why))
