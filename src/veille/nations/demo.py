"""What ``veille demo`` loads for the nations app: reference nations, then the demo users."""

from __future__ import annotations

from typing import Any

from veille.nations.access import Actor
from veille.nations.services import do_create_demo_users, do_load_reference


def load(console: Any) -> dict[str, object]:
    actor = Actor.system_process("demo")
    counts = do_load_reference(actor)
    created = do_create_demo_users(actor)
    return {"nations": counts, "demo users created": ", ".join(created) or "none (already there)"}
