"""The ASGI application (``gunicorn veille.asgi:application -k uvicorn_worker.UvicornWorker``, as
``make demo`` serves it): async views such as the Arctic picture's live stream wait on the event
loop, holding no thread."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veille.settings")
application = get_asgi_application()


def _warm() -> None:
    """Load in each worker, as it starts, what its first request would otherwise load: the URLconf
    (every app's API schemas) and the ECB rates. On the demo these took seconds, which the first
    clients of a fresh worker waited for."""
    from django.urls import get_resolver

    from veille.ledger import rates

    get_resolver().url_patterns  # noqa: B018 (the import of every app's urls and API)
    rates.converter()


_warm()
