"""Security headers on every response, and a rate limit on writes."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from veille.core.errors import InvalidInput, VeilleError

Handler = Callable[[HttpRequest], HttpResponse]


class RateLimited(VeilleError):
    code = "rate_limited"
    http_status = 429


def _refuse(request: HttpRequest, error: VeilleError, *, page_status: int) -> HttpResponse:
    """The API's error body (with the error's status) for ``/api/``, the message as text for pages."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": error.as_dict()}, status=error.http_status)
    return HttpResponse(error.message, status=page_status, content_type="text/plain; charset=utf-8")


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy and the headers Django does not set itself."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class RateLimitMiddleware:
    """At most ``VEILLE_RATE_LIMIT_PER_MINUTE`` writes (POST, PUT, PATCH, DELETE) per client address
    and minute; the login form counts as a write. Reads are not limited."""

    WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in self.WRITE_METHODS:
            address = request.META.get("REMOTE_ADDR", "unknown")
            window = int(time.time() // 60)
            key = f"veille:rate:{address}:{window}"
            count = cache.get_or_set(key, 0, timeout=120)
            try:
                count = cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=120)
                count = 1
            if count > settings.VEILLE_RATE_LIMIT_PER_MINUTE:
                message = _("Too many changes from your address in one minute; wait a minute and try again.")
                response = _refuse(request, RateLimited(message, where=request.path), page_status=429)
                response["Retry-After"] = "60"
                return response
        return self.get_response(request)


class NullCharactersMiddleware:
    """Refuse a query string that carries a NUL character (``%00``): no field of veille holds one, and
    PostgreSQL refuses them in text, which would otherwise surface as a server error deep in a query."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = next(
            (k for k, values in request.GET.lists() if "\x00" in k or any("\x00" in v for v in values)), None
        )
        if bad is not None:
            message = _("The query parameter %(name)s contains a NUL character.") % {"name": repr(bad)}
            error = InvalidInput(message, field=bad.replace("\x00", ""), where="query string")
            return _refuse(request, error, page_status=400)
        return self.get_response(request)
