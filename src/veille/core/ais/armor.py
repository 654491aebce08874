"""Six-bit ASCII armouring of AIS payloads (ITU-R M.1371-5 Annex 8, IEC 61162-1 §8.3.4).

An AIVDM payload carries 6 bits per character: characters ``0``-``W`` map to 0-39 and
``` ``-``w`` to 40-63. That is the same idea as base64 with another alphabet, so the hot
conversions translate to the base64 alphabet and let :mod:`binascii` do the bit packing in C.
"""

from __future__ import annotations

import binascii

__all__ = [
    "ARMOR",
    "SIXBIT_TEXT",
    "ArmorError",
    "bits_to_payload",
    "is_armored",
    "payload_bits",
    "sixbit_text",
    "text_sixbit",
]

_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
#: Armoured characters in 6-bit value order.
ARMOR = bytes(list(range(48, 88)) + list(range(96, 120)))
_TO_B64 = bytes.maketrans(ARMOR, _B64)
_FROM_B64 = bytes.maketrans(_B64, ARMOR)
#: Text alphabet of 6-bit ASCII (value -> character), ITU-R M.1371-5 Table 47.
SIXBIT_TEXT = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"
_TEXT_INDEX = {c: i for i, c in enumerate(SIXBIT_TEXT)}
_B64_TO_TEXT = bytes.maketrans(_B64, SIXBIT_TEXT.encode("ascii"))


class ArmorError(ValueError):
    """A payload holds a character outside the armouring alphabet or inconsistent fill bits.

    >>> str(ArmorError("bad character 'x' in payload"))
    "bad character 'x' in payload"
    """


def is_armored(payload: bytes) -> bool:
    """Tell whether every byte of ``payload`` belongs to the armouring alphabet.

    >>> is_armored(b"15RTgt0PAso;90TKcjM8h6g208CQ"), is_armored(b"15RT gt"), is_armored(b"")
    (True, False, True)
    """
    return not payload.translate(None, ARMOR)


def payload_bits(payload: bytes, fill_bits: int = 0) -> tuple[int, int]:
    """Return the payload as one integer (first bit most significant) and its length in bits.

    The ``fill_bits`` padding bits at the end are removed.

    >>> payload_bits(b"1")
    (1, 6)
    >>> payload_bits(b"w0", fill_bits=2)
    (1008, 10)
    """
    if not is_armored(payload):
        raise ArmorError("character outside the 6-bit armouring alphabet in payload")
    nbits = 6 * len(payload) - fill_bits
    if not 0 <= fill_bits <= 5 or nbits < 0:
        raise ArmorError(f"fill bits {fill_bits} invalid for a payload of {len(payload)} characters")
    if not payload:
        return 0, 0
    chars = payload.translate(_TO_B64)
    pad = -len(chars) % 4
    raw = binascii.a2b_base64(chars + b"A" * pad)
    value = int.from_bytes(raw, "big") >> (6 * pad + fill_bits)
    return value, nbits


def bits_to_payload(value: int, nbits: int) -> tuple[bytes, int]:
    """Armour ``nbits`` bits held in ``value`` (first bit most significant); return payload and fill bits.

    >>> bits_to_payload(1008, 10)
    (b'w0', 2)
    >>> payload_bits(*bits_to_payload(0x2A5, 12))
    (677, 12)
    """
    if nbits < 0 or value < 0 or value >> nbits:
        raise ArmorError(f"value does not fit in {nbits} bits")
    fill = -nbits % 6
    nchars = (nbits + fill) // 6
    if nchars == 0:
        return b"", 0
    pad = -nchars % 4
    total = (nchars + pad) * 6
    raw = (value << (fill + 6 * pad)).to_bytes(total // 8, "big")
    chars = binascii.b2a_base64(raw, newline=False)[:nchars]
    return chars.translate(_FROM_B64), fill


def sixbit_text(value: int, nchars: int) -> str:
    """Decode ``nchars`` 6-bit characters held in ``value``; trailing ``@`` padding and spaces are dropped.

    The 6-bit groups are those of base64, so :mod:`binascii` cuts them and a translation table
    maps them to the text alphabet.

    >>> sixbit_text(0b000001_000010_000000, 3)
    'AB'
    >>> sixbit_text(0, 0)
    ''
    """
    if nchars <= 0:
        return ""
    pad = -nchars % 4
    value &= (1 << (6 * nchars)) - 1
    raw = (value << (6 * pad)).to_bytes((nchars + pad) * 6 // 8, "big")
    chars = binascii.b2a_base64(raw, newline=False)[:nchars]
    return chars.translate(_B64_TO_TEXT).decode("ascii").rstrip("@ ")


def text_sixbit(text: str, nchars: int) -> int:
    """Encode ``text`` into ``nchars`` 6-bit characters, padded with ``@``; unknown characters become ``?``.

    Lower case is folded to upper case, as the 6-bit alphabet has none.

    >>> sixbit_text(text_sixbit("veille", 20), 20)
    'VEILLE'
    """
    value = 0
    text = text.upper()[:nchars].ljust(nchars, "@")
    for ch in text:
        value = (value << 6) | _TEXT_INDEX.get(ch, 31)
    return value
