"""Discovery of the hooks each veille app may offer, so that no central list needs editing.

An app ``veille.<app>`` may provide:

* ``api.py`` with ``router`` (a django-ninja Router), mounted at ``/api/v1/<app>/``;
* ``demo.py`` with ``load(console) -> dict`` called by ``veille demo`` in app order;
* ``importers.py`` with ``IMPORTERS``: ``{"kind": Importer}`` for ``veille import KIND PATH``;
* ``summary.py`` with ``home_counts(user) -> list[Count]`` shown on the home page;
* ``claims.py`` with ``claim_checks() -> list[ClaimCheck]``: the press report's sentences that the
  app's data can test, shown on the claims page.

Only the layers that may depend on every app look hooks up: the shell (``veille.web``: home page,
claims page, ``veille demo``, ``veille import``) and the wiring (``veille/urls.py``,
``veille/api.py``). An app never reaches another app through here (DESIGN.md §1). Since the shell
is an app too, its own modules do not take these names.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps

__all__ = ["app_modules", "veille_apps"]


def veille_apps() -> list[str]:
    return [cfg.name for cfg in apps.get_app_configs() if cfg.name.startswith("veille.")]


def app_modules(module: str) -> Iterator[tuple[str, ModuleType]]:
    """Yield (app label, module) for every veille app that has ``<app>/<module>.py``."""
    for name in veille_apps():
        full = f"{name}.{module}"
        if importlib.util.find_spec(full) is not None:
            yield name.rsplit(".", 1)[-1], importlib.import_module(full)
