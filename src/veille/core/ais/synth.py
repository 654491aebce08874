"""Seeded generator of synthetic AIS traffic, written as NMEA by the real encoder.

Every sentence carries a tag block with ``s:synthetic`` (and ``c:`` its Unix time), so synthetic
traffic can never be mistaken for a capture. Vessels sail straight courses in the Norwegian and
Barents Seas; Class A ships send message 1 every ``report_s`` seconds and message 5 every six
minutes, Class B craft message 18 and message 24 parts A and B. The same seed gives the same bytes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from .encode import encode_message
from .messages import (
    ClassBPositionReport,
    PositionReport,
    StaticDataReportA,
    StaticDataReportB,
    StaticVoyageData,
)

__all__ = ["SOURCE", "generate"]

SOURCE = "synthetic"
_MIDS = (257, 258, 259, 273, 219, 230, 231, 232, 251, 265, 211, 244, 636, 538, 351)
_NAMES = ("POLAR", "NORD", "ARCTIC", "BOREAS", "VARANGER", "FINNMARK", "KOLA", "SVALBARD", "TROMSO", "BERING")


@dataclass(slots=True)
class _Vessel:
    mmsi: int
    class_a: bool
    name: str
    lat: float
    lon: float
    sog_kn: float
    cog_deg: float
    ship_type: int


def _fleet(rng: random.Random, vessels: int) -> list[_Vessel]:
    fleet = []
    for i in range(vessels):
        mid = rng.choice(_MIDS)
        fleet.append(
            _Vessel(
                mmsi=mid * 1_000_000 + rng.randrange(1, 1_000_000),
                class_a=rng.random() < 0.8,
                name=f"{rng.choice(_NAMES)} {i}",
                lat=rng.uniform(66.0, 78.0),
                lon=rng.uniform(-10.0, 45.0),
                sog_kn=round(rng.uniform(0.0, 18.0), 1),
                cog_deg=round(rng.uniform(0.0, 359.9), 1),
                ship_type=rng.choice((30, 52, 60, 70, 80, 35)),
            )
        )
    return fleet


def generate(
    *,
    seed: int = 1,
    vessels: int = 50,
    messages: int = 10_000,
    start_s: float = 1_767_225_600.0,
    report_s: float = 10.0,
) -> Iterator[bytes]:
    """Yield NMEA lines (bytes, no line end) of synthetic traffic, at least ``messages`` messages.

    >>> lines = list(generate(seed=7, vessels=2, messages=3))
    >>> lines[0].startswith(b"\\\\s:synthetic,c:1767225600*")
    True
    >>> lines == list(generate(seed=7, vessels=2, messages=3))
    True
    """
    rng = random.Random(seed)
    fleet = _fleet(rng, vessels)
    emitted = 0
    tick = 0
    seq = 0
    step_s = report_s / max(vessels, 1)
    while emitted < messages:
        for k, v in enumerate(fleet):
            if emitted >= messages:
                return
            t = start_s + tick * report_s + k * step_s
            _move(v, step_s * vessels, rng)
            second = int(t) % 60
            if v.class_a:
                msg: object = PositionReport(
                    1,
                    0,
                    v.mmsi,
                    0,
                    0,
                    v.sog_kn,
                    True,
                    v.lon,
                    v.lat,
                    v.cog_deg,
                    round(v.cog_deg) % 360,
                    second,
                    0,
                    False,
                    0,
                )
            else:
                msg = ClassBPositionReport(
                    18,
                    0,
                    v.mmsi,
                    v.sog_kn,
                    True,
                    v.lon,
                    v.lat,
                    v.cog_deg,
                    None,
                    second,
                    True,
                    False,
                    False,
                    True,
                    True,
                    False,
                    False,
                    True,
                    393222,
                )
            yield from encode_message(msg, source=SOURCE, time_s=t, channel="AB"[emitted % 2])  # type: ignore[arg-type]
            emitted += 1
            if tick % 36 == k % 36 and emitted < messages:
                seq += 1
                for static in _statics(v):
                    yield from encode_message(static, source=SOURCE, time_s=t, seq_id=seq)  # type: ignore[arg-type]
                    emitted += 1
        tick += 1


def _move(v: _Vessel, dt_s: float, rng: random.Random) -> None:
    dist_deg = v.sog_kn * dt_s / 3600.0 / 60.0
    v.lat = max(-89.9, min(89.9, v.lat + dist_deg * math.cos(math.radians(v.cog_deg))))
    coslat = max(math.cos(math.radians(v.lat)), 0.05)
    v.lon = (v.lon + dist_deg * math.sin(math.radians(v.cog_deg)) / coslat + 180.0) % 360.0 - 180.0
    if rng.random() < 0.01:
        v.cog_deg = round((v.cog_deg + rng.uniform(-30, 30)) % 360.0, 1)
    v.lat, v.lon = round(v.lat * 600_000) / 600_000, round(v.lon * 600_000) / 600_000


def _statics(v: _Vessel) -> list[object]:
    if v.class_a:
        return [
            StaticVoyageData(
                5,
                0,
                v.mmsi,
                0,
                9_000_000 + v.mmsi % 999_999,
                f"LA{v.mmsi % 10000}",
                v.name,
                v.ship_type,
                90,
                20,
                8,
                8,
                1,
                6,
                15,
                12,
                0,
                7.5,
                "HAMMERFEST",
                False,
            )
        ]
    return [
        StaticDataReportA(24, 0, v.mmsi, 0, v.name),
        StaticDataReportB(24, 0, v.mmsi, 1, 37, "VEI", 1, 12345, f"LB{v.mmsi % 10000}", 8, 4, 2, 2, 1),
    ]
