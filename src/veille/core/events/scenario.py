"""Ground truth: seeded multi-day synthetic Arctic traffic with planted events, and its manifest.

Every sentence carries the tag block ``s:synthetic`` (and ``c:`` its time), so the traffic can never
be mistaken for a capture. Background vessels sail at 9-14 kn inside boxes that cross no zone
boundary and meet no one, so they produce no event; planted vessels act out one episode each:

- gaps: 8 h; 14 h far from shore among other vessels (likely disabling); 13 h near the coast among
  other vessels (not likely disabling: the coast); a vessel silent for the last 10 h (open gap);
  a decoy of 5 h 59 min (no gap);
- an encounter of 3 h at 1 kn, 200 m apart, in the Barents Sea (which is also 3 h of loitering for
  each vessel), and a decoy encounter of 1 h 40 min (neither encounter nor loitering);
- 5 h of loitering over the Svalbard Undersea Cable System at 0.8 kn (loitering and cable time);
- zone crossings: the Arctic Circle north and back, into the Svalbard Treaty area, north through
  the Bering Strait (three crossings), across the GIUK gap (entry and exit);
- a renamed vessel and a hull re-flagged from Norway to Russia (same IMO, new MMSI), a bad fix
  (position jump) and two ships sharing one MMSI for three hours.

Each round of planted episodes takes two days; ``days`` = 2 k gives k rounds with fresh MMSIs.
The manifest lists what was planted (times are those of the fixes that mark each event) and the
decoys. Zone crossing times are computed from the routes (due north or south, so latitude is linear
in time) and the zone polygons' boundaries, not by the detectors.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import shapely

from veille.core.ais.encode import encode_message
from veille.core.ais.messages import PositionReport, StaticVoyageData

from .zones import Zones, shipped_zones

__all__ = [
    "BARENTS_BOX",
    "DAY",
    "REPORT_S",
    "SOURCE",
    "START",
    "Leg",
    "Scenario",
    "Ship",
    "fixes",
    "generate",
]

SOURCE = "synthetic"
START = datetime(2026, 1, 5, tzinfo=UTC)
REPORT_S = 180
H = 3600
DAY = 86400
BARENTS_BOX = (72.5, 73.5, 33.0, 40.0)  # lat0, lat1, lon0, lon1: inside the Barents Sea, no cable


@dataclass
class Leg:
    """Motion from ``start_s`` on: ``go`` (course, speed), ``bounce`` (inside ``box``), ``silent``."""

    start_s: int
    kind: str
    course: float = 0.0
    speed: float = 10.0
    box: tuple[float, float, float, float] | None = None
    alternate_s: int = 0  # reverse the course every alternate_s seconds (drifting on the spot)
    anchor: bool = False  # the fixes restart at start_s (and every REPORT_S after)


@dataclass
class Ship:
    mmsi: int
    name: str
    imo: int
    lat: float
    lon: float
    legs: list[Leg]
    first_s: int = 0
    last_s: int | None = None
    renames: list[tuple[int, str]] = field(default_factory=list)
    extra: list[tuple[int, float, float, float]] = field(default_factory=list)  # (t, lat, lon, sog) fixes
    statics: bool = True


def _move(lat: float, lon: float, course: float, speed: float, dt: float) -> tuple[float, float]:
    d = speed * dt / 3600.0 / 60.0
    lat2 = lat + d * math.cos(math.radians(course))
    lon2 = lon + d * math.sin(math.radians(course)) / max(math.cos(math.radians(lat2)), 0.05)
    return lat2, lon2


def fixes(ship: Ship, end_s: int) -> list[tuple[int, float, float, float, float]]:
    """``(t, lat, lon, sog_kn, cog_deg)`` every :data:`REPORT_S` from ``first_s`` to the end."""
    out = []
    lat, lon = ship.lat, ship.lon
    legs = sorted(ship.legs, key=lambda g: g.start_s)
    last = min(end_s, ship.last_s if ship.last_s is not None else end_s)
    t = ship.first_s
    course = legs[0].course
    leg_i = 0
    while t <= last:
        while leg_i + 1 < len(legs) and legs[leg_i + 1].start_s <= t:
            leg_i += 1
            course = legs[leg_i].course
        leg = legs[leg_i]
        if leg.kind != "silent":
            c = course
            if leg.alternate_s and ((t - leg.start_s) // leg.alternate_s) % 2 == 1:
                c = (course + 180.0) % 360.0
            out.append((t, lat, lon, leg.speed, c))
        # move to the next fix with the leg in force now
        if leg.kind == "go":
            c = course
            if leg.alternate_s and ((t - leg.start_s) // leg.alternate_s) % 2 == 1:
                c = (course + 180.0) % 360.0
            lat, lon = _move(lat, lon, c, leg.speed, REPORT_S)
        elif leg.kind == "bounce" and leg.box is not None:
            la, lo = _move(lat, lon, course, leg.speed, REPORT_S)
            lat0, lat1, lon0, lon1 = leg.box
            if not lat0 <= la <= lat1:
                course = (180.0 - course) % 360.0
            if not lon0 <= lo <= lon1:
                course = (360.0 - course) % 360.0
            lat, lon = _move(lat, lon, course, leg.speed, REPORT_S)
        elif leg.kind == "silent":
            pass
        nxt = t + REPORT_S
        for g in legs:
            if g.anchor and t < g.start_s < nxt:
                nxt = g.start_s
        t = nxt
    for t_extra, la, lo, sog in ship.extra:
        out.append((t_extra, la, lo, sog, 0.0))
    return sorted(out)


class _Plan:
    def __init__(self, seed: int, days: int, start: datetime) -> None:
        self.rng = random.Random(seed)
        self.days = days
        self.start_s = int(start.timestamp())
        self.end_s = days * DAY
        self.ships: list[Ship] = []
        self.truth: list[dict[str, Any]] = []
        self.decoys: list[dict[str, Any]] = []
        self.used: set[int] = set()

    def mmsi(self, mid: int) -> int:
        while True:
            m = mid * 1_000_000 + self.rng.randrange(100_000, 999_999)
            if m not in self.used:
                self.used.add(m)
                return m

    def ship(self, mid: int, lat: float, lon: float, legs: list[Leg], **kw: Any) -> Ship:
        m = kw.pop("mmsi", None) or self.mmsi(mid)
        s = Ship(
            m,
            kw.pop("name", f"SYNTH {len(self.ships) + 1}"),
            kw.pop("imo", 9_100_000 + len(self.ships)),
            lat,
            lon,
            legs,
            **kw,
        )
        self.ships.append(s)
        return s

    def iso(self, t: int) -> str:
        return datetime.fromtimestamp(self.start_s + t, UTC).isoformat()

    def event(self, kind: str, mmsi: int, start: int, end: int | None, **kw: Any) -> None:
        row = {
            "type": kind,
            "mmsi": mmsi,
            "start": self.iso(start),
            "end": self.iso(end) if end is not None else None,
        }
        row.update(kw)
        self.truth.append(row)

    def background(self, box: tuple[float, float, float, float], n: int, mids: tuple[int, ...]) -> list[Ship]:
        out = []
        for _ in range(n):
            lat = self.rng.uniform(box[0] + 0.05, box[1] - 0.05)
            lon = self.rng.uniform(box[2] + 0.1, box[3] - 0.1)
            course = self.rng.choice([35.0, 80.0, 125.0, 170.0, 215.0, 260.0, 305.0, 350.0])
            speed = round(self.rng.uniform(9.0, 14.0), 1)
            out.append(
                self.ship(
                    self.rng.choice(mids),
                    lat,
                    lon,
                    [Leg(0, "bounce", course, speed, box)],
                    first_s=self.rng.randrange(0, REPORT_S),
                )
            )
        return out


def _box(lat: float, lon: float, dlat: float, dlon: float) -> tuple[float, float, float, float]:
    return (lat - dlat, lat + dlat, lon - dlon, lon + dlon)


def _round_one(p: _Plan, d0: int) -> None:
    """Plant one round of episodes on days ``d0`` and ``d0 + 1`` (seconds from the start)."""
    d1 = d0 + DAY
    bx = BARENTS_BOX
    # -- gaps ----------------------------------------------------------------------------------
    g1 = p.ship(273, 72.8, 34.0, [Leg(0, "bounce", 80.0, 10.0, bx)], first_s=d0)
    g1.legs += [Leg(d0 + 6 * H + REPORT_S, "silent"), Leg(d0 + 14 * H, "bounce", 80.0, 10.0, bx)]
    p.event("gap", g1.mmsi, d0 + 6 * H, d0 + 14 * H, likely_disabling=False, is_open=False)
    decoy = p.ship(412, 73.2, 38.0, [Leg(0, "bounce", 215.0, 11.0, bx)], first_s=d0)
    decoy.legs += [
        Leg(d0 + 8 * H + REPORT_S, "silent"),
        Leg(d0 + 8 * H + 5 * H + 59 * 60, "bounce", 215.0, 11.0, bx, anchor=True),
    ]
    p.decoys.append(
        {"type": "gap", "mmsi": decoy.mmsi, "start": p.iso(d0 + 8 * H), "note": "silent 5 h 59 min"}
    )
    # far from shore among others, 14 h: escorts keep reception good around the start
    g2_at = (73.0, 36.0)
    g2 = p.ship(
        412,
        *g2_at,
        [Leg(0, "bounce", 90.0, 10.0, _box(*g2_at, 0.15, 0.3))],
        first_s=d1 + 2 * H - 6 * REPORT_S,
    )
    g2.legs += [Leg(d1 + 2 * H + REPORT_S, "silent"), Leg(d1 + 16 * H, "bounce", 90.0, 10.0, bx)]
    p.event("gap", g2.mmsi, d1 + 2 * H, d1 + 16 * H, likely_disabling=True, is_open=False)
    p.background(_box(*g2_at, 0.2, 0.4), 3, (257, 258, 231))
    # near the coast among others, 13 h
    g3_at = (65.1, 10.0)
    g3_box = _box(*g3_at, 0.15, 0.4)
    g3 = p.ship(273, *g3_at, [Leg(0, "bounce", 45.0, 10.0, g3_box)], first_s=d1 + 3 * H - 6 * REPORT_S)
    g3.legs += [Leg(d1 + 3 * H + REPORT_S, "silent"), Leg(d1 + 16 * H, "bounce", 45.0, 10.0, g3_box)]
    p.event("gap", g3.mmsi, d1 + 3 * H, d1 + 16 * H, likely_disabling=False, is_open=False)
    p.background(_box(*g3_at, 0.2, 0.5), 3, (257, 259))
    # silent for the last 10 h of the data
    o1 = p.ship(413, 72.9, 39.0, [Leg(0, "bounce", 300.0, 9.5, bx)], first_s=d0)
    if d1 + DAY == p.end_s:
        o1.last_s = p.end_s - 10 * H
        p.event("gap", o1.mmsi, p.end_s - 10 * H, None, likely_disabling=False, is_open=True)
    # -- encounter and its decoy ---------------------------------------------------------------
    meet = d0 + 10 * H
    P = (73.0, 37.0)
    off = 0.0018  # 200 m north
    approach = 10.0 * 1.0 / 60.0 / math.cos(math.radians(P[0]))  # 10 nm of longitude, in degrees
    e1 = p.ship(
        273,
        P[0],
        P[1] - approach,
        [
            Leg(meet - H, "go", 90.0, 10.0),
            Leg(meet, "go", 90.0, 1.0, alternate_s=900),
            Leg(meet + 3 * H, "go", 200.0, 10.0),
            Leg(meet + 4 * H, "bounce", 200.0, 10.0, bx),
        ],
        first_s=meet - H,
    )
    e2 = p.ship(
        412,
        P[0] + off,
        P[1] + approach,
        [
            Leg(meet - H, "go", 270.0, 10.0),
            Leg(meet, "go", 90.0, 1.0, alternate_s=900),
            Leg(meet + 3 * H, "go", 20.0, 10.0),
            Leg(meet + 4 * H, "bounce", 20.0, 10.0, bx),
        ],
        first_s=meet - H,
    )
    a, b = sorted((e1.mmsi, e2.mmsi))
    p.event("encounter", a, meet, meet + 3 * H, mmsi2=b)
    p.event("loitering", e1.mmsi, meet, meet + 3 * H)
    p.event("loitering", e2.mmsi, meet, meet + 3 * H)
    fmeet = d0 + 14 * H
    F = (72.7, 34.5)
    f1 = p.ship(
        257,
        F[0],
        F[1] - approach,
        [
            Leg(fmeet - H, "go", 90.0, 10.0),
            Leg(fmeet, "go", 90.0, 1.0, alternate_s=900),
            Leg(fmeet + 100 * 60, "bounce", 200.0, 10.0, bx),
        ],
        first_s=fmeet - H,
    )
    f2 = p.ship(
        273,
        F[0] + off,
        F[1] + approach,
        [
            Leg(fmeet - H, "go", 270.0, 10.0),
            Leg(fmeet, "go", 90.0, 1.0, alternate_s=900),
            Leg(fmeet + 100 * 60, "bounce", 20.0, 10.0, bx),
        ],
        first_s=fmeet - H,
    )
    p.decoys.append(
        {
            "type": "encounter",
            "mmsi": min(f1.mmsi, f2.mmsi),
            "mmsi2": max(f1.mmsi, f2.mmsi),
            "start": p.iso(fmeet),
            "note": "together 1 h 40 min",
        }
    )
    # -- loitering over the Svalbard Undersea Cable System ---------------------------------------
    C = (71.5797, 14.4001)
    lt = d1 + 8 * H
    ln = 20.0 / 60.0  # 20 nm south, in degrees of latitude
    lbox = (71.0, 72.2, 10.0, 16.0)
    l1 = p.ship(
        273,
        C[0] - ln,
        C[1],
        [
            Leg(lt - 2 * H, "go", 0.0, 10.0),
            Leg(lt, "go", 0.0, 0.8, alternate_s=900),
            Leg(lt + 5 * H, "bounce", 300.0, 10.0, lbox),
        ],
        first_s=lt - 2 * H,
    )
    p.event("loitering", l1.mmsi, lt, lt + 5 * H)
    p.event("cable", l1.mmsi, lt, lt + 5 * H - REPORT_S, zone="Svalbard Undersea Cable System")
    # -- zone crossings (due north or south: latitude is linear in time) -------------------------
    crossings = [
        (
            257,
            65.9,
            5.0,
            [(d0 + 2 * H, 0.0, 12.0), (d0 + 8 * H, 180.0, 12.0)],
            (65.2, 66.1, 3.0, 7.0),
            d0 + 14 * H,
        ),
        (273, 73.6, 30.0, [(d1 + 1 * H, 0.0, 11.0)], (74.1, 74.9, 28.0, 33.0), d1 + 6 * H),
        (273, 64.6, -168.5, [(d1 + 2 * H, 0.0, 12.0)], (67.2, 68.0, -170.0, -167.0), d1 + 17 * H),
        (231, 61.5, -10.0, [(d1 + 1 * H, 0.0, 12.0)], (65.1, 65.6, -10.6, -9.4), d1 + 21 * H),
    ]
    for mid, lat, lon, moves, box, settle in crossings:
        legs = [Leg(t, "go", c, v) for t, c, v in moves] + [Leg(settle, "bounce", 45.0, 10.0, box)]
        p.ship(mid, lat, lon, legs, first_s=moves[0][0])
    # -- identity: a renamed vessel; a hull re-flagged from Norway to Russia ---------------------
    r1 = p.ship(257, 73.3, 35.0, [Leg(0, "bounce", 125.0, 12.0, bx)], first_s=d0, name="NORDKAPP")
    r1.renames.append((d1 + 12 * H, "SEVERNY"))
    p.event("identity_change", r1.mmsi, d1 + 12 * H, d1 + 12 * H, zone="name")
    hull = 9_800_000 + p.rng.randrange(1000, 9999)
    g2_box = _box(*g2_at, 0.15, 0.3)  # among the escorts: reception around is good
    r2a = p.ship(257, *g2_at, [Leg(0, "bounce", 260.0, 12.0, g2_box)], first_s=d0, imo=hull, name="POLARIS")
    r2a.last_s = d1 + 6 * H
    # the old MMSI falls silent for good, far from shore among other vessels, for 18 h or more
    p.event("gap", r2a.mmsi, d1 + 6 * H, None, likely_disabling=True, is_open=True)
    switch = d1 + 6 * H + REPORT_S
    _t, lat, lon, _s, _c = fixes(r2a, p.end_s)[-1]
    r2b = p.ship(
        273, lat, lon, [Leg(switch, "bounce", 260.0, 12.0, bx)], first_s=switch, imo=hull, name="POLARIS"
    )
    p.event("identity_change", r2b.mmsi, switch, switch, zone="flag")
    # -- a bad fix; two ships on one MMSI ---------------------------------------------------------
    j1 = p.ship(259, 72.7, 36.5, [Leg(0, "bounce", 35.0, 11.0, bx)], first_s=d0)
    bad = d0 + 12 * H + 30
    j1.extra.append((bad, 75.5, 36.5, 11.0))
    p.event("position_jump", j1.mmsi, bad, bad)
    s_mmsi = p.mmsi(414)
    p.ship(414, 72.6, 33.5, [Leg(0, "bounce", 80.0, 10.0, (72.5, 72.8, 33.0, 35.0))], first_s=d0, mmsi=s_mmsi)
    s0, s1 = d0 + 16 * H, d0 + 19 * H
    sb = Ship(
        s_mmsi, "TWIN", 0, 73.4, 36.0, [Leg(s0, "go", 90.0, 9.0)], first_s=s0 + 90, last_s=s1, statics=False
    )
    p.ships.append(sb)
    p.event("position_jump", s_mmsi, s0 + 90, s0 + 90)
    p.event("shared_mmsi", s_mmsi, s0 + 90 + REPORT_S, s1 - REPORT_S + 90)


@dataclass
class Scenario:
    """The generated ships, the planted events and the decoys."""

    seed: int
    days: int
    start: datetime
    ships: list[Ship]
    truth: list[dict[str, Any]]
    decoys: list[dict[str, Any]]

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)

    def manifest(self) -> dict[str, Any]:
        return {
            "synthetic": True,
            "generator": "veille.core.events.scenario",
            "seed": self.seed,
            "days": self.days,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "report_s": REPORT_S,
            "vessels": len({s.mmsi for s in self.ships}),
            "events": self.truth,
            "decoys": self.decoys,
        }

    def lines(self) -> Iterator[bytes]:
        """NMEA lines in time order (tag blocks ``s:synthetic``, ``c:`` time)."""
        start_s = int(self.start.timestamp())
        end_s = self.days * DAY
        items: list[tuple[int, int, int, Any]] = []
        for ship in self.ships:
            name = ship.name
            renames = sorted(ship.renames)
            last_static = -(10**9)
            for t, lat, lon, sog, cog in fixes(ship, end_s):
                if t >= end_s:
                    continue
                second = (start_s + t) % 60
                msg = PositionReport(
                    1,
                    0,
                    ship.mmsi,
                    0,
                    0,
                    round(sog, 1),
                    True,
                    lon,
                    lat,
                    round(cog, 1),
                    round(cog) % 360,
                    second,
                    0,
                    False,
                    0,
                )
                items.append((t, ship.mmsi, 0, msg))
                while renames and renames[0][0] <= t:
                    name = renames.pop(0)[1]
                    last_static = -(10**9)
                if ship.statics and t - last_static >= 6 * H:
                    last_static = t
                    items.append((t, ship.mmsi, 1, _static(ship, name)))
        items.sort(key=lambda x: (x[0], x[1], x[2]))
        for n, (t, _m, _kind, msg) in enumerate(items):
            yield from encode_message(
                msg, source=SOURCE, time_s=start_s + t, channel="AB"[n % 2], seq_id=n % 10
            )


def _static(ship: Ship, name: str) -> StaticVoyageData:
    return StaticVoyageData(
        5,
        0,
        ship.mmsi,
        0,
        ship.imo,
        f"SY{ship.mmsi % 10000}",
        name,
        70,
        90,
        20,
        8,
        8,
        1,
        1,
        15,
        12,
        0,
        7.5,
        "TROMSO",
        False,
    )


def generate(days: int = 2, seed: int = 1, start: datetime = START, background: int = 16) -> Scenario:
    """A scenario of ``days`` days (even, at least 2) from ``seed``.

    >>> s = generate(days=2, seed=3)
    >>> sorted({e["type"] for e in s.truth})[:3], s.manifest()["synthetic"]
    (['cable', 'encounter', 'gap'], True)
    """
    if days < 2 or days % 2:
        raise ValueError("days must be even and at least 2 (each round of planted events takes two days)")
    p = _Plan(seed, days, start)
    p.background(BARENTS_BOX, background, (257, 258, 259, 273, 412, 231, 251, 230))
    for r in range(days // 2):
        _round_one(p, r * 2 * DAY)
    _zone_truth(p, shipped_zones())
    p.truth.sort(key=lambda e: (e["start"], e["type"], e["mmsi"]))
    return Scenario(seed, days, start, p.ships, p.truth, p.decoys)


def _zone_truth(p: _Plan, zones: Zones) -> None:
    """Entries and exits of the planted crossings, computed from the routes: each crossing leg runs
    due north or south at constant speed, so the time it meets a zone boundary follows from the
    boundary's latitude at that longitude; the event is marked by the first fix at or after
    that time (on the boundary counts as inside). Every other ship must stay on one side of every
    boundary (checked on its fixes)."""
    for ship in p.ships:
        fx = [f for f in fixes(ship, p.end_s) if f[0] < p.end_s]
        crossing_legs = [g for g in ship.legs if g.kind == "go" and g.course in (0.0, 180.0) and g.speed >= 5]
        for j, geom in enumerate(zones.index.geoms):
            zid = zones.ids[j]
            if not fx:
                continue
            inside = set(shapely.intersects_xy(geom, [f[2] for f in fx], [f[1] for f in fx]).tolist())
            if len(inside) == 1:
                continue
            if not crossing_legs or ship.extra:
                raise AssertionError(f"ship {ship.mmsi} crosses {zid} outside a planted crossing")
            times = [f[0] for f in fx]
            cross: list[float] = []
            legs = sorted(ship.legs, key=lambda g: g.start_s)
            for k, leg in enumerate(legs):
                if leg not in crossing_legs:
                    continue
                t_a, t_b = leg.start_s, legs[k + 1].start_s if k + 1 < len(legs) else p.end_s
                la = next(f for f in fx if f[0] == t_a)
                lb = next(f for f in fx if f[0] == t_b)
                path = shapely.LineString([(la[2], la[1]), (lb[2], lb[1])])
                hits = shapely.get_coordinates(path.intersection(geom.boundary))
                for _x, y in hits:
                    tc = t_a + (y - la[1]) / (lb[1] - la[1]) * (t_b - t_a)
                    cross.append(tc)
            entry_t: int | None = None
            was_inside = bool(shapely.intersects_xy(geom, fx[0][2], fx[0][1]))
            for tc in sorted(cross):
                if not was_inside:
                    t = next(x for x in times if x >= tc)
                    entry_t = t
                    p.event("zone_entry", ship.mmsi, t, t, zone=zid)
                else:
                    t = next(x for x in times if x > tc)
                    start = entry_t if entry_t is not None else times[0]
                    p.event("zone_exit", ship.mmsi, start, t, zone=zid, entered=entry_t is not None)
                    entry_t = None
                was_inside = not was_inside
