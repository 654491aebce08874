"""The client's address, as the audit trail, the rate limit and the login lockout record it.

``X-Forwarded-For`` is believed only when the connection comes from a proxy listed in
``VEILLE_TRUSTED_PROXIES`` (addresses or networks, comma-separated). The header is then read from
the right: each hop appended by a trusted proxy is skipped, and the first address that is not a
trusted proxy is the client. A client that sends its own ``X-Forwarded-For`` through the proxies
only adds entries to the left of what they append, so it cannot choose the address recorded.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["Network", "client_address", "parse_networks"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> list[Network]:
    """``["127.0.0.1", "10.0.0.0/8"]`` as networks (raises ``ValueError`` naming a bad entry).

    >>> [str(n) for n in parse_networks(["127.0.0.1", "10.0.0.0/8", "::1"])]
    ['127.0.0.1/32', '10.0.0.0/8', '::1/128']
    """
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not an address or a network such as 10.0.0.0/8") from exc
    return networks


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(text: str, proxies: Sequence[Network]) -> bool:
    ip = _ip(text)
    return ip is not None and any(ip in net for net in proxies)


def client_address(request: HttpRequest, proxies: Sequence[Network] | None = None) -> str | None:
    """The address of the client behind ``request`` (``REMOTE_ADDR`` unless it is a trusted proxy)."""
    proxies = settings.VEILLE_TRUSTED_PROXIES if proxies is None else proxies
    remote = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _trusted(remote, proxies):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if _ip(hop) is None:
            return remote  # a malformed entry: nothing further left can be believed
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else remote
