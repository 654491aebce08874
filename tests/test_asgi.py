"""The ASGI application keeps no database connection past its request (each request's sync code
runs in a thread of its own: kept connections piled up, one per request, until PostgreSQL refused
new clients under the load test), and loads the URLconf as it starts, not at its first request."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.asgi_server import ROOT

PROBE = """
import json, sys
import veille.asgi
from django.db import connections
loaded = [m for m in ("veille.api", "veille.purl.api", "veille.arctic.api") if m in sys.modules]
print(json.dumps({"conn_max_age": connections["default"].settings_dict["CONN_MAX_AGE"], "loaded": loaded}))
"""


def test_the_asgi_application_closes_connections_and_is_warm() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DATABASE_URL="postgres://nobody@127.0.0.1:5432/not_opened",  # settings only: nothing connects
        VEILLE_TEST_DB="sqlite",
        VEILLE_SECRET_KEY="asgi-test-key-" + "k" * 40,
    )
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"conn_max_age": 0, "loaded": ["veille.api", "veille.purl.api", "veille.arctic.api"]}
