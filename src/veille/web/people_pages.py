"""People and rights: the coordinators' pages (``/people/``), the invitation link
(``/invitation/<key>/``) and each user's own page (``/account/``).

Memberships and invitations are the nations app's; who may read everyone's is a question of roles,
and the pages read the audit trail too, so they live in the shell. Every change goes through
:mod:`veille.nations.services.people`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from veille.audit.models import AuditEvent
from veille.core.errors import PermissionDenied, VeilleError
from veille.nations import services
from veille.nations.access import Actor, membership_of, require_coordinator
from veille.nations.models import ApiToken, Invitation, Membership
from veille.web.people_forms import AcceptForm, InviteForm, MembershipForm

__all__ = ["account", "invitation", "invitation_cancel", "invitation_resend", "invite", "people", "person"]


def _coordinator(request: HttpRequest, what: str) -> Actor:
    actor = Actor.from_request(request)
    try:
        require_coordinator(actor, what)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    return actor


@login_required
def people(request: HttpRequest) -> HttpResponse:
    actor = _coordinator(request, "see people and their rights")
    return _people_page(request, actor)


def _people_page(
    request: HttpRequest, actor: Actor, *, link: str | None = None, sent_to: str | None = None
) -> HttpResponse:
    users = get_user_model().objects.order_by("username")
    members = {m.user_id: m for m in Membership.objects.select_related("nation")}
    rows = [{"user": u, "membership": members.get(u.pk)} for u in users]
    now = timezone.now()
    unanswered = Invitation.objects.filter(accepted_at=None, cancelled_at=None).select_related(
        "nation", "invited_by"
    )
    return render(
        request,
        "web/people.html",
        {
            "rows": rows,
            "pending": [i for i in unanswered if i.expires_at > now],
            "expired": [i for i in unanswered if i.expires_at <= now],
            "form": InviteForm(actor=actor),
            "link": link,
            "sent_to": sent_to,
        },
    )


def _refused(request: HttpRequest, exc: VeilleError) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"status": exc.http_status, "title": _("Invitation"), "message": exc.message},
        status=exc.http_status,
    )


@login_required
@require_http_methods(["POST"])
def invitation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request, "cancel invitations")
    try:
        cancelled = services.do_cancel_invitation(actor, pk)
    except VeilleError as exc:
        return _refused(request, exc)
    messages.success(
        request,
        _("The invitation of %(email)s was cancelled: its link no longer works.")
        % {"email": cancelled.email},
    )
    return redirect("web:people")


@login_required
@require_http_methods(["POST"])
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request, "send invitations again")
    try:
        sent, link = services.do_resend_invitation(
            actor, pk, link_for=lambda key: request.build_absolute_uri(reverse("web:invitation", args=[key]))
        )
    except VeilleError as exc:
        return _refused(request, exc)
    return _people_page(request, actor, link=link, sent_to=sent.email)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    actor = _coordinator(request, "invite people")
    form = InviteForm(request.POST if request.method == "POST" else None, actor=actor)
    link = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invited, link = form.submit(
                    lambda key: request.build_absolute_uri(reverse("web:invitation", args=[key]))
                )
            except VeilleError as exc:
                form.fail(exc)
            else:
                messages.success(
                    request, _("The invitation was sent to %(email)s.") % {"email": invited.email}
                )
                form = InviteForm(actor=actor)
        status = form.status if form.errors else 200
    return render(request, "web/invite.html", {"form": form, "link": link}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, username: str) -> HttpResponse:
    actor = _coordinator(request, "change people's rights")
    who = get_user_model().objects.filter(username=username).first()
    if who is None:
        raise Http404(f"no user is called {username!r}")
    current = Membership.objects.select_related("nation").filter(user=who).first()
    initial = {"nation": current.nation_id or "", "role": current.role} if current else {"role": "viewer"}
    form = MembershipForm(initial=initial, actor=actor, person=who)
    status = 200
    error = None
    if request.method == "POST":
        if "active" in request.POST:
            try:
                services.do_set_active(actor, who, request.POST["active"] == "1")
            except VeilleError as exc:
                error, status = exc.message, exc.http_status
            else:
                done = (
                    _("The account was reactivated.") if who.is_active else _("The account was deactivated.")
                )
                messages.success(request, done)
                return redirect("web:person", username=who.get_username())
        else:
            form = MembershipForm(request.POST, actor=actor, person=who)
            if form.is_valid():
                try:
                    form.submit()
                except VeilleError as exc:
                    form.fail(exc)
                else:
                    messages.success(request, _("The membership was changed."))
                    return redirect("web:person", username=who.get_username())
            status = form.status
    history = AuditEvent.objects.filter(
        object_type__in=("auth.user", "nations.membership"),
        object_id__in=[str(who.pk), *([str(current.pk)] if current else [])],
    ).order_by("-at")[:50]
    return render(
        request,
        "web/person.html",
        {"person": who, "membership": current, "form": form, "error": error, "history": history},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, key: str) -> HttpResponse:
    try:
        invited = services.check_invitation_link(key)
    except VeilleError as exc:
        return render(
            request,
            "web/error.html",
            {"status": exc.http_status, "title": _("Invitation"), "message": exc.message},
            status=exc.http_status,
        )
    form = AcceptForm(request.POST if request.method == "POST" else None, key=key)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                form.submit(Actor.from_request(request).ip)
            except VeilleError as exc:
                form.fail(exc)
            else:
                messages.success(
                    request, _("Your account is ready: log in with your user name and password.")
                )
                return redirect("web:login")
        status = form.status
    return render(request, "web/invitation.html", {"form": form, "invitation": invited}, status=status)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "web/account.html",
        {
            "membership": membership_of(user),
            "tokens": ApiToken.objects.filter(user_id=user.pk),
        },
    )
