"""Streaming engine: per-vessel state fed message by message, the same events as the batch.

:class:`StreamEngine` takes batches of decoded positions in arrival order (a live feed, or a
replayed capture) and returns the events each batch completes; :meth:`StreamEngine.close` ends
the stream and returns what is still open, exactly as the batch engine reports it at ``until``.
On a time-ordered input (a replay) the events are identical to
:func:`veille.core.events.batch.detect_all`'s, row for row (a test holds it to that).

What is kept, and why it is small (about 0.5-0.9 KB per tracked vessel, see ``bytes_per_vessel``):
per vessel the last two raw fixes (a fix is judged a jump when the next one arrives), the last
kept fix, the zones it is in with their entry times, the current loitering hour and run, the
current cable run, the day's evidence of a shared MMSI and at most two reception counts. Global,
not per vessel: the reception grid of the last 13 hours (who was heard in which 0.5° x 1° cell)
and the current 10-minute bins with each vessel's last fix, for encounters.

Differences with the batch, by design: a fix older than the vessel's previous one (late or
duplicate) is dropped and counted in ``late``; the batch would sort it in.
"""

from __future__ import annotations

import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from veille.core.env import data_dir
from veille.core.geo import EARTH_RADIUS_KM, KM_PER_NM, haversine_km, shore_index
from veille.core.tracks import US, implied_speed_kn

from .batch import Detectors
from .encounters import _mid_lon, pairs_within
from .gaps import RX_CELL_LAT, RX_CELL_LON, rx_cells
from .schema import EVENT_SCHEMA, empty_events, event_frame, sort_events
from .zones import shipped_zones

HOUR_US = 3600 * US


class Vessel:
    """The state of one tracked vessel."""

    __slots__ = (
        "c_run",
        "ev",
        "k",
        "l_hour",
        "l_lat",
        "l_lon",
        "l_run",
        "l_sn",
        "last_jump",
        "p",
        "p_jump",
        "pp",
        "rx",
        "step",
        "z_mask",
        "z_start",
    )

    def __init__(self) -> None:
        self.pp: tuple[int, float, float] | None = None  # raw fix before p: t, lat, lon
        self.p: tuple[Any, ...] | None = None  # pending raw fix: t, lat, lon, mask, dist, which, dk
        self.p_jump = False  # whether the fix before p was judged a jump
        self.step = 0.0  # implied speed from pp to p (knots)
        self.k: tuple[int, float, float] | None = None  # last kept fix
        self.last_jump: tuple[int, float, float] | None = None
        self.z_mask = -1
        self.z_start: tuple[Any, ...] | None = None  # zone index, entry time, entered; repeated
        self.l_hour = -1
        self.l_sn = 0  # this hour's speed sum (tenths of a knot) << 24 | number of fixes
        self.l_lat = 0.0
        self.l_lon = 0.0
        self.l_run: list[Any] | None = None  # first, last, s, n, hours, lat, lon
        self.c_run: list[Any] | None = None  # s, e, lat, lon, d, names, n
        self.ev: list[Any] | None = None  # day, count, first t, lat, lon, last t
        self.rx: tuple[int, ...] | None = None  # gap start time, other vessels heard; repeated


def deep_size(obj: Any, seen: set[int] | None = None) -> int:
    """Bytes held by an object and everything it references (shared small ints/None excluded)."""
    seen = seen if seen is not None else set()
    if id(obj) in seen or obj is None or isinstance(obj, bool):
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(deep_size(k, seen) + deep_size(v, seen) for k, v in obj.items())
    elif isinstance(obj, list | tuple | set | frozenset):
        size += sum(deep_size(x, seen) for x in obj)
    elif hasattr(obj, "__slots__"):
        size += sum(deep_size(getattr(obj, s, None), seen) for s in obj.__slots__)
    return size


@dataclass
class StreamEngine:
    """``engine.feed(batch) -> events``; ``engine.close(until) -> events`` (see the module doc)."""

    detectors: Detectors = field(default_factory=Detectors)
    vessels: dict[int, Vessel] = field(default_factory=dict)
    late: int = 0
    invalid: int = 0

    def __post_init__(self) -> None:
        d = self.detectors
        self.zones = d.zones.zones or shipped_zones()
        self.cable_det = d.cables
        self.shore = d.gaps.shore or shore_index(str(data_dir()))
        self.max_gap_us = int(d.segmenter.max_gap.total_seconds() * US)
        self.max_kn = d.segmenter.max_speed_kn
        self.min_gap_us = int(d.gaps.min_gap.total_seconds() * US)
        self.max_open_us = int(d.gaps.max_open.total_seconds() * US)
        self.bin_us = int(d.encounters.bin.total_seconds() * US)
        self.rx_hours = math.ceil(d.gaps.reception_window.total_seconds() / 3600)
        self.rx: dict[tuple[int, int, int], set[int]] = defaultdict(set)
        self.due: dict[int, set[int]] = defaultdict(set)
        self.bins: dict[int, dict[int, tuple[float, float, int]]] = defaultdict(dict)
        self.pairs: dict[tuple[int, int], list[Any]] = {}
        self.clock_hour = -1
        self.clock_bin = -1
        self.next_tick = -1  # the start of the next bin: nothing global happens before it
        self.t_max = -1
        self.out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.loiter_limit = round(d.loitering.max_speed_kn * 10)
        self.cable_limit = round(d.cables.max_speed_kn * 10)
        self.enc_limit = round(d.encounters.max_median_speed_kn * 10)

    # -- input ----------------------------------------------------------------------------------

    def feed(self, batch: pl.DataFrame) -> pl.DataFrame:
        """Process positions in arrival order; return the events they complete."""
        lat_all = batch["lat"].to_numpy().astype(np.float64)
        lon_all = batch["lon"].to_numpy().astype(np.float64)
        ok = (
            np.isfinite(lat_all)
            & np.isfinite(lon_all)
            & (np.abs(lat_all) <= 90)
            & (np.abs(lon_all) <= 180)
            & ~((lat_all == 0) & (lon_all == 0))
        )
        self.invalid += int((~ok).sum())
        b = batch.filter(pl.Series(ok))
        mm = b["mmsi"].to_numpy().astype(np.int64)
        tt = b["timestamp"].dt.epoch("us").to_numpy()
        lat, lon = b["lat"].to_numpy(), b["lon"].to_numpy()
        sog = b["sog_kn"].to_numpy().astype(np.float64) if "sog_kn" in b.columns else np.full(len(mm), np.nan)
        masks = self.zones.mask(lat, lon)
        idx = self.cable_det.index()
        if idx is not None:
            dist, which = idx.nearest(lat, lon)
            dist = np.where(dist <= self.cable_det.max_distance_km, dist, np.inf)
            which = np.where(np.isfinite(dist), which, -1)
        else:
            dist, which = np.full(len(mm), np.inf), np.full(len(mm), -1)
        cy = np.floor(lat / RX_CELL_LAT).astype(np.int64)
        cx = np.floor(lon / RX_CELL_LON).astype(np.int64)
        # implied speed from the previous fix of the same vessel within the batch, vectorised
        n = len(mm)
        order = np.lexsort((np.arange(n), mm))
        prev = np.full(n, -1, dtype=np.int64)
        same = mm[order[1:]] == mm[order[:-1]]
        prev[order[1:][same]] = order[:-1][same]
        has = prev >= 0
        steps = np.zeros(n)
        if has.any():
            ia, ib = prev[has], np.flatnonzero(has)
            steps[ib] = implied_speed_kn(
                haversine_km(lat[ia], lon[ia], lat[ib], lon[ib]), (tt[ib] - tt[ia]) / US
            )
        prev_t = np.where(has, tt[np.maximum(prev, 0)], -1)
        one = self._one
        for row in zip(
            mm.tolist(),
            tt.tolist(),
            lat.tolist(),
            lon.tolist(),
            sog.tolist(),
            masks.tolist(),
            dist.tolist(),
            which.tolist(),
            cy.tolist(),
            cx.tolist(),
            steps.tolist(),
            prev_t.tolist(),
            strict=True,
        ):
            one(*row)
        return self._drain()

    def _clock(self, t: int) -> None:
        hour, b = t // HOUR_US, t // self.bin_us
        if b > self.clock_bin:
            if self.clock_bin >= 0:
                for k in sorted(k for k in self.bins if k < b):
                    self._finish_bin(k)
            self.clock_bin = b
        if hour > self.clock_hour:
            start = self.clock_hour + 1 if self.clock_hour >= 0 else hour
            for h in range(start, hour + 1):
                self._tick(h)
            self.clock_hour = hour
            for key in [k for k in self.rx if k[2] < hour - self.rx_hours - 1]:
                del self.rx[key]
        self.next_tick = min((b + 1) * self.bin_us, (hour + 1) * HOUR_US)

    def _one(
        self,
        m: int,
        t: int,
        lat: float,
        lon: float,
        sog: float,
        mask: int,
        dist: float,
        which: int,
        cy: int,
        cx: int,
        step: float = 0.0,
        prev_t: int = -1,
    ) -> None:
        if t > self.t_max:
            self.t_max = t
            if t >= self.next_tick:  # a new 10-minute bin (or hour) began
                self._clock(t)
        v = self.vessels.get(m)
        if v is None:
            v = self.vessels[m] = Vessel()
        elif v.p is not None and t <= v.p[0]:
            self.late += 1
            return
        # speed: reported, else implied from the previous raw fix
        p = v.p
        if p is None:
            step = 0.0
        elif p[0] != prev_t:  # the previous fix came in an earlier batch (or a late one was dropped)
            step = _kn(p[1], p[2], lat, lon, t - p[0])
        dk = round(sog * 10.0) if sog == sog else round(step * 10.0)  # sog == sog: not NaN
        # reception grid and the hour tick that will judge this vessel's silence
        hour = t // HOUR_US
        self.rx[(cy, cx, hour)].add(m)
        self.due[hour + self.rx_hours].add(m)
        # encounters: the vessel's last fix in this bin
        self.bins[t // self.bin_us][m] = (lat, lon, dk)
        # loitering hours
        if hour != v.l_hour:
            self._finish_hour(m, v)
            v.l_hour, v.l_sn, v.l_lat, v.l_lon = hour, 0, lat, lon
        v.l_sn += (dk << 24) | 1
        # judge the pending fix now that the next one is here
        fix = (t, lat, lon, mask, dist if which >= 0 else None, which, dk)
        if p is not None:
            jump = False
            pp = v.pp
            if pp is not None and not v.p_jump and v.step > self.max_kn and step > self.max_kn:
                jump = _kn(pp[1], pp[2], lat, lon, t - pp[0]) <= self.max_kn and t - pp[0] <= self.max_gap_us
            self._confirm(m, v, p, jump)
            v.p_jump = jump
            k = v.k
            v.pp = k if k is not None and k[0] == p[0] else (p[0], p[1], p[2])
        v.p = fix
        v.step = step

    # -- per fix, once its jump status is known -----------------------------------------------

    def _confirm(self, m: int, v: Vessel, f: tuple[Any, ...], jump: bool) -> None:
        t, lat, lon, mask, dist, which, dk = f
        if jump:
            lj = v.last_jump
            cont = (
                lj is not None
                and t - lj[0] <= self.max_gap_us
                and _kn(lj[1], lj[2], lat, lon, t - lj[0]) <= self.max_kn
            )
            v.last_jump = (t, lat, lon)
            if cont:
                self._evidence(m, v, t, lat, lon)
            else:
                self.out["position_jump"].append({"mmsi": m, "s": t, "e": t, "lat": lat, "lon": lon})
            return
        k = v.k
        if k is not None:
            dt = t - k[0]
            pp = v.pp  # the step pp -> f is known when the last kept fix is pp
            kn = v.step if pp is not None and pp[0] == k[0] else _kn(k[1], k[2], lat, lon, dt)
            if dt <= self.max_gap_us and kn > self.max_kn:
                self._evidence(m, v, t, lat, lon)
            if dt >= self.min_gap_us:
                self._gap(m, v, k, (t, lat, lon))
        if k is None or mask != v.z_mask:
            self._zones(m, v, t, lat, lon, mask, first=k is None)
        if which >= 0 or v.c_run is not None:
            self._cable(m, v, t, lat, lon, dist, which, dk)
        v.k = (t, lat, lon)

    def _evidence(self, m: int, v: Vessel, t: int, lat: float, lon: float) -> None:
        day = t // (24 * HOUR_US)
        ev = v.ev
        if ev is not None and ev[0] == day:
            ev[1] += 1
            ev[5] = t
            return
        self._finish_evidence(m, v)
        v.ev = [day, 1, t, lat, lon, t]

    def _finish_evidence(self, m: int, v: Vessel) -> None:
        ev = v.ev
        if ev is not None and ev[1] >= self.detectors.segmenter.shared_min_evidence:
            self.out["shared_mmsi"].append(
                {
                    "mmsi": m,
                    "s": ev[2],
                    "e": ev[5],
                    "lat": ev[3],
                    "lon": ev[4],
                    "detail": f'{{"evidence": {ev[1]}}}',
                }
            )
        v.ev = None

    def _gap(
        self,
        m: int,
        v: Vessel,
        a: tuple[int, float, float],
        b: tuple[int, float, float] | None,
        until: int = 0,
    ) -> None:
        end = b[0] if b is not None else until
        row: dict[str, Any] = {
            "mmsi": m,
            "s": a[0],
            "e": b[0] if b is not None else None,
            "lat": a[1],
            "lon": a[2],
            "duration_s": (end - a[0]) / US,
            "is_open": b is None,
        }
        if b is not None:
            d = haversine_km(np.array([a[1]]), np.array([a[2]]), np.array([b[1]]), np.array([b[2]]))
            row.update(
                end_lat=b[1],
                end_lon=b[2],
                distance_km=float(d[0]),
                speed_kn=float(implied_speed_kn(d, np.array([(b[0] - a[0]) / US]))[0]),
            )
        self.out["gap"].append(row)
        rx = v.rx or ()
        row["_rx"] = next((rx[i + 1] for i in range(0, len(rx), 2) if rx[i] == a[0]), 0)

    def _zones(self, m: int, v: Vessel, t: int, lat: float, lon: float, mask: int, first: bool) -> None:
        prev = v.z_mask
        if first:
            v.z_start = (
                tuple(x for j in range(len(self.zones.ids)) if mask >> j & 1 for x in (j, t, False)) or None
            )
        elif mask != prev:
            z = v.z_start or ()
            starts = {z[i]: (z[i + 1], z[i + 2]) for i in range(0, len(z), 3)}
            for j in range(len(self.zones.ids)):
                a, b = prev >> j & 1, mask >> j & 1
                if b and not a:
                    starts[j] = (t, True)
                    self.out["zone_entry"].append(
                        {"mmsi": m, "s": t, "e": t, "lat": lat, "lon": lon, "zone": self.zones.ids[j]}
                    )
                elif a and not b:
                    s, entered = starts.pop(j)
                    self.out["zone_exit"].append(
                        {
                            "mmsi": m,
                            "s": s,
                            "e": t,
                            "lat": lat,
                            "lon": lon,
                            "zone": self.zones.ids[j],
                            "detail": f'{{"entered": {str(entered).lower()}}}',
                        }
                    )
            v.z_start = tuple(x for j, (s, e) in sorted(starts.items()) for x in (j, s, e)) or None
        v.z_mask = mask

    def _cable(
        self, m: int, v: Vessel, t: int, lat: float, lon: float, dist: float, which: int, dk: int
    ) -> None:
        near = which >= 0 and dk < self.cable_limit
        run = v.c_run
        if near:
            gap_us = int(self.cable_det.max_gap.total_seconds() * US)
            name = self.cable_det.index().labels[which]  # type: ignore[union-attr]
            if run is not None and t - run[1] <= gap_us:
                run[1] = t
                run[4] = min(run[4], dist)
                if name not in run[5]:
                    run[5] = (*run[5], name)
                run[6] += 1
                return
            self._finish_cable(m, v, None)
            v.c_run = [t, t, lat, lon, dist, (name,), 1]
        elif run is not None:
            self._finish_cable(m, v, None)

    def _finish_cable(self, m: int, v: Vessel, until: int | None) -> None:
        run = v.c_run
        v.c_run = None
        if run is None or run[1] - run[0] < int(self.cable_det.min_duration.total_seconds() * US):
            return
        gap_us = int(self.cable_det.max_gap.total_seconds() * US)
        self.out["cable"].append(
            {
                "mmsi": m,
                "s": run[0],
                "e": run[1],
                "lat": run[2],
                "lon": run[3],
                "distance_km": run[4],
                "zone": "; ".join(sorted(run[5])),
                "is_open": until is not None and until - run[1] <= gap_us,
                "detail": f'{{"fixes": {run[6]}}}',
            }
        )

    def _finish_hour(self, m: int, v: Vessel) -> None:
        if v.l_sn == 0:
            return
        l_s, l_n = v.l_sn >> 24, v.l_sn & 0xFFFFFF
        run = v.l_run
        if l_s < self.loiter_limit * l_n:
            if run is not None and run[1] == v.l_hour - 1:
                run[1] = v.l_hour
                run[2] += l_s
                run[3] += l_n
                run[4] += 1
                return
            self._finish_loiter(m, v, None)
            v.l_run = [v.l_hour, v.l_hour, l_s, l_n, 1, v.l_lat, v.l_lon]
        elif run is not None:
            self._finish_loiter(m, v, None)

    def _finish_loiter(self, m: int, v: Vessel, last_hour: int | None) -> None:
        run = v.l_run
        v.l_run = None
        min_h = math.ceil(self.detectors.loitering.min_duration.total_seconds() / 3600)
        if run is None or run[4] < min_h:
            return
        self.out["loitering"].append(
            {
                "mmsi": m,
                "s": run[0] * HOUR_US,
                "e": (run[1] + 1) * HOUR_US,
                "lat": run[5],
                "lon": run[6],
                "speed_kn": run[2] / run[3] / 10.0,
                "is_open": last_hour is not None and run[1] >= last_hour,
                "detail": f'{{"hours": {run[4]}, "fixes": {run[3]}}}',
            }
        )

    # -- global: reception ticks, encounter bins -------------------------------------------------

    def _tick(self, hour: int) -> None:
        due = self.due.pop(hour, None)
        for h in [h for h in self.due if h < hour]:
            del self.due[h]
        if not due:
            return
        h0 = hour - self.rx_hours
        for m in due:
            v = self.vessels[m]
            rx = dict(zip((v.rx or ())[::2], (v.rx or ())[1::2], strict=True))
            for f in (v.p, v.k):
                if f is not None and f[0] // HOUR_US == h0:
                    rx[f[0]] = self._heard(m, f[1], f[2], h0)
            # only the pending and the last kept fix can still start a gap
            keep = {f[0] for f in (v.p, v.k) if f is not None}
            v.rx = tuple(x for t, c in rx.items() if t in keep for x in (t, c)) or None

    def _heard(self, m: int, lat: float, lon: float, h0: int) -> int:
        seen: set[int] = set()
        for cy, cx in rx_cells(lat, lon):
            for h in range(h0, h0 + self.rx_hours):
                s = self.rx.get((cy, cx, h))
                if s:
                    seen |= s
        seen.discard(m)
        return len(seen)

    def _finish_bin(self, k: int) -> None:
        reps = self.bins.pop(k, {})
        enc = self.detectors.encounters
        if reps:
            ms = np.fromiter(reps.keys(), dtype=np.int64, count=len(reps))
            vals = list(reps.values())
            la = np.array([x[0] for x in vals])
            lo = np.array([x[1] for x in vals])
            dk = np.array([x[2] for x in vals])
            i, j, _ = pairs_within(np.zeros(len(ms), dtype=np.int64), ms, la, lo, enc.max_distance_km)
        else:
            i = j = np.zeros(0, dtype=np.int64)
        together = set()
        for a_, b_ in zip(i.tolist(), j.tolist(), strict=True):
            key = (int(ms[a_]), int(ms[b_]))
            together.add(key)
            slow_a, slow_b = int(dk[a_] < self.enc_limit), int(dk[b_] < self.enc_limit)
            st = self.pairs.get(key)
            if st is not None and st[1] == k - 1:
                st[1] = k
                st[2] += 1
                st[3] += slow_a
                st[4] += slow_b
            else:
                if st is not None:
                    self._finish_pair(key, None)
                self.pairs[key] = [
                    k,
                    k,
                    1,
                    slow_a,
                    slow_b,
                    (la[a_] + la[b_]) / 2,
                    float(_mid_lon(np.array([lo[a_]]), np.array([lo[b_]]))[0]),
                ]
        for key in [p for p in self.pairs if p not in together]:
            self._finish_pair(key, None)

    def _finish_pair(self, key: tuple[int, int], last_bin: int | None) -> None:
        st = self.pairs.pop(key)
        enc = self.detectors.encounters
        first, last, n, sa, sb, lat, lon = st
        if n < enc.min_bins or sa * 2 <= n or sb * 2 <= n:
            return
        if not self.shore.distance_km(np.array([lat]), np.array([lon]))[0] > enc.min_shore_km:
            return
        self.out["encounter"].append(
            {
                "mmsi": key[0],
                "mmsi2": key[1],
                "s": first * self.bin_us,
                "e": (last + 1) * self.bin_us,
                "lat": lat,
                "lon": lon,
                "is_open": last_bin is not None and last >= last_bin,
                "detail": f'{{"bins": {n}, "slow_bins": [{sa}, {sb}]}}',
            }
        )

    # -- end ------------------------------------------------------------------------------------

    def close(self, until: datetime | None = None) -> pl.DataFrame:
        """End of the stream at ``until`` (default: the latest fix): flush and report open events."""
        u = int(until.timestamp() * US) if until is not None else self.t_max
        self._clock(u)
        last_bin = u // self.bin_us
        for k in sorted(self.bins):
            self._finish_bin(k)
        for key in list(self.pairs):
            self._finish_pair(key, last_bin)
        for m, v in self.vessels.items():
            if v.p is not None:
                self._confirm(m, v, v.p, False)
                v.pp, v.p = (v.p[0], v.p[1], v.p[2]), None
            self._finish_hour(m, v)
            v.l_sn = 0
            self._finish_loiter(m, v, u // HOUR_US)
            self._finish_cable(m, v, u)
            self._finish_evidence(m, v)
            if v.k is not None and self.min_gap_us <= u - v.k[0] <= self.max_open_us:
                self._gap(m, v, v.k, None, until=u)
        return self._drain()

    def _drain(self) -> pl.DataFrame:
        d = self.detectors
        params = {
            "gap": d.gaps.params(),
            "encounter": d.encounters.params(),
            "loitering": d.loitering.params(),
            "zone_entry": d.zones.params(),
            "zone_exit": d.zones.params(),
            "cable": d.cables.params(),
            "position_jump": d.segmenter.params(),
            "shared_mmsi": d.segmenter.params(),
        }
        frames = []
        for kind, rows in self.out.items():
            if not rows:
                continue
            if kind == "gap":
                rows = [self._disabling(r) for r in rows]
            df = pl.DataFrame(rows, infer_schema_length=None).with_columns(
                start=pl.col("s").cast(pl.Datetime("us", "UTC")),
                end=pl.col("e").cast(pl.Int64).cast(pl.Datetime("us", "UTC")),
            )
            frames.append(event_frame(kind, df, params[kind]))
        self.out = defaultdict(list)
        return sort_events(pl.concat(frames)) if frames else empty_events()

    def _disabling(self, row: dict[str, Any]) -> dict[str, Any]:
        g = self.detectors.gaps
        rx = row.pop("_rx")
        if row["duration_s"] < g.disabling_min_gap.total_seconds():
            row.update(likely_disabling=False, detail=None)
            return row
        s = float(self.shore.distance_km(np.array([row["lat"]]), np.array([row["lon"]]))[0])
        row["likely_disabling"] = bool(s > g.disabling_min_shore_km and rx >= g.reception_min_vessels)
        shore = round(s, 3) if math.isfinite(s) else None
        row["detail"] = f'{{"shore_km": {"null" if shore is None else shore}, "other_vessels_heard": {rx}}}'
        return row

    def bytes_per_vessel(self) -> float:
        """Average bytes of per-vessel state (the object and everything it alone references)."""
        if not self.vessels:
            return 0.0
        return sum(deep_size(v) for v in self.vessels.values()) / len(self.vessels)


def _kn(lat1: float, lon1: float, lat2: float, lon2: float, dt_us: int) -> float:
    """Implied speed in knots (scalar haversine: for thresholds, where a last-bit difference with
    the vectorised formula cannot matter)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    km = 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(a, 1.0)))
    return km / KM_PER_NM / (max(dt_us / US, 1.0) / 3600.0)


__all__ = ["EVENT_SCHEMA", "HOUR_US", "StreamEngine", "Vessel", "deep_size"]
