"""Full decoding of AIS payloads, message types 1-27, into the typed records of
:mod:`veille.core.ais.messages` and :mod:`veille.core.ais.messages_link`.

Decoding never raises anything but :class:`DecodeError` (and its subclasses), whatever the input:
callers count and keep those as rejects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .armor import ArmorError, payload_bits
from .fields import PayloadTooShortError, compile_decoder
from .messages import (
    AidToNavigationReport,
    AisMessage,
    BaseStationReport,
    ClassBExtendedReport,
    ClassBPositionReport,
    LongRangeReport,
    PositionReport,
    SarAircraftReport,
    StaticDataReportA,
    StaticDataReportB,
    StaticVoyageData,
)
from .messages_link import (
    Acknowledgement,
    AddressedBinaryMessage,
    AddressedSafetyMessage,
    AssignmentModeCommand,
    BinaryBroadcastMessage,
    ChannelManagementAddressed,
    ChannelManagementBroadcast,
    DataLinkManagement,
    GnssBroadcast,
    GroupAssignmentCommand,
    Interrogation,
    SafetyBroadcastMessage,
    SingleSlotBinaryMessage,
    UtcDateInquiry,
)

__all__ = ["MESSAGE_CLASSES", "DecodeError", "Decoder", "decode_bits", "decode_payload"]


class DecodeError(ValueError):
    """A payload cannot be decoded; ``reason`` is a short stable key used to count rejects.

    >>> DecodeError("unknown_type", "message type 0").reason
    'unknown_type'
    """

    def __init__(self, reason: str, detail: str) -> None:
        self.reason, self.detail = reason, detail
        super().__init__(f"{reason}: {detail}")


Decoder = Callable[[int, int], Any]

_BY_CLASS: dict[type, Decoder] = {}


def _decoder(cls: type) -> Decoder:
    if cls not in _BY_CLASS:
        _BY_CLASS[cls] = compile_decoder(cls)
    return _BY_CLASS[cls]


def _bit(n: int, nbits: int, index: int) -> int:
    return (n >> (nbits - index - 1)) & 1 if index < nbits else 0


def _type22(n: int, nbits: int) -> Any:
    addressed = _bit(n, nbits, 139)
    return _decoder(ChannelManagementAddressed if addressed else ChannelManagementBroadcast)(n, nbits)


def _type24(n: int, nbits: int) -> Any:
    if nbits < 40:
        raise PayloadTooShortError(24, nbits, 40)
    part = (n >> (nbits - 40)) & 3
    if part == 0:
        return _decoder(StaticDataReportA)(n, nbits)
    if part != 1:
        raise DecodeError("bad_field", f"type 24 part number {part} (only A=0 and B=1 exist)")
    msg: StaticDataReportB = _decoder(StaticDataReportB)(n, nbits)
    if msg.mmsi // 10_000_000 == 98:  # auxiliary craft: dimensions field holds the mother ship's MMSI
        width = 30
        start = 132
        shift = max(nbits - start - width, 0)
        msg.mothership_mmsi = (n >> shift) & ((1 << width) - 1) if nbits >= start + width else None
        msg.to_bow_m = msg.to_stern_m = msg.to_port_m = msg.to_starboard_m = None
    return msg


def _binary_2526(n: int, nbits: int) -> Any:
    msg: SingleSlotBinaryMessage = _decoder(SingleSlotBinaryMessage)(n, nbits)
    value = int.from_bytes(msg.data, "big") >> ((8 - msg.data_bits % 8) % 8)
    width = msg.data_bits
    if msg.msg_type == 26:
        if width < 20:
            raise PayloadTooShortError(26, nbits, 60)
        msg.comm_state_selector = bool((value >> 19) & 1)
        msg.radio_status = value & 0x7FFFF
        value, width = value >> 20, width - 20
    if msg.addressed:
        if width < 30:
            raise PayloadTooShortError(msg.msg_type, nbits, 70)
        msg.dest_mmsi = value >> (width - 30)
        width -= 30
        value &= (1 << width) - 1
    if msg.structured:
        if width < 16:
            raise PayloadTooShortError(msg.msg_type, nbits, nbits - width + 16)
        msg.app_id = value >> (width - 16)
        width -= 16
        value &= (1 << width) - 1
    pad = -width % 8
    msg.data = (value << pad).to_bytes((width + pad) // 8, "big") if width else b""
    msg.data_bits = width
    return msg


_DISPATCH: dict[int, Decoder] = {}
for _cls in (
    PositionReport,
    BaseStationReport,
    StaticVoyageData,
    AddressedBinaryMessage,
    Acknowledgement,
    BinaryBroadcastMessage,
    SarAircraftReport,
    UtcDateInquiry,
    AddressedSafetyMessage,
    SafetyBroadcastMessage,
    Interrogation,
    AssignmentModeCommand,
    GnssBroadcast,
    ClassBPositionReport,
    ClassBExtendedReport,
    DataLinkManagement,
    AidToNavigationReport,
    GroupAssignmentCommand,
    LongRangeReport,
):
    for _t in _cls.TYPES:
        _DISPATCH[_t] = _decoder(_cls)
_DISPATCH[22] = _type22
_DISPATCH[24] = _type24
_DISPATCH[25] = _DISPATCH[26] = _binary_2526


def decode_bits(n: int, nbits: int) -> AisMessage:
    """Decode a payload already unpacked to ``(value, nbits)``.

    >>> decode_bits(*payload_bits(b"KC5E2b@U19PFdLbL")).msg_type
    27
    """
    if nbits < 38:
        raise DecodeError("too_short", f"payload of {nbits} bits has no complete header")
    msg_type = n >> (nbits - 6)
    decoder = _DISPATCH.get(msg_type)
    if decoder is None:
        raise DecodeError("unknown_type", f"message type {msg_type} is not defined in ITU-R M.1371-5")
    try:
        msg: AisMessage = decoder(n, nbits)
    except PayloadTooShortError as exc:
        raise DecodeError(
            "too_short", f"type {msg_type}: {nbits} bits, at least {exc.needed} expected"
        ) from exc
    return msg


def decode_payload(payload: bytes, fill_bits: int = 0) -> AisMessage:
    """Decode one complete (reassembled) AIVDM payload into its typed record.

    >>> m = decode_payload(b"15RTgt0PAso;90TKcjM8h6g208CQ")
    >>> (type(m).__name__, m.mmsi, m.sog_kn, m.nav_status)
    ('PositionReport', 371798000, 12.3, 0)
    >>> decode_payload(b"15RT!")
    Traceback (most recent call last):
    ...
    veille.core.ais.decode.DecodeError: bad_payload: character outside the 6-bit armouring alphabet in payload
    """
    try:
        n, nbits = payload_bits(payload, fill_bits)
    except ArmorError as exc:
        raise DecodeError("bad_payload", str(exc)) from exc
    return decode_bits(n, nbits)


MESSAGE_CLASSES: tuple[type[AisMessage], ...] = (
    PositionReport,
    BaseStationReport,
    StaticVoyageData,
    AddressedBinaryMessage,
    Acknowledgement,
    BinaryBroadcastMessage,
    SarAircraftReport,
    UtcDateInquiry,
    AddressedSafetyMessage,
    SafetyBroadcastMessage,
    Interrogation,
    AssignmentModeCommand,
    GnssBroadcast,
    ClassBPositionReport,
    ClassBExtendedReport,
    DataLinkManagement,
    AidToNavigationReport,
    ChannelManagementBroadcast,
    ChannelManagementAddressed,
    GroupAssignmentCommand,
    StaticDataReportA,
    StaticDataReportB,
    SingleSlotBinaryMessage,
    LongRangeReport,
)
