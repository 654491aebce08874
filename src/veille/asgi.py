"""The ASGI application (``gunicorn veille.asgi:application -k uvicorn_worker.UvicornWorker``, as
``make demo`` serves it): async views such as the Arctic picture's live stream wait on the event
loop, holding no thread."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veille.settings")
application = get_asgi_application()


def _no_kept_connections() -> None:
    """The ASGI server runs each request's sync code in a thread of that request: a database
    connection kept for reuse (``CONN_MAX_AGE``) stays open after its thread has ended, one more
    per request, until PostgreSQL refuses new clients (seen under the load test: 97 idle
    connections for 20 clients). Under ASGI each request closes its connection when it ends."""
    from django.conf import settings
    from django.db import connections

    for alias, values in settings.DATABASES.items():
        values["CONN_MAX_AGE"] = 0
        connections.settings[alias]["CONN_MAX_AGE"] = 0


_no_kept_connections()


def _warm() -> None:
    """Load in each worker, as it starts, what its first request would otherwise load: the URLconf
    (every app's API schemas) and the ECB rates. On the demo these took seconds, which the first
    clients of a fresh worker waited for."""
    from django.urls import get_resolver

    from veille.ledger import rates

    get_resolver().url_patterns  # noqa: B018 (the import of every app's urls and API)
    rates.converter()


_warm()
