"""The shipped industry dataset, imported through the service, as test data."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from veille.industry.importers import IMPORTERS
from veille.kit.importers import ImportSummary, no_progress
from veille.nations.access import Actor

DATA = settings.DATA_DIR / "industry"


@pytest.fixture
def industry(users: dict[str, Any]) -> ImportSummary:
    return IMPORTERS["industry"].run(DATA, Actor.system_process("tests"), no_progress, False)
