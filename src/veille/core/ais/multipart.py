"""Multi-part reassembly over a whole block of fragments at once, with the rules of the line reader.

:class:`veille.core.ais.reader.AisReader` reassembles fragment by fragment: per (source, channel,
sequential id) a group starts at fragment 1 (superseding a group left open under the same key),
takes the next fragment when its number follows and its count and formatter match, and is dropped
(``incomplete_multipart``) when it is superseded, broken, older than ``max_line_gap`` lines or
``timeout_s`` seconds of receive time at the next fragment, expired on a check (every 256th line
and at the end of each block: too many lines since it began, or too old beside the newest open
group), or open at the end of the input; a fragment that continues nothing is an
``orphan_fragment``.

:class:`Reassembler` gives the same messages and rejects for a whole block with NumPy: the
fragments are sorted by key, runs of fragments that follow one another are found with one
comparison, and each run is cut where the line reader would drop it (a stale fragment, a check
that finds the group too many lines old). The one rule that couples different keys, expiry by
receive time beside the newest open group, is verified instead of simulated: when no check of the
block sees two open groups more than ``timeout_s`` apart (so no group can expire that way), the
block's result is exact; otherwise the block goes through the line reader's own loop
(:meth:`AisReader.feed_items`). The state between blocks is the line reader's (open groups,
tag-block group sources), so either way of doing a block continues the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .nmea import Reject, RejectReason
from .reader import AisReader, RawMessage, _Group
from .scan import NO_SEQ, Fragments
from .spans import distinct

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Key = tuple[str | None, str, int | None]


@dataclass
class Assembled:
    """Messages completed in a block: the joined payloads in ``buf`` (padded), in completion order.

    ``lines(i)`` gives message ``i``'s fragments' lines joined by ``\\n`` (for a reject).
    """

    buf: npt.NDArray[np.uint8]
    starts: I64
    lens: I64
    fill: I64
    first_lineno: I64
    last_lineno: I64
    time_s: F64
    source: list[str | None]
    lines: Callable[[int], bytes]

    def __len__(self) -> int:
        return len(self.starts)

    @staticmethod
    def from_raw(raws: list[RawMessage]) -> Assembled:
        """Messages the line reader reassembled (or read whole), in the same form."""
        lens = np.fromiter((len(r.payload) for r in raws), dtype=np.int64, count=len(raws))
        starts = np.zeros(len(raws), dtype=np.int64)
        if len(raws):
            np.cumsum(lens[:-1], out=starts[1:])
        buf = np.frombuffer(b"".join(r.payload for r in raws) + b"0" * 80, dtype=np.uint8)
        return Assembled(
            buf,
            starts,
            lens,
            np.fromiter((r.fill_bits for r in raws), dtype=np.int64, count=len(raws)),
            np.fromiter((r.first_lineno for r in raws), dtype=np.int64, count=len(raws)),
            np.fromiter((r.last_lineno for r in raws), dtype=np.int64, count=len(raws)),
            np.array([np.nan if r.time_s is None else r.time_s for r in raws], dtype=np.float64),
            [r.source for r in raws],
            lambda i: b"\\n".join(raws[i].lines),
        )


class Reassembler:
    """Block-at-once reassembly continuing the state of ``reader`` (see the module docstring).

    >>> from veille.core.ais.scan import scan_block
    >>> data = (b"!AIVDM,2,1,1,,53cMa3@000010WSW?V105=<45B2222222222220t388151:9e2UiDm851DTh,0*65\\n"
    ...         b"!AIVDM,2,2,1,,j1C32CQp888,2*17\\n!AIVDM,2,2,3,A,00000000000,2*27")
    >>> scan, _ = scan_block(data, 3)
    >>> got, rejects = Reassembler(AisReader()).feed(scan.fragments, scan.checkpoints, 3)
    >>> (got.first_lineno.tolist(), got.last_lineno.tolist(), [(r.lineno, r.reason.value) for r in rejects])
    ([1], [2], [(3, 'orphan_fragment')])
    """

    def __init__(self, reader: AisReader) -> None:
        self.reader = reader
        self.vectorised = 0  # blocks done here, and by the line reader's loop (for tests and benchmarks)
        self.fallback = 0

    def feed(self, f: Fragments, checkpoints: list[int], last_lineno: int) -> tuple[Assembled, list[Reject]]:
        """The messages the block's fragments complete, and the rejects, as the line reader gives them."""
        r = self.reader
        if not len(f) and not r._pending:
            r.lines_read += last_lineno - r.lineno
            r.lineno = last_lineno
            return Assembled.from_raw([]), []
        done = self._vectorised(f, checkpoints, last_lineno)
        if done is not None:
            self.vectorised += 1
            return done
        self.fallback += 1
        items = [(int(f.lineno[i]), f.sentence(i), _opt(f.time[i])) for i in range(len(f))]
        msgs, rejects = r.feed_items(items, checkpoints, last_lineno)
        return Assembled.from_raw(msgs), rejects

    def close(self) -> list[Reject]:
        """End of input: every group still open is incomplete."""
        return self.reader.close()

    def _keys(self, f: Fragments, carried: list[Key]) -> tuple[I64, _Keys, dict[int, str]]:
        """Each row's key (the carried groups', then the block's fragments') as a number, the
        numbers' keys, and the tag-block group sources after the block (as AisReader._key)."""
        keys = _Keys()
        n = len(f)
        code = np.empty(len(carried) + n, dtype=np.int64)
        code[: len(carried)] = [keys.code(k) for k in carried]
        seq = np.where(f.seq == NO_SEQ, _SEQ_NONE, f.seq)
        code[len(carried) :] = (np.maximum(f.channel, 0) << 40) | seq  # (None, channel, seq)
        gid = f.group[:, 2]
        slow = (f.src_len > 0) | (gid >= 0) | (f.channel < 0) | (seq < 0) | (seq >= _SEQ_NONE)
        if f.parsed:
            slow[list(f.parsed)] = True
        sources: dict[int, str] = dict(self.reader._group_sources)
        data = f.data
        for i in np.flatnonzero(slow).tolist():
            s = f.parsed.get(i)
            if s is not None:
                source, ch, sq = s.source, s.channel, s.seq_id
            else:
                ss, sl = int(f.src_start[i]), int(f.src_len[i])
                source = data[ss : ss + sl].decode() if sl else None
                ch = chr(int(f.channel[i])) if f.channel[i] else ""
                sq = None if f.seq[i] == NO_SEQ else int(f.seq[i])
            g = int(gid[i])
            if g >= 0:
                if source is None:
                    source = sources.get(g)
                else:
                    if len(sources) > 4096:
                        sources.clear()
                    sources[g] = source
                if sq is None:
                    sq = -g - 1
            code[len(carried) + i] = keys.code((source, ch, sq))
        return code, keys, sources

    def _vectorised(
        self, f: Fragments, checkpoints: list[int], last_lineno: int
    ) -> tuple[Assembled, list[Reject]] | None:
        r = self.reader
        gap, timeout = r.max_line_gap, r.timeout_s
        carried = list(r._pending.items())
        c = len(carried)
        n = c + len(f)
        key, keys, sources = self._keys(f, [k for k, _ in carried])
        last = [g.sentences[-1] for _, g in carried]
        lineno = np.concatenate([[g.sentences[0].lineno for _, g in carried], f.lineno]).astype(np.int64)
        number = np.concatenate([[s.number for s in last], f.number]).astype(np.int64)
        count = np.concatenate([[s.count for s in last], f.count]).astype(np.int64)
        form = np.concatenate([[ord(s.formatter[2]) for s in last], f.formatter]).astype(np.int64)
        time = np.concatenate([[_nan(g.time_s) for _, g in carried], f.time]).astype(np.float64)
        is_carried = np.arange(n) < c

        o = np.lexsort((lineno, key))
        K, N, C, FM, L, T = key[o], number[o], count[o], form[o], lineno[o], time[o]
        idx = np.arange(n)
        link = np.zeros(n, dtype=bool)
        link[1:] = (K[1:] == K[:-1]) & (N[1:] == N[:-1] + 1) & (C[1:] == C[:-1]) & (FM[1:] == FM[:-1])
        head = np.maximum.accumulate(np.where(link, 0, idx))
        cand = (N[head] == 1) | is_carried[o][head]
        Ls, Ts = L[head], T[head]
        events = distinct(np.asarray([*checkpoints, last_lineno], dtype=np.int64))
        prev_l = np.concatenate([[0], L[:-1]])
        first_ev = _first_at_or_after(events, np.maximum(prev_l, Ls + gap + 1))
        stale = (L - Ls > gap) | (~np.isnan(T) & ~np.isnan(Ts) & (T - Ts > timeout)) | (first_ev < L)
        cut = cand & link & stale
        # runs: [run_start, run_end]; the first cut in each run ends its group there
        run_start = np.flatnonzero(~link)
        run_end = np.append(run_start[1:], n) - 1
        first_cut = np.minimum.reduceat(np.where(cut, idx, n), run_start)
        cand_run = cand[run_start]
        g_end = np.where(first_cut < n, first_cut - 1, run_end)  # last member of the group
        complete = cand_run & (N[g_end] == C[g_end]) & (first_cut >= n)
        is_open = cand_run & ~complete
        has_next = np.append(K[run_start[1:]] == K[run_end[:-1]], False) if len(run_start) else run_start
        ended = is_open & ((first_cut < n) | has_next)
        ev_after = _first_at_or_after(events, np.maximum(L[g_end], Ls[run_start] + gap + 1))
        expired = is_open & ~ended & (ev_after <= last_lineno)
        pending = is_open & ~ended & ~expired
        # removal line of each group, for the check of expiry by time
        removal = np.where(complete, L[g_end], np.where(first_cut < n, L[np.minimum(first_cut, n - 1)], 0))
        nxt = np.minimum(run_end + 1, n - 1)
        removal = np.where(
            is_open & (first_cut >= n), np.where(has_next, L[nxt], np.iinfo(np.int64).max), removal
        )
        if not _no_expiry_by_time(cand_run, Ls[run_start], removal, Ts[run_start], events, timeout):
            return None

        # commit: rejects, messages, the open groups
        rejects: list[Reject] = []
        member = np.zeros(n, dtype=bool)  # rows inside a group (complete, dropped or open)
        run_of = np.cumsum(~link) - 1
        in_group = cand & (idx <= g_end[run_of])
        member[in_group] = True
        orphan = ~in_group
        for j in np.flatnonzero(orphan).tolist():
            why = "its group timed out" if cut[j] else "does not continue its group"
            for ln, line in self._lines(f, carried, int(o[j]), c):
                rejects.append(Reject(ln, RejectReason.ORPHAN_FRAGMENT, line, why))
        for g in np.flatnonzero(ended | expired).tolist():
            why = "timed out" if (first_cut[g] < n or expired[g]) else "superseded or next fragment missing"
            for j in range(int(run_start[g]), int(g_end[g]) + 1):
                for ln, line in self._lines(f, carried, int(o[j]), c):
                    rejects.append(Reject(ln, RejectReason.INCOMPLETE, line, why))
        new_pending: dict[Key, _Group] = {}
        for g in np.flatnonzero(pending).tolist():
            rows = [int(o[j]) for j in range(int(run_start[g]), int(g_end[g]) + 1)]
            if rows[0] < c:
                group = carried[rows[0]][1]
                group.sentences += [f.sentence(i - c) for i in rows[1:]]
            else:
                group = _Group([f.sentence(i - c) for i in rows], _opt(time[rows[0]]))
            new_pending[keys.key(int(key[rows[0]]))] = group
        done = self._assemble(f, carried, o, run_start[complete], g_end[complete], key, keys, time, c)
        r._pending = new_pending
        r._group_sources = sources
        r.sentences += len(f)
        r.lines_read += last_lineno - r.lineno
        r.lineno = last_lineno
        for rj in rejects:
            r.reject_counts[rj.reason.value] += 1
        return done, rejects

    def _lines(
        self, f: Fragments, carried: list[tuple[Key, _Group]], row: int, c: int
    ) -> list[tuple[int, bytes]]:
        """Line number and line of every sentence of row ``row`` (a carried group has several)."""
        if row < c:
            return [(s.lineno, s.line) for s in carried[row][1].sentences]
        return [(int(f.lineno[row - c]), f.line(row - c))]

    def _assemble(
        self,
        f: Fragments,
        carried: list[tuple[Key, _Group]],
        o: I64,
        first: I64,
        last: I64,
        key: I64,
        keys: _Keys,
        time: F64,
        c: int,
    ) -> Assembled:
        """The complete messages, rows ``o[first[k]] .. o[last[k]]`` each, in completion order."""
        m = len(first)
        if m == 0:
            return Assembled.from_raw([])
        extra = [b"".join(s.payload for s in g.sentences) for _, g in carried]
        buf = np.frombuffer(f.data + b"".join(extra), dtype=np.uint8)
        ex_len = np.array([len(x) for x in extra], dtype=np.int64)
        ex_start = len(f.data) + np.cumsum(ex_len) - ex_len
        span_start = np.concatenate([ex_start, f.pay_start]).astype(np.int64)
        span_len = np.concatenate([ex_len, f.pay_len]).astype(np.int64)
        sizes = last - first + 1
        row_end = np.cumsum(sizes)
        rows = o[np.repeat(first - (row_end - sizes), sizes) + np.arange(int(row_end[-1]))]
        lens_rows = span_len[rows]
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lens_rows, out=offsets[1:])
        gather = np.repeat(span_start[rows] - offsets[:-1], lens_rows) + np.arange(offsets[-1])
        payloads = np.concatenate([buf[gather], np.full(80, 48, dtype=np.uint8)])
        msg_start = offsets[row_end - sizes]
        lens = offsets[row_end] - msg_start
        head_rows, last_rows = o[first], o[last]
        fill = np.concatenate([[g.sentences[-1].fill_bits for _, g in carried], f.fill]).astype(np.int64)
        first_line = np.concatenate([[g.sentences[0].lineno for _, g in carried], f.lineno]).astype(np.int64)
        t_first, t_last = time[head_rows], time[last_rows]
        order = np.argsort(first_line[last_rows], kind="stable")  # a group completes at its last row
        row_from = (row_end - sizes)[order]
        row_to = row_end[order]

        def lines(i: int) -> bytes:
            got = [
                x
                for row in rows[row_from[i] : row_to[i]].tolist()
                for _, x in self._lines(f, carried, row, c)
            ]
            return b"\\n".join(got)

        return Assembled(
            payloads,
            msg_start[order],
            lens[order],
            fill[last_rows][order],
            first_line[head_rows][order],
            first_line[last_rows][order],
            np.where(np.isnan(t_first), t_last, t_first)[order],
            keys.sources(key[head_rows[order]]),
            lines,
        )


_SEQ_NONE = (1 << 40) - 1  # the number of "no sequential id" in a key's number


class _Keys:
    """Keys ``(source, channel, sequential id)`` as numbers: the common key (no source, a channel
    of one character or none, an id 0-9 or none) is computed from the fragment's fields; any other
    key gets a negative number of its own."""

    def __init__(self) -> None:
        self._other: dict[Key, int] = {}
        self._list: list[Key] = []

    def code(self, key: Key) -> int:
        source, ch, seq = key
        if source is None and len(ch) <= 1 and (seq is None or 0 <= seq < _SEQ_NONE):
            return (ord(ch) if ch else 0) << 40 | (_SEQ_NONE if seq is None else seq)
        got = self._other.get(key)
        if got is None:
            got = self._other[key] = -1 - len(self._list)
            self._list.append(key)
        return got

    def sources(self, codes: I64) -> list[str | None]:
        """The source of each key (the common key has none)."""
        out: list[str | None] = [None] * len(codes)
        for i in np.flatnonzero(codes < 0).tolist():
            out[i] = self._list[-1 - int(codes[i])][0]
        return out

    def key(self, code: int) -> Key:
        if code < 0:
            return self._list[-1 - code]
        ch, seq = code >> 40, code & _SEQ_NONE
        return (None, chr(ch) if ch else "", None if seq == _SEQ_NONE else seq)


def _first_at_or_after(events: I64, at: I64) -> I64:
    """The first of the sorted ``events`` at or after each of ``at`` (the int64 maximum: none)."""
    k = np.searchsorted(events, at)
    return np.where(k < len(events), events[np.minimum(k, len(events) - 1)], np.iinfo(np.int64).max)


def _no_expiry_by_time(
    group: npt.NDArray[np.bool_], start: I64, removal: I64, t: F64, events: I64, timeout: float
) -> bool:
    """True when no check (``events``) sees two open groups with receive times more than
    ``timeout`` apart: then no group expires by time, and the block needs no other rule."""
    timed = np.flatnonzero(group & ~np.isnan(t))
    if len(timed) < 2:
        return True
    s, e, tt = start[timed, None], removal[timed, None], t[timed, None]
    open_at = (s <= events[None, :]) & (events[None, :] < e)
    hi = np.where(open_at, tt, -np.inf).max(axis=0)
    lo = np.where(open_at, tt, np.inf).min(axis=0)
    return not bool(np.any(hi - lo > timeout))


def _nan(t: float | None) -> float:
    return np.nan if t is None else t


def _opt(t: float) -> float | None:
    return None if np.isnan(t) else float(t)


__all__ = [
    "Assembled",
    "Reassembler",
]
