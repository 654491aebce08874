"""What ``veille demo`` loads for the nations app: the demo users. The reference nations are not
demo data: the migrations load them (``nations/migrations/0002_reference_nations.py``)."""

from __future__ import annotations

from typing import Any

from veille.nations.access import Actor
from veille.nations.services import do_create_demo_users


def load(console: Any) -> dict[str, object]:
    created = do_create_demo_users(Actor.system_process("demo"))
    return {"demo users created": ", ".join(created) or "none (already there)"}
