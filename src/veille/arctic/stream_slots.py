"""How many live streams (``/arctic/stream/``) may be open at once: per user, across every process of
the server, and per process.

A user's slot is an exclusive lock (``flock``) on one of ``VEILLE_STREAMS_PER_USER`` files under
``VEILLE_VAR_DIR/run/streams/``: the processes of one server share them without a table to keep, and
the kernel releases a lock when its process ends, so that a worker killed while streams were open
leaves no slot taken. The per-process bound (``VEILLE_STREAMS_MAX``) keeps one process's open files
and polls within what it can carry.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from veille.arctic.exceptions import StreamsFull, TooManyStreams

__all__ = ["Slot", "acquire", "open_in_process"]

_lock = threading.Lock()
_in_process = 0


def open_in_process() -> int:
    """Slots held by this process."""
    return _in_process


class Slot:
    """A held slot; :meth:`release` gives it back (once; calling it again does nothing)."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        global _in_process
        with _lock:
            if self._fd is None:
                return
            fd, self._fd = self._fd, None
            _in_process -= 1
        os.close(fd)  # closing the file releases its lock


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "run" / "streams"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def acquire(user_id: int) -> Slot:
    """A slot for one more stream of ``user_id``, or :class:`TooManyStreams` (the user has
    ``VEILLE_STREAMS_PER_USER`` open) or :class:`StreamsFull` (this process has ``VEILLE_STREAMS_MAX``)."""
    global _in_process
    per_user, most = settings.VEILLE_STREAMS_PER_USER, settings.VEILLE_STREAMS_MAX
    with _lock:
        if _in_process >= most:
            raise StreamsFull(
                _("The server has as many live streams open as it carries (%(n)d); try again shortly.")
                % {"n": most},
                field="stream",
            )
        _in_process += 1
    folder = _folder()
    for n in range(per_user):
        fd = os.open(folder / f"user-{int(user_id)}.{n}", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return Slot(fd)
    with _lock:
        _in_process -= 1
    raise TooManyStreams(
        _(
            "You have %(n)d live streams open already (the most one user may have); close a page of "
            "the Arctic picture or wait for one to end."
        )
        % {"n": per_user},
        field="stream",
    )
