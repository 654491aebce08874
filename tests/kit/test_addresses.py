"""X-Forwarded-For is believed only from the proxies of VEILLE_TRUSTED_PROXIES."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from veille.audit.models import AuditEvent
from veille.kit.addresses import client_address, parse_networks


def _request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address(_request("203.0.113.7", "198.51.100.1"), []) == "203.0.113.7"


def test_a_client_that_is_not_a_trusted_proxy_cannot_claim_an_address() -> None:
    proxies = parse_networks(["10.0.0.0/8"])
    assert client_address(_request("203.0.113.7", "198.51.100.1"), proxies) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_client_is_the_last_untrusted_hop() -> None:
    proxies = parse_networks(["10.0.0.1", "10.0.0.2"])
    # the client claimed 1.1.1.1; the first proxy appended the client's real address 198.51.100.9
    request = _request("10.0.0.2", "1.1.1.1, 198.51.100.9, 10.0.0.1")
    assert client_address(request, proxies) == "198.51.100.9"


def test_a_malformed_hop_stops_the_walk() -> None:
    proxies = parse_networks(["10.0.0.1"])
    assert client_address(_request("10.0.0.1", "198.51.100.9, not-an-ip"), proxies) == "10.0.0.1"


def test_a_bad_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="not an address"):
        parse_networks(["10.0.0.0/8", "proxy.example"])


def test_the_audit_trail_records_the_connection_not_the_claimed_address(users: Any, settings: Any) -> None:
    settings.VEILLE_TRUSTED_PROXIES = []
    Client(REMOTE_ADDR="203.0.113.7").post(
        "/login/", {"username": "nora", "password": "wrong"}, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert AuditEvent.objects.get(action="login.failure").address == "203.0.113.7"


def test_a_trusted_proxy_passes_the_clients_address_on(users: Any, settings: Any) -> None:
    settings.VEILLE_TRUSTED_PROXIES = parse_networks(["127.0.0.1"])
    Client(REMOTE_ADDR="127.0.0.1").post(
        "/login/", {"username": "nora", "password": "wrong"}, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert AuditEvent.objects.get(action="login.failure").address == "198.51.100.1"
