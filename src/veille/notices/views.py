"""The user's notices: what waits for them, what is new, the history; marking news read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from veille.nations.access import Actor
from veille.notices import queries, services


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.do_mark_read(Actor.from_request(request))
        return redirect("notices:index")
    return render(
        request,
        "notices/index.html",
        {"mine": queries.for_user(request.user), "history": queries.history(request.user)},
    )
