"""Bit layouts of AIS messages, declared on the record classes and compiled into decoders.

Each field of a record dataclass carries its layout in ``metadata["ais"]`` (:class:`Bits`): width,
how to read it (unsigned, two's complement, flag, 6-bit text, raw bytes), its scaling and the raw
value the standard reserves for "not available" (decoded as ``None``). :func:`compile_decoder`
turns that declaration into straight-line Python (one shift and mask per field), so a record is
decoded without any per-field interpretation loop; :func:`compile_encoder` builds the inverse.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from .armor import sixbit_text, text_sixbit

__all__ = [
    "Bits",
    "Kind",
    "PayloadTooShortError",
    "bits",
    "compile_decoder",
    "data_bits_field",
    "encode_record",
    "layout",
    "min_bits",
]

Kind = Literal["u", "i", "b", "t", "raw"]


class PayloadTooShortError(ValueError):
    """The payload ends before the last mandatory field of its message type.

    >>> str(PayloadTooShortError(1, 100, 168))
    'type 1 payload has 100 bits, at least 168 expected'
    """

    def __init__(self, msg_type: int, nbits: int, needed: int) -> None:
        self.msg_type, self.nbits, self.needed = msg_type, nbits, needed
        super().__init__(f"type {msg_type} payload has {nbits} bits, at least {needed} expected")


@dataclass(frozen=True)
class Bits:
    """Layout of one field: ``width`` bits after ``spare_before`` unused bits.

    ``divisor`` scales the raw integer (value = raw / divisor); ``na`` is the raw value meaning
    "not available"; ``optional`` fields may be cut off by a short payload (then ``None``);
    ``rest`` fields take every remaining bit (text or binary data of variable length).
    """

    width: int
    kind: Kind = "u"
    divisor: int = 1
    na: int | None = None
    spare_before: int = 0
    optional: bool = False
    rest: bool = False


def bits(
    width: int,
    kind: Kind = "u",
    *,
    divisor: int = 1,
    na: int | None = None,
    spare_before: int = 0,
    optional: bool = False,
    rest: bool = False,
) -> Any:
    """Declare a record field with its AIS bit layout (a :func:`dataclasses.field`).

    >>> f = bits(10, divisor=10, na=1023)
    >>> f.metadata["ais"].width, f.metadata["ais"].na
    (10, 1023)
    """
    spec = Bits(width, kind, divisor, na, spare_before, optional, rest)
    return dataclasses.field(metadata={"ais": spec})


def layout(cls: type) -> list[tuple[str, Bits, int]]:
    """Return ``(name, spec, start_bit)`` for each field of a record class, in transmission order.

    >>> from veille.core.ais.messages import PositionReport
    >>> [(n, s) for n, _, s in layout(PositionReport)][:4]
    [('msg_type', 0), ('repeat_indicator', 6), ('mmsi', 8), ('nav_status', 38)]
    """
    out: list[tuple[str, Bits, int]] = []
    pos = 0
    for f in dataclasses.fields(cls):
        spec = f.metadata.get("ais")
        if spec is None:
            continue
        pos += spec.spare_before
        out.append((f.name, spec, pos))
        pos += spec.width
    return out


def min_bits(cls: type) -> int:
    """Number of bits up to the end of the last mandatory field of ``cls``.

    >>> from veille.core.ais.messages import PositionReport
    >>> min_bits(PositionReport)
    168
    """
    end = 0
    for _, spec, start in layout(cls):
        if not spec.optional and not spec.rest:
            end = start + spec.width
    return end


def _expr(spec: Bits, shift: str, mask: int) -> str:
    raw = f"(n >> {shift} & {mask})"
    if spec.kind == "b":
        return f"bool{raw}"
    if spec.kind == "t":
        return f"_text({raw}, {spec.width // 6})"
    if spec.kind == "i":
        half = 1 << (spec.width - 1)
        raw = f"(({raw} ^ {half}) - {half})"
    if spec.na is None and spec.divisor == 1:
        return raw
    value = raw if spec.divisor == 1 else f"_v / {spec.divisor}"
    if spec.na is None:
        return value.replace("_v", raw)
    return f"(None if (_v := {raw}) == {spec.na} else {value if spec.divisor != 1 else '_v'})"


def compile_decoder(cls: type, msg_type_hint: int = 0) -> Any:
    """Build ``decode(n, nbits) -> cls`` for a record class from its declared layout.

    ``n`` holds the payload's ``nbits`` bits, first bit most significant (see
    :func:`veille.core.ais.armor.payload_bits`).

    >>> from veille.core.ais.armor import payload_bits
    >>> from veille.core.ais.messages import PositionReport
    >>> decode = compile_decoder(PositionReport)
    >>> decode(*payload_bits(b"15RTgt0PAso;90TKcjM8h6g208CQ")).mmsi
    371798000
    """
    fields = layout(cls)
    fixed = [(name, spec, start) for name, spec, start in fields if not spec.rest]
    total = max((start + spec.width for _, spec, start in fixed), default=0)
    need = min_bits(cls)
    lines = [
        "def decode(n, nbits):",
        f"    if nbits < {need}:",
        f"        raise _Short(n >> max(nbits - 6, 0) if nbits >= 6 else {msg_type_hint}, nbits, {need})",
        "    n0 = n",
        f"    n = n >> (nbits - {total}) if nbits >= {total} else n << ({total} - nbits)",
    ]
    names = [f.name for f in dataclasses.fields(cls) if "ais" in f.metadata or "width_of" in f.metadata]
    args = ["_w" if "width_of" in f.metadata else "" for f in dataclasses.fields(cls) if f.name in names]
    for i, (name, spec, start) in enumerate(fields):
        var = f"a{i}"
        args[names.index(name)] = var
        if spec.rest:
            if spec.kind == "t":
                lines.append(f"    _w = max(nbits - {start}, 0) // 6")
                lines.append(
                    f"    {var} = _text(n0 >> max(nbits - {start} - 6 * _w, 0) & ((1 << 6 * _w) - 1), _w)"
                )
            else:
                lines.append(f"    _w = max(nbits - {start}, 0)")
                lines.append(f"    {var} = _raw(n0 & ((1 << _w) - 1), _w)")
            continue
        shift = str(total - start - spec.width)
        expr = _expr(spec, shift, (1 << spec.width) - 1)
        if spec.optional:
            lines.append(f"    {var} = {expr} if nbits >= {start + spec.width} else None")
        else:
            lines.append(f"    {var} = {expr}")
    lines.append(f"    return _cls({', '.join(args)})")
    namespace: dict[str, Any] = {
        "_cls": cls,
        "_text": sixbit_text,
        "_raw": _raw_bytes,
        "_Short": PayloadTooShortError,
    }
    # Generated once per record class at import time from the declarations above, never from input.
    exec(compile("\n".join(lines), f"<ais decoder {cls.__name__}>", "exec"), namespace)  # noqa: S102
    return namespace["decode"]


def data_bits_field() -> Any:
    """Declare the field holding the bit length of the preceding variable-length binary ``data``.

    >>> data_bits_field().metadata["width_of"]
    'data'
    """
    return dataclasses.field(metadata={"width_of": "data"})


def _raw_bytes(value: int, width: int) -> bytes:
    """Left-align ``width`` bits into bytes (zero padded at the end), as binary payloads are carried."""
    if width <= 0:
        return b""
    pad = -width % 8
    return (value << pad).to_bytes((width + pad) // 8, "big")


def encode_record(record: Any) -> tuple[int, int]:
    """Pack a record into ``(value, nbits)``, the inverse of the compiled decoder.

    ``None`` is written as the field's "not available" value; absent optional fields end the message.

    >>> from veille.core.ais.decode import decode_payload
    >>> from veille.core.ais.armor import payload_bits
    >>> msg = decode_payload(b"15RTgt0PAso;90TKcjM8h6g208CQ")
    >>> encode_record(msg) == payload_bits(b"15RTgt0PAso;90TKcjM8h6g208CQ")
    True
    """
    value, nbits = 0, 0
    for name, spec, _start in layout(type(record)):
        v = getattr(record, name)
        if spec.optional and v is None:
            break
        if spec.rest:
            if spec.kind == "t":
                text = str(v)
                width = 6 * len(text)
                raw = text_sixbit(text, len(text))
            else:
                data, width = bytes(v), int(getattr(record, "data_bits", 8 * len(v)))
                raw = int.from_bytes(data, "big") >> (8 * len(data) - width) if data else 0
            value = (value << (spec.spare_before + width)) | raw
            nbits += spec.spare_before + width
            continue
        raw = _to_raw(spec, v)
        value = (value << (spec.spare_before + spec.width)) | (raw & ((1 << spec.width) - 1))
        nbits += spec.spare_before + spec.width
    else:
        spare = int(getattr(record, "SPARE_AFTER", 0))
        value, nbits = value << spare, nbits + spare
    return value, nbits


def _to_raw(spec: Bits, v: Any) -> int:
    if v is None:
        return spec.na if spec.na is not None else 0
    if spec.kind == "t":
        return text_sixbit(str(v), spec.width // 6)
    if spec.kind == "b":
        return int(bool(v))
    if spec.divisor != 1:
        return round(float(v) * spec.divisor)
    return int(v)
