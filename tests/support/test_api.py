"""Support's API on the shipped release (the claims, which gather several mechanisms, are the shell's:
tests/web/test_support_pages.py)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_serves_donors(kiel_release28: None, client_as: Any) -> None:
    client = client_as("pawel")
    donors = client.get("/api/v1/support/donors?limit=5").json()
    assert donors["count"] == 42 and donors["items"][0]["donor"] == "USA"
