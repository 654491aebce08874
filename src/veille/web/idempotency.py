"""``Idempotency-Key`` on API writes: a client that retries after a lost answer gets the first answer
again, never a second record.

A write (POST, PUT, PATCH, DELETE under ``/api/``) sent with ``Idempotency-Key: <1-200 printable
ASCII characters>`` by an authenticated user runs in one transaction with the keeping of its answer
(:func:`veille.web.services.do_remember_answer`): either both are kept or neither. The same key on the
same endpoint by the same user then answers the kept status and body, with ``Idempotent-Replayed:
true``, and changes nothing; with another body it is refused (422, field ``Idempotency-Key``). Two
requests racing with one key: the second waits for the first and answers its answer. A server error
(5xx) is not kept: the write was undone, and a retry runs again. Answers are kept
``VEILLE_IDEMPOTENCY_HOURS`` hours.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from veille.nations.services import authenticate_token
from veille.web.models import IdempotentAnswer
from veille.web.services import do_remember_answer

__all__ = ["HEADER", "IdempotencyMiddleware"]

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _refuse(message: str, status: int = 422) -> JsonResponse:
    error = {
        "code": "invalid",
        "type": "InvalidInput",
        "message": message,
        "field": HEADER,
        "where": "header",
    }
    return JsonResponse({"error": error}, status=status)


def _api_user(request: HttpRequest) -> Any:
    """The user behind a bearer token, or the session's (as the API authenticates them)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return authenticate_token(header[7:].strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITES or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not _KEY.match(key):
            return _refuse(f"{HEADER} must be 1 to 200 printable ASCII characters without spaces")
        user = _api_user(request)
        if user is None:
            return self.get_response(request)  # the API answers 401 itself
        endpoint = f"{request.method} {request.path}"
        digest = hashlib.sha256(request.body).hexdigest()
        kept = self._kept(user, endpoint, key)
        if kept is not None:
            return self._replay(kept, digest)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500 or response.streaming:
                    transaction.set_rollback(True)
                    return response
                do_remember_answer(
                    user,
                    endpoint,
                    key,
                    digest,
                    response.status_code,
                    response.get("Content-Type", "application/json"),
                    response.content,
                )
        except IntegrityError:
            # another request with this key won the race and was kept first: this one was undone
            kept = self._kept(user, endpoint, key)
            if kept is None:
                raise
            return self._replay(kept, digest)
        response[HEADER] = key
        return response

    @staticmethod
    def _kept(user: Any, endpoint: str, key: str) -> IdempotentAnswer | None:
        since = timezone.now() - dt.timedelta(hours=settings.VEILLE_IDEMPOTENCY_HOURS)
        return IdempotentAnswer.objects.filter(user=user, endpoint=endpoint, key=key, at__gte=since).first()

    @staticmethod
    def _replay(kept: IdempotentAnswer, digest: str) -> HttpResponse:
        if kept.body_sha256 != digest:
            return _refuse(
                f"this {HEADER} was used for another request body on this endpoint; "
                "use a new key for a new request"
            )
        response = HttpResponse(bytes(kept.answer), status=kept.status, content_type=kept.content_type)
        response[HEADER] = kept.key
        response["Idempotent-Replayed"] = "true"
        return response
