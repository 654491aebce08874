"""Security headers on every response, a rate limit on writes, and the input every view may trust:
no NUL nor lone surrogate, no body or field over its size limit."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from veille.core.errors import InvalidInput, VeilleError
from veille.kit.addresses import client_address
from veille.kit.limits import MAX_LIST_ITEMS, MAX_TEXT_CHARS
from veille.kit.memo import remembering

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


class RequestMemoryMiddleware:
    """A read (``GET``, ``HEAD``) remembers the answers of the :func:`veille.kit.memo.per_request`
    reads it makes: a page that asks for the tracker releases in use four times reads them once."""

    READ_METHODS = frozenset({"GET", "HEAD"})

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in self.READ_METHODS:
            return self.get_response(request)
        with remembering():
            return self.get_response(request)


class RateLimitMiddleware:
    """At most ``VEILLE_RATE_LIMIT_PER_MINUTE`` writes (POST, PUT, PATCH, DELETE) per client address
    and minute; the login form counts as a write. Reads are not limited."""

    WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in self.WRITE_METHODS:
            address = client_address(request) or "unknown"
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


_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _bad_text(text: str) -> bool:
    """A NUL character, or a lone UTF-16 surrogate (``"\\ud800"`` in JSON: not a character, and no
    database or encoder takes it)."""
    return "\x00" in text or _SURROGATE.search(text) is not None


def _nul_in(value: Any, path: str = "") -> str | None:
    """The path (``a.b[2]``) of the first key or string holding a NUL character or a lone surrogate
    in decoded JSON."""
    if isinstance(value, str):
        return path if _bad_text(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if _bad_text(str(key)):
                return _SURROGATE.sub("?", where)
            found = _nul_in(item, where)
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _nul_in(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


class NullCharactersMiddleware:
    """Refuse a NUL character (``%00``, ``\\u0000``) in a query string, a form or a JSON body, and a
    lone UTF-16 surrogate (``\\ud800``) in a JSON body: no field of veille holds one, PostgreSQL
    refuses NULs in text and no encoder writes a lone surrogate, which would otherwise surface as a
    server error deep in a query."""

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
        field = self._in_body(request)
        if field is not None:
            message = _(
                "The field %(name)s contains a NUL character or a lone surrogate (\\ud800-\\udfff), "
                "which is not text."
            ) % {"name": repr(field)}
            error = InvalidInput(message, field=field.replace("\x00", ""), where="body")
            return _refuse(request, error, page_status=400)
        return self.get_response(request)

    @staticmethod
    def _in_body(request: HttpRequest) -> str | None:
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        kind = request.content_type or ""
        # (a multipart body is left to its view: parsing it here would consume the stream that
        # the view reads, and reading it whole would hold an upload in memory)
        if kind == "application/x-www-form-urlencoded":
            return next(
                (k for k, values in request.POST.lists() if "\x00" in k or any("\x00" in v for v in values)),
                None,
            )
        if kind == "application/json" and (
            b"\\u0000" in request.body or b"\x00" in request.body or _ESCAPED_SURROGATE.search(request.body)
        ):
            try:
                return _nul_in(json.loads(request.body))
            except ValueError:  # not JSON: the view says so
                return None
        return None


class BodyTooLarge(VeilleError):
    code = "too_large"
    http_status = 413


def _over_limit(value: Any, path: str = "") -> tuple[str, str] | None:
    """The path of the first text or list of decoded JSON over the generic limits, and what it is."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            return path, f"{len(value):,} characters; at most {MAX_TEXT_CHARS:,}"
        return None
    if isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            return path, f"{len(value):,} elements; at most {MAX_LIST_ITEMS:,}"
        for i, item in enumerate(value):
            found = _over_limit(item, f"{path}[{i}]")
            if found:
                return found
    if isinstance(value, dict):
        if len(value) > MAX_LIST_ITEMS:
            return path, f"{len(value):,} entries; at most {MAX_LIST_ITEMS:,}"
        for key, item in value.items():
            found = _over_limit(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    return None


class SizeLimitsMiddleware:
    """A request body over ``VEILLE_MAX_BODY_BYTES`` is refused (413, field ``body``) before it is
    read; in a JSON body, a text over ``MAX_TEXT_CHARS`` characters or a list over ``MAX_LIST_ITEMS``
    elements is refused (422, naming the field). Uploaded files (multipart) are the views' own."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH"):
            kind = request.content_type or ""
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if kind != "multipart/form-data" and length > settings.VEILLE_MAX_BODY_BYTES:
                message = _("The request body is %(size)s bytes; at most %(limit)s are accepted.") % {
                    "size": f"{length:,}",
                    "limit": f"{settings.VEILLE_MAX_BODY_BYTES:,}",
                }
                return _refuse(request, BodyTooLarge(message, field="body", where="body"), page_status=413)
            if kind == "application/json":
                try:
                    decoded = json.loads(request.body)
                except ValueError:  # not JSON: the view says so
                    decoded = None
                found = _over_limit(decoded)
                if found:
                    message = _("The field %(name)s is too long: %(what)s.") % {
                        "name": repr(found[0]),
                        "what": found[1],
                    }
                    error = InvalidInput(message, field=found[0], where="body")
                    return _refuse(request, error, page_status=422)
        return self.get_response(request)
