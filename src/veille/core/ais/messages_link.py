"""Typed records of the AIS messages about the data link, safety text and binary applications.

Messages 6, 7, 8, 10, 12-17, 20, 22, 23, 25 and 26 (ITU-R M.1371-5 Annex 8). Binary application
data (6, 8, 17, 25, 26) is kept as ``data`` bytes (left-aligned, zero padded) with ``data_bits``
its exact length; the application identifier (DAC, FI) is decoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .fields import bits, data_bits_field
from .messages import AisMessage

__all__ = [
    "Acknowledgement",
    "AddressedBinaryMessage",
    "AddressedSafetyMessage",
    "AssignmentModeCommand",
    "BinaryBroadcastMessage",
    "ChannelManagementAddressed",
    "ChannelManagementBroadcast",
    "DataLinkManagement",
    "GnssBroadcast",
    "GroupAssignmentCommand",
    "Interrogation",
    "MultiSlotBinaryMessage",
    "SafetyBroadcastMessage",
    "SingleSlotBinaryMessage",
    "UtcDateInquiry",
]


@dataclass(slots=True)
class AddressedBinaryMessage(AisMessage):
    """Message 6: addressed binary message.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"6>jR0600V:C0>da4P106P00", 2)
    >>> (m.dest_mmsi, m.dac, m.fid, m.data_bits)
    (2500912, 235, 10, 48)
    """

    TYPES: ClassVar[tuple[int, ...]] = (6,)
    sequence_number: int = bits(2)
    dest_mmsi: int = bits(30)
    retransmit: bool = bits(1, "b")
    dac: int = bits(10, spare_before=1)
    fid: int = bits(6)
    data: bytes = bits(0, "raw", rest=True)
    data_bits: int = data_bits_field()


@dataclass(slots=True)
class Acknowledgement(AisMessage):
    """Messages 7 (binary) and 13 (safety) acknowledgement: one to four destinations.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"702R5`hwCjq8", 0)
    >>> (m.mmsi_1, m.sequence_1, m.mmsi_2)
    (265538450, 0, None)
    """

    TYPES: ClassVar[tuple[int, ...]] = (7, 13)
    mmsi_1: int = bits(30, spare_before=2)
    sequence_1: int = bits(2)
    mmsi_2: int | None = bits(30, optional=True)
    sequence_2: int | None = bits(2, optional=True)
    mmsi_3: int | None = bits(30, optional=True)
    sequence_3: int | None = bits(2, optional=True)
    mmsi_4: int | None = bits(30, optional=True)
    sequence_4: int | None = bits(2, optional=True)


@dataclass(slots=True)
class BinaryBroadcastMessage(AisMessage):
    """Message 8: binary broadcast message (application identified by DAC and FI).

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"85Mwp`1Kf3aCnsNvBWLi=wQuNhA5t43N`5nCuI=p<IBfVqnMgPGs", 0)
    >>> (m.dac, m.fid, m.data_bits)
    (366, 56, 256)
    """

    TYPES: ClassVar[tuple[int, ...]] = (8,)
    dac: int = bits(10, spare_before=2)
    fid: int = bits(6)
    data: bytes = bits(0, "raw", rest=True)
    data_bits: int = data_bits_field()


@dataclass(slots=True)
class UtcDateInquiry(AisMessage):
    """Message 10: UTC and date inquiry (72 bits).

    >>> from veille.core.ais.decode import decode_payload
    >>> decode_payload(b":5MlU41GMK6@", 0).dest_mmsi
    366832740
    """

    TYPES: ClassVar[tuple[int, ...]] = (10,)
    SPARE_AFTER: ClassVar[int] = 2
    dest_mmsi: int = bits(30, spare_before=2)


@dataclass(slots=True)
class AddressedSafetyMessage(AisMessage):
    """Message 12: addressed safety related message (6-bit text).

    >>> from veille.core.ais.decode import decode_payload
    >>> decode_payload(b"<5?SIj1;GbD07??4", 0).text
    'GOOD'
    """

    TYPES: ClassVar[tuple[int, ...]] = (12,)
    sequence_number: int = bits(2)
    dest_mmsi: int = bits(30)
    retransmit: bool = bits(1, "b")
    text: str = bits(0, "t", spare_before=1, rest=True)


@dataclass(slots=True)
class SafetyBroadcastMessage(AisMessage):
    """Message 14: safety related broadcast message (6-bit text).

    >>> from veille.core.ais.decode import decode_payload
    >>> decode_payload(b">5?Per18=HB1U:1@E=B0m<L", 2).text
    'RCVD YR TEST MSG'
    """

    TYPES: ClassVar[tuple[int, ...]] = (14,)
    text: str = bits(0, "t", spare_before=2, rest=True)


@dataclass(slots=True)
class Interrogation(AisMessage):
    """Message 15: interrogation of one or two stations for up to three messages.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"?5OP=l00052HD00", 2)
    >>> (m.dest_mmsi_1, m.msg_type_1_1)
    (5158, 5)
    """

    TYPES: ClassVar[tuple[int, ...]] = (15,)
    dest_mmsi_1: int = bits(30, spare_before=2)
    msg_type_1_1: int = bits(6)
    slot_offset_1_1: int = bits(12)
    msg_type_1_2: int | None = bits(6, spare_before=2, optional=True)
    slot_offset_1_2: int | None = bits(12, optional=True)
    dest_mmsi_2: int | None = bits(30, spare_before=2, optional=True)
    msg_type_2_1: int | None = bits(6, optional=True)
    slot_offset_2_1: int | None = bits(12, optional=True)


@dataclass(slots=True)
class AssignmentModeCommand(AisMessage):
    """Message 16: assignment mode command for one or two stations.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"@01uEO@mMk7P<P00", 0)
    >>> (m.dest_mmsi_a, m.offset_a, m.increment_a, m.dest_mmsi_b)
    (224251000, 200, 0, None)
    """

    TYPES: ClassVar[tuple[int, ...]] = (16,)
    dest_mmsi_a: int = bits(30, spare_before=2)
    offset_a: int = bits(12)
    increment_a: int = bits(10)
    dest_mmsi_b: int | None = bits(30, optional=True)
    offset_b: int | None = bits(12, optional=True)
    increment_b: int | None = bits(10, optional=True)


@dataclass(slots=True)
class GnssBroadcast(AisMessage):
    """Message 17: GNSS broadcast binary message (DGNSS corrections), position in 1/10 min.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"A02VqLPA4I6C07h5Ed1h<OrsuBTTwS?r:C?w`?la<gno1RTRwSP9:BcurA8a", 0)
    >>> (round(m.lon, 4), round(m.lat, 4), m.data_bits)
    (29.13, 59.9867, 280)
    """

    TYPES: ClassVar[tuple[int, ...]] = (17,)
    lon: float | None = bits(18, "i", divisor=600, na=181 * 600, spare_before=2)
    lat: float | None = bits(17, "i", divisor=600, na=91 * 600)
    data: bytes = bits(0, "raw", spare_before=5, rest=True)
    data_bits: int = data_bits_field()


@dataclass(slots=True)
class DataLinkManagement(AisMessage):
    """Message 20: data link management (one to four slot reservations).

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"Dh3OvjB8IN>4,0*1D".split(b",")[0], 0)
    >>> (m.offset_1, m.number_1, m.timeout_1, m.increment_1)
    (2182, 5, 7, 225)
    """

    TYPES: ClassVar[tuple[int, ...]] = (20,)
    offset_1: int = bits(12, spare_before=2)
    number_1: int = bits(4)
    timeout_1: int = bits(3)
    increment_1: int = bits(11)
    offset_2: int | None = bits(12, optional=True)
    number_2: int | None = bits(4, optional=True)
    timeout_2: int | None = bits(3, optional=True)
    increment_2: int | None = bits(11, optional=True)
    offset_3: int | None = bits(12, optional=True)
    number_3: int | None = bits(4, optional=True)
    timeout_3: int | None = bits(3, optional=True)
    increment_3: int | None = bits(11, optional=True)
    offset_4: int | None = bits(12, optional=True)
    number_4: int | None = bits(4, optional=True)
    timeout_4: int | None = bits(3, optional=True)
    increment_4: int | None = bits(11, optional=True)


@dataclass(slots=True)
class ChannelManagementBroadcast(AisMessage):
    """Message 22 for a region (rectangle corners in degrees; ITU sends them in 1/10 min).

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"F030p:j2N2P5aJR0r;Ww;lN00000", 0)
    >>> (m.channel_a, m.channel_b, round(m.ne_lon, 2), round(m.sw_lat, 2))
    (2087, 2088, -128.5, -57.07)
    """

    TYPES: ClassVar[tuple[int, ...]] = (22,)
    SPARE_AFTER: ClassVar[int] = 23
    channel_a: int = bits(12, spare_before=2)
    channel_b: int = bits(12)
    txrx_mode: int = bits(4)
    power: bool = bits(1, "b")
    ne_lon: float = bits(18, "i", divisor=600)
    ne_lat: float = bits(17, "i", divisor=600)
    sw_lon: float = bits(18, "i", divisor=600)
    sw_lat: float = bits(17, "i", divisor=600)
    addressed: bool = bits(1, "b")
    band_a: bool = bits(1, "b")
    band_b: bool = bits(1, "b")
    zone_size: int = bits(3)


@dataclass(slots=True)
class ChannelManagementAddressed(AisMessage):
    """Message 22 addressed to one or two stations.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"F030p:j2N2P5aJR0r;Ww;lN00000", 0)
    >>> m.addressed
    False
    """

    TYPES: ClassVar[tuple[int, ...]] = (22,)
    SPARE_AFTER: ClassVar[int] = 23
    channel_a: int = bits(12, spare_before=2)
    channel_b: int = bits(12)
    txrx_mode: int = bits(4)
    power: bool = bits(1, "b")
    dest_mmsi_1: int = bits(30)
    dest_mmsi_2: int = bits(30, spare_before=5)
    addressed: bool = bits(1, "b", spare_before=5)
    band_a: bool = bits(1, "b")
    band_b: bool = bits(1, "b")
    zone_size: int = bits(3)


@dataclass(slots=True)
class GroupAssignmentCommand(AisMessage):
    """Message 23: group assignment command for a region (corners in degrees).

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"G02:Kn01R`sn@291nj600000900", 2)
    >>> (m.station_type, m.ship_type, m.interval)
    (6, 0, 9)
    """

    TYPES: ClassVar[tuple[int, ...]] = (23,)
    SPARE_AFTER: ClassVar[int] = 6
    ne_lon: float = bits(18, "i", divisor=600, spare_before=2)
    ne_lat: float = bits(17, "i", divisor=600)
    sw_lon: float = bits(18, "i", divisor=600)
    sw_lat: float = bits(17, "i", divisor=600)
    station_type: int = bits(4)
    ship_type: int = bits(8)
    txrx_mode: int = bits(2, spare_before=22)
    interval: int = bits(4)
    quiet_min: int = bits(4)


@dataclass(slots=True)
class SingleSlotBinaryMessage(AisMessage):
    """Message 25: single slot binary message; ``dest_mmsi``/``app_id`` when addressed/structured.

    >>> from veille.core.ais.decode import decode_payload
    >>> m = decode_payload(b"I6SWo?8P00a3PKpEKEVj0?vNP<65", 0)
    >>> (m.addressed, m.structured, m.dest_mmsi, m.data_bits)
    (True, False, 134218384, 98)
    """

    TYPES: ClassVar[tuple[int, ...]] = (25, 26)
    addressed: bool = bits(1, "b")
    structured: bool = bits(1, "b")
    data: bytes = bits(0, "raw", rest=True)
    data_bits: int = data_bits_field()
    dest_mmsi: int | None = None
    app_id: int | None = None
    comm_state_selector: bool | None = None
    radio_status: int | None = None


MultiSlotBinaryMessage = SingleSlotBinaryMessage
"""Message 26 shares the record of message 25, plus its trailing communication state."""
