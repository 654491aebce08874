"""NMEA encoder: typed records -> armoured payloads -> ``!AIVDM`` sentences (with tag blocks).

Used by the seeded generator of synthetic traffic (:mod:`veille.core.ais.synth`) and by the
round-trip tests. Messages 25 and 26, whose layout depends on flags inside the binary data, and
auxiliary-craft message 24 part B are not encoded.
"""

from __future__ import annotations

from .armor import bits_to_payload
from .fields import encode_record
from .messages import AisMessage, StaticDataReportB
from .messages_link import SingleSlotBinaryMessage
from .nmea import nmea_checksum

__all__ = ["MAX_PAYLOAD_CHARS", "EncodeError", "encode_message", "encode_payload", "sentences", "tag_block"]

MAX_PAYLOAD_CHARS = 60  # keeps each sentence within the 82 characters of IEC 61162-1


class EncodeError(ValueError):
    """A record cannot be encoded.

    >>> str(EncodeError("message 25 is not encoded"))
    'message 25 is not encoded'
    """


def encode_payload(msg: AisMessage) -> tuple[bytes, int]:
    """Armoured payload and fill bits of a record.

    >>> from veille.core.ais.decode import decode_payload
    >>> encode_payload(decode_payload(b"15RTgt0PAso;90TKcjM8h6g208CQ"))
    (b'15RTgt0PAso;90TKcjM8h6g208CQ', 0)
    """
    if isinstance(msg, SingleSlotBinaryMessage):
        raise EncodeError(f"message {msg.msg_type} is not encoded")
    if isinstance(msg, StaticDataReportB) and msg.mothership_mmsi is not None:
        raise EncodeError("message 24 part B of an auxiliary craft is not encoded")
    value, nbits = encode_record(msg)
    return bits_to_payload(value, nbits)


def tag_block(
    source: str | None = None, time_s: float | None = None, group: tuple[int, int, int] | None = None
) -> bytes:
    r"""An IEC 62320-1 tag block with its checksum.

    >>> tag_block("synthetic", 1700000000)
    b'\\s:synthetic,c:1700000000*59\\'
    """
    items = []
    if group is not None:
        items.append(f"g:{group[0]}-{group[1]}-{group[2]}")
    if source is not None:
        items.append(f"s:{source}")
    if time_s is not None:
        items.append(f"c:{int(time_s)}")
    body = ",".join(items).encode()
    return b"\\" + body + f"*{nmea_checksum(body):02X}".encode() + b"\\"


def sentences(
    payload: bytes,
    fill_bits: int,
    *,
    talker: str = "AI",
    formatter: str = "VDM",
    channel: str = "A",
    seq_id: int = 0,
    source: str | None = None,
    time_s: float | None = None,
) -> list[bytes]:
    """Split a payload into sentences of at most :data:`MAX_PAYLOAD_CHARS` characters.

    With ``source`` or ``time_s``, each sentence gets a tag block (``s:``, ``c:``, and ``g:`` for
    multi-part messages).

    >>> sentences(b"15RTgt0PAso;90TKcjM8h6g208CQ", 0)
    [b'!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A']
    """
    chunks = [payload[i : i + MAX_PAYLOAD_CHARS] for i in range(0, len(payload), MAX_PAYLOAD_CHARS)] or [b""]
    count = len(chunks)
    seq = str(seq_id % 10) if count > 1 else ""
    out = []
    for i, chunk in enumerate(chunks, 1):
        fill = fill_bits if i == count else 0
        body = f"{talker}{formatter},{count},{i},{seq},{channel},".encode() + chunk + f",{fill}".encode()
        line = b"!" + body + f"*{nmea_checksum(body):02X}".encode()
        if source is not None or time_s is not None:
            group = (i, count, seq_id) if count > 1 else None
            line = tag_block(source, time_s if i == 1 else None, group) + line
        out.append(line)
    return out


def encode_message(msg: AisMessage, **kwargs: object) -> list[bytes]:
    """Encode a record into complete sentences (keyword arguments as for :func:`sentences`).

    >>> from veille.core.ais.decode import decode_payload
    >>> encode_message(decode_payload(b"15RTgt0PAso;90TKcjM8h6g208CQ"), channel="B")[0][:16]
    b'!AIVDM,1,1,,B,15'
    """
    payload, fill = encode_payload(msg)
    return sentences(payload, fill, **kwargs)  # type: ignore[arg-type]
