"""The web shell: home, login and logout, API tokens, health check, error pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from veille.core.errors import VeilleError
from veille.kit.registry import app_modules
from veille.nations import services as nation_services
from veille.nations.access import Actor
from veille.nations.models import ApiToken
from veille.notices.queries import for_user
from veille.web.forms import LoginForm, TokenForm


def home(request: HttpRequest) -> HttpResponse:
    counts: list[Any] = []
    for _label, module in app_modules("summary"):
        counts.extend(module.home_counts(request.user))
    return render(request, "web/home.html", {"counts": counts, "mine": for_user(request.user)})


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LoginForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = Actor.from_request(request).ip
        try:
            nation_services.check_login_allowed(username, address)
        except VeilleError as exc:
            form.add_error(None, exc.message)
            status = 423
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                entry = nation_services.do_record_login_failure(username, address)
                if entry.locked_until:
                    form.add_error(
                        None, _("Too many failed logins: this account is locked here for a while.")
                    )
                    status = 423
                else:
                    form.add_error(None, _("Wrong user name or password."))
                    status = 401
            else:
                login(request, user)
                nation_services.do_record_login(Actor.from_request(request))
                return redirect(next_url or "web:home")
    elif request.method == "POST":
        status = 400
    return render(request, "web/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:home")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    status = 200
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                nation_services.do_revoke_token(actor, int(request.POST["revoke"]))
                messages.success(request, _("The token was revoked."))
                return redirect("web:tokens")
            if form.is_valid():
                _token, new_token = nation_services.do_create_token(actor, form.cleaned_data["name"])
                form = TokenForm()
            else:
                status = 422
        except (VeilleError, ValueError) as exc:
            messages.error(request, str(exc))
            status = 422
    user_tokens = ApiToken.objects.filter(user_id=request.user.pk or 0)
    return render(
        request,
        "web/tokens.html",
        {"form": form, "tokens": user_tokens, "new_token": new_token},
        status=status,
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure is the answer, not a crash
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def _api_error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse | None:
    """The API's one error body for a request under ``/api/`` that fails before or outside its
    routes (an unknown address, a bad request, a server error): never the pages' HTML."""
    if not request.path.startswith("/api/"):
        return None
    error: dict[str, str | None] = {"code": code, "type": code.title().replace("_", ""), "message": message}
    error.update({"field": None, "where": request.path})
    body = {"error": error}
    return JsonResponse(body, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    api = _api_error(request, 404, "not_found", f"no API route at {request.path}")
    if api is not None:
        return api
    return render(
        request,
        "web/error.html",
        {
            "status": 404,
            "title": _("Page not found"),
            "message": _("There is no page at %(path)s.") % {"path": request.path},
        },
        status=404,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    api = _api_error(request, 403, "forbidden", str(exception or "") or "you may not see or change this")
    if api is not None:
        return api
    return render(
        request,
        "web/error.html",
        {
            "status": 403,
            "title": _("Not allowed"),
            "message": str(exception)
            if exception and str(exception)
            else _("You may not see or change this."),
        },
        status=403,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    api = _api_error(request, 400, "bad_request", "the request could not be understood")
    if api is not None:
        return api
    return render(
        request,
        "web/error.html",
        {
            "status": 400,
            "title": _("Bad request"),
            "message": _("The request could not be understood."),
        },
        status=400,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    api = _api_error(request, 500, "server_error", "the server failed; the error has been logged")
    if api is not None:
        return api
    return render(
        request,
        "web/error.html",
        {
            "status": 500,
            "title": _("Server error"),
            "message": _("Something went wrong on the server; the error has been logged."),
        },
        status=500,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "status": 403,
            "title": _("Form expired or forged"),
            "message": _(
                "The form was sent without a valid security token (CSRF). Reload the page and send it "
                "again; nothing was changed."
            ),
        },
        status=403,
    )
