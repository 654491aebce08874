"""AIS: reading NMEA 0183 feeds and decoding ITU-R M.1371-5 messages, in pure Python and NumPy.

- :mod:`.nmea` parses one line (tag blocks, checksums, ``$PGHP``), :mod:`.reader` reassembles
  multi-part messages over batches of lines, :mod:`.sources` reads files, gzip, stdin and TCP.
- :mod:`.decode` decodes every message type 1-27 into the records of :mod:`.messages` and
  :mod:`.messages_link`; :mod:`.fast` decodes position reports (1, 2, 3, 18, 19, 27) for whole
  batches at once with NumPy.
- :mod:`.mid` maps an MMSI to its flag state; :mod:`.encode` writes NMEA (for the seeded
  generator of synthetic traffic in :mod:`.synth`).
"""

from typing import TYPE_CHECKING, Any

from .nmea import Reject, RejectReason
from .reader import AisReader, RawMessage

if TYPE_CHECKING:
    from .decode import DecodeError, decode_payload

__all__ = ["AisReader", "DecodeError", "RawMessage", "Reject", "RejectReason", "decode_payload"]


def __getattr__(name: str) -> Any:
    """The per-message decoder, imported when first asked for: a command that decodes whole
    batches (``veille ais ingest``) starts without building its message records."""
    if name in ("DecodeError", "decode_payload"):
        from . import decode

        return getattr(decode, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
