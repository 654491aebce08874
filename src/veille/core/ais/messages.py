"""Typed records of the AIS messages that describe ships and stations (ITU-R M.1371-5 Annex 8).

Field names follow the standard's parameter names in snake case, with units in the name where
the standard scales a value (``sog_kn``, ``cog_deg``, ``draught_m``). A value the standard
reserves for "not available" (longitude 181°, SOG 1023, heading 511 …) is ``None``. Positions
are in decimal degrees at full resolution (raw / 600 000 for 1/10 000 min fields).

Messages 1-5, 9, 11, 18, 19, 21, 24 and 27 are here; the others are in
:mod:`veille.core.ais.messages_link`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from .fields import bits

__all__ = [
    "AidToNavigationReport",
    "AisMessage",
    "BaseStationReport",
    "ClassBExtendedReport",
    "ClassBPositionReport",
    "LongRangeReport",
    "PositionReport",
    "SarAircraftReport",
    "StaticDataReportA",
    "StaticDataReportB",
    "StaticVoyageData",
]


def _lon() -> Any:
    return bits(28, "i", divisor=600_000, na=181 * 600_000)


def _lat() -> Any:
    return bits(27, "i", divisor=600_000, na=91 * 600_000)


def _sog() -> Any:
    return bits(10, divisor=10, na=1023)


def _cog() -> Any:
    return bits(12, divisor=10, na=3600)


@dataclass(slots=True)
class AisMessage:
    """Header shared by every message: message ID, repeat indicator, user ID (MMSI).

    >>> from veille.core.ais.decode import decode_payload
    >>> decode_payload(b"15RTgt0PAso;90TKcjM8h6g208CQ").as_dict()["mmsi"]
    371798000
    """

    TYPES: ClassVar[tuple[int, ...]] = ()
    #: spare bits after the last field, written by the encoder so messages have their standard length
    SPARE_AFTER: ClassVar[int] = 0
    msg_type: int = bits(6)
    repeat_indicator: int = bits(2)
    mmsi: int = bits(30)

    def as_dict(self) -> dict[str, Any]:
        """The record as a plain dict (field name -> value).

        >>> from veille.core.ais.decode import decode_payload
        >>> decode_payload(b"15RTgt0PAso;90TKcjM8h6g208CQ").as_dict()["sog_kn"]
        12.3
        """
        return asdict(self)


@dataclass(slots=True)
class PositionReport(AisMessage):
    """Messages 1, 2, 3: position report of a Class A station (168 bits).

    ``rot_ais`` is the transmitted ROT_AIS (±127: turning faster than 5°/30 s without a turn
    indicator; ``None``: not available); :attr:`rot_deg_min` converts it.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"15RTgt0PAso;90TKcjM8h6g208CQ")
    >>> (m.lat, m.lon, m.cog_deg, m.heading_deg)
    (48.38163333333333, -123.39538333333333, 224.0, 215)
    """

    TYPES: ClassVar[tuple[int, ...]] = (1, 2, 3)
    nav_status: int = bits(4)
    rot_ais: int | None = bits(8, "i", na=-128)
    sog_kn: float | None = _sog()
    position_accuracy: bool = bits(1, "b")
    lon: float | None = _lon()
    lat: float | None = _lat()
    cog_deg: float | None = _cog()
    heading_deg: int | None = bits(9, na=511)
    second: int = bits(6)
    special_manoeuvre: int = bits(2)
    raim: bool = bits(1, "b", spare_before=3)
    radio_status: int = bits(19)

    @property
    def rot_deg_min(self) -> float | None:
        """Rate of turn in degrees per minute, (ROT_AIS / 4.733)², signed; ``None`` beyond ±126.

        >>> from veille.core.ais.decode import decode_payload
        >>> round(decode_payload(b"13u?etPv2;0n:dDPwUM1U1Cb069D").rot_deg_min, 1)
        -2.9
        """
        rot = self.rot_ais
        if rot is None or abs(rot) > 126:
            return None
        value = (rot / 4.733) ** 2
        return value if rot >= 0 else -value


@dataclass(slots=True)
class BaseStationReport(AisMessage):
    """Message 4 (base station report) and 11 (UTC/date response), 168 bits.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"403OviQuMGCqWrRO9>E6fE700@GO")
    >>> (m.year, m.month, m.day, m.hour, m.minute, m.second)
    (2007, 5, 14, 19, 57, 39)
    """

    TYPES: ClassVar[tuple[int, ...]] = (4, 11)
    year: int | None = bits(14, na=0)
    month: int | None = bits(4, na=0)
    day: int | None = bits(5, na=0)
    hour: int | None = bits(5, na=24)
    minute: int | None = bits(6, na=60)
    second: int | None = bits(6, na=60)
    position_accuracy: bool = bits(1, "b")
    lon: float | None = _lon()
    lat: float | None = _lat()
    epfd: int = bits(4)
    raim: bool = bits(1, "b", spare_before=10)
    radio_status: int = bits(19)


@dataclass(slots=True)
class StaticVoyageData(AisMessage):
    """Message 5: static and voyage related data of a Class A ship (424 bits, two sentences).

    ``imo`` 0 and ``draught_m`` 0 mean "not available" (``None``); ETA parts use the standard's
    "not available" values (month 0, day 0, hour 24, minute 60).

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880", 2)
    >>> (m.name, m.call_sign, m.ship_type, m.draught_m, m.destination)
    ('EVER DIADEM', '3FOF8', 70, 12.2, 'NEW YORK')
    """

    TYPES: ClassVar[tuple[int, ...]] = (5,)
    SPARE_AFTER: ClassVar[int] = 1
    ais_version: int = bits(2)
    imo: int | None = bits(30, na=0)
    call_sign: str = bits(42, "t")
    name: str = bits(120, "t")
    ship_type: int = bits(8)
    to_bow_m: int = bits(9)
    to_stern_m: int = bits(9)
    to_port_m: int = bits(6)
    to_starboard_m: int = bits(6)
    epfd: int = bits(4)
    eta_month: int | None = bits(4, na=0)
    eta_day: int | None = bits(5, na=0)
    eta_hour: int | None = bits(5, na=24)
    eta_minute: int | None = bits(6, na=60)
    draught_m: float | None = bits(8, divisor=10, na=0)
    destination: str = bits(120, "t")
    dte: bool | None = bits(1, "b", optional=True)


@dataclass(slots=True)
class SarAircraftReport(AisMessage):
    """Message 9: standard SAR aircraft position report (168 bits); SOG in whole knots.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"91b55wi;hbOS@OdQAC062Ch2089h")
    >>> (m.altitude_m, m.sog_kn, m.cog_deg)
    (303, 42, 154.5)
    """

    TYPES: ClassVar[tuple[int, ...]] = (9,)
    altitude_m: int | None = bits(12, na=4095)
    sog_kn: int | None = bits(10, na=1023)
    position_accuracy: bool = bits(1, "b")
    lon: float | None = _lon()
    lat: float | None = _lat()
    cog_deg: float | None = _cog()
    second: int = bits(6)
    altitude_sensor: bool = bits(1, "b")
    dte: bool = bits(1, "b", spare_before=7)
    assigned: bool = bits(1, "b", spare_before=3)
    raim: bool = bits(1, "b")
    comm_state_selector: bool = bits(1, "b")
    radio_status: int = bits(19)


@dataclass(slots=True)
class ClassBPositionReport(AisMessage):
    """Message 18: standard Class B equipment position report (168 bits).

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"B5NJ;PP005l4ot5Isbl03wsUkP06")
    >>> (m.mmsi, m.sog_kn, m.cs_unit)
    (367430530, 0.0, True)
    """

    TYPES: ClassVar[tuple[int, ...]] = (18,)
    sog_kn: float | None = bits(10, divisor=10, na=1023, spare_before=8)
    position_accuracy: bool = bits(1, "b")
    lon: float | None = _lon()
    lat: float | None = _lat()
    cog_deg: float | None = _cog()
    heading_deg: int | None = bits(9, na=511)
    second: int = bits(6)
    cs_unit: bool = bits(1, "b", spare_before=2)
    display: bool = bits(1, "b")
    dsc: bool = bits(1, "b")
    band: bool = bits(1, "b")
    msg22: bool = bits(1, "b")
    assigned: bool = bits(1, "b")
    raim: bool = bits(1, "b")
    comm_state_selector: bool = bits(1, "b")
    radio_status: int = bits(19)


@dataclass(slots=True)
class ClassBExtendedReport(AisMessage):
    """Message 19: extended Class B equipment position report (312 bits).

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"C5N3SRgPEnJGEBT>NhWAwwo862PaLELTBJ:V00000000S0D:R220")
    >>> (m.name, m.ship_type, m.sog_kn)
    ('CAPT.J.RIMES', 70, 8.7)
    """

    TYPES: ClassVar[tuple[int, ...]] = (19,)
    SPARE_AFTER: ClassVar[int] = 4
    sog_kn: float | None = bits(10, divisor=10, na=1023, spare_before=8)
    position_accuracy: bool = bits(1, "b")
    lon: float | None = _lon()
    lat: float | None = _lat()
    cog_deg: float | None = _cog()
    heading_deg: int | None = bits(9, na=511)
    second: int = bits(6)
    name: str = bits(120, "t", spare_before=4)
    ship_type: int = bits(8)
    to_bow_m: int = bits(9)
    to_stern_m: int = bits(9)
    to_port_m: int = bits(6)
    to_starboard_m: int = bits(6)
    epfd: int = bits(4)
    raim: bool = bits(1, "b")
    dte: bool = bits(1, "b")
    assigned: bool = bits(1, "b")


@dataclass(slots=True)
class AidToNavigationReport(AisMessage):
    """Message 21: aids-to-navigation report (272-360 bits); ``name`` includes the extension.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"E>jHC=c6:W2h22R`@1:WdP00000Opa@H?KTcP10888e?N0", 4)
    >>> (m.aid_type, m.name, m.virtual_aid)
    (22, 'LUNE DEEP BUOY', False)
    """

    TYPES: ClassVar[tuple[int, ...]] = (21,)
    aid_type: int = bits(5)
    name: str = bits(120, "t")
    position_accuracy: bool = bits(1, "b")
    lon: float | None = _lon()
    lat: float | None = _lat()
    to_bow_m: int = bits(9)
    to_stern_m: int = bits(9)
    to_port_m: int = bits(6)
    to_starboard_m: int = bits(6)
    epfd: int = bits(4)
    second: int = bits(6)
    off_position: bool = bits(1, "b")
    aton_status: int = bits(8)
    raim: bool = bits(1, "b")
    virtual_aid: bool = bits(1, "b")
    assigned: bool = bits(1, "b")
    name_extension: str = bits(0, "t", spare_before=1, rest=True)

    @property
    def full_name(self) -> str:
        """Name followed by its extension (M.1371-5 Table 72).

        >>> AidToNavigationReport(21, 0, 1, 0, "ABC", False, None, None, 0, 0, 0, 0, 0, 60,
        ...     False, 0, False, False, False, "DEF").full_name
        'ABCDEF'
        """
        return self.name + self.name_extension


@dataclass(slots=True)
class StaticDataReportA(AisMessage):
    """Message 24 part A: the name of a Class B ship.

    >>> from veille.core.ais.decode import decode_payload
    >>> decode_payload(b"H42O55i18tMET00000000000000", 2).name
    'PROGUY'
    """

    TYPES: ClassVar[tuple[int, ...]] = (24,)
    SPARE_AFTER: ClassVar[int] = 8
    part_number: int = bits(2)
    name: str = bits(120, "t")


@dataclass(slots=True)
class StaticDataReportB(AisMessage):
    """Message 24 part B: ship type, vendor, call sign and dimensions (or mother ship).

    For an auxiliary craft (MMSI 98MIDxxxx) the dimension bits carry the mother ship's MMSI
    (``mothership_mmsi``) and the dimensions are ``None``.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"H42O55lti4hhhilD3nink000?050")
    >>> (m.ship_type, m.vendor_id, m.call_sign, m.to_bow_m)
    (60, '1D0', 'TC6163', 0)
    """

    TYPES: ClassVar[tuple[int, ...]] = (24,)
    SPARE_AFTER: ClassVar[int] = 2
    part_number: int = bits(2)
    ship_type: int = bits(8)
    vendor_id: str = bits(18, "t")
    unit_model: int = bits(4)
    serial_number: int = bits(20)
    call_sign: str = bits(42, "t")
    to_bow_m: int | None = bits(9)
    to_stern_m: int | None = bits(9)
    to_port_m: int | None = bits(6)
    to_starboard_m: int | None = bits(6)
    epfd: int | None = bits(4, optional=True)
    mothership_mmsi: int | None = None


@dataclass(slots=True)
class LongRangeReport(AisMessage):
    """Message 27: long-range broadcast position report (96 bits), 1/10 min and whole knots/degrees.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"KC5E2b@U19PFdLbL")
    >>> (m.lon, m.lat, m.sog_kn, m.cog_deg)
    (137.02333333333334, 4.84, 57, 167)
    """

    TYPES: ClassVar[tuple[int, ...]] = (27,)
    SPARE_AFTER: ClassVar[int] = 1
    position_accuracy: bool = bits(1, "b")
    raim: bool = bits(1, "b")
    nav_status: int = bits(4)
    lon: float | None = bits(18, "i", divisor=600, na=181 * 600)
    lat: float | None = bits(17, "i", divisor=600, na=91 * 600)
    sog_kn: int | None = bits(6, na=63)
    cog_deg: int | None = bits(9, na=511)
    position_latency: bool = bits(1, "b")
