"""The HTTP API, versioned under ``/api/v1/``, documented by OpenAPI at ``/api/v1/docs``.

Authentication: a bearer token (``Authorization: Bearer vl_…``, created on the "API tokens" page or
with ``veille token create USER``) or the browser session (with its CSRF token for writes).
Every error has one body shape: ``{"error": {"code", "type", "message", "field", "where"}}``.
Limits: every text and list of a body, a query or a path has its ``maxLength`` or ``maxItems`` in
this schema; a value over it is a 422 naming the field, a body over ``VEILLE_MAX_BODY_BYTES`` a 413.
Amounts are plain decimals only, as text: ``"1000.50"`` (ASCII digits, an optional ``.`` and
decimals); ``1,000``, ``1 000``, ``1_000`` and other scripts' digits are a 422 naming the field.
Each app's ``api.py`` router is mounted at ``/api/v1/<app>/``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from veille.core.errors import VeilleError
from veille.kit.registry import app_modules
from veille.nations.services import authenticate_token
from veille.web import audit_api, claims_api

logger = logging.getLogger("veille.api")


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user  # type: ignore[assignment]
        return user


api = NinjaAPI(
    title="veille API",
    version="1",
    description=__doc__ or "",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    # no deep links: each operation's path would be a link inside its summary button, a control
    # nested in a control (axe-core: nested-interactive)
    docs=Swagger(settings={"deepLinking": False}),
)


def error_body(
    code: str, message: str, *, type_: str, field: str | None = None, where: str | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "type": type_, "message": message, "field": field, "where": where}}


@api.exception_handler(VeilleError)
def _veille_error(request: HttpRequest, exc: VeilleError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.http_status)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = (
        "authentication required: send 'Authorization: Bearer <token>' (create a token on the "
        "'API tokens' page) or use a logged-in browser session"
    )
    if request.headers.get("Authorization"):
        message = "the token is unknown, revoked or malformed"
    response = api.create_response(
        request, error_body("unauthenticated", message, type_="Unauthenticated"), status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="veille"'
    return response


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", [])]
    field = loc[-1] if loc else None
    message = first.get("msg", "invalid request")
    body = error_body("invalid", message, type_="InvalidInput", field=field, where=".".join(loc) or None)
    body["error"]["details"] = [{"loc": e.get("loc"), "msg": e.get("msg")} for e in exc.errors]
    return api.create_response(request, body, status=422)


@api.exception_handler(DjangoPermissionDenied)
def _django_forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    message = str(exc) or "you may not see or change this"
    return api.create_response(
        request, error_body("forbidden", message, type_="PermissionDenied"), status=403
    )


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Any other failure: logged with its traceback, answered with the one error body (never the
    pages' HTML, never the exception's text)."""
    logger.exception("API %s %s failed", request.method, request.path, exc_info=exc)
    body = error_body("server_error", "the server failed; the error has been logged", type_="ServerError")
    body["error"]["where"] = request.path
    return api.create_response(request, body, status=500)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "bad_request",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
    }
    code = codes.get(exc.status_code, "error")
    return api.create_response(request, error_body(code, str(exc), type_="HttpError"), status=exc.status_code)


for _label, _module in app_modules("api"):
    api.add_router(f"/{_label}/", _module.router)
# the shell's routers: the audit trail (read by coordinators and administrators), and the press
# report's claims, which gather several mechanisms, at the address they had under support
api.add_router("/audit/", audit_api.router)
api.add_router("/support/", claims_api.router)
