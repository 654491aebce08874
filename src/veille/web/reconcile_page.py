"""The reconciliation of PURL with the Kiel tracker (``/support/reconcile/``), for coordinators.

Each PURL contribution may be money that a Kiel record counts too; veille proposes the pairs (by
donor, date and amount, within a stated tolerance: :mod:`veille.web.services`), a workbook row marked
PURL-funded is linked by its mark, and a coordinator confirms or rejects each proposal (audited, by
the ledger's services). The page sets PURL's and support's records side by side, so it is the shell's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from veille.core.errors import PermissionDenied as Refused
from veille.core.errors import VeilleError
from veille.core.reconcile import Rule
from veille.ledger.links import queries as link_queries
from veille.ledger.links import services as link_services
from veille.nations.access import Actor
from veille.purl.models import FundingEvent
from veille.support.models import DonorFigure
from veille.web import services
from veille.web.forms import LinkDecisionForm


def rows(user: Any) -> list[dict[str, Any]]:
    """Every link the user may see, with what each side says (the PURL contribution, the Kiel record)."""
    found = link_queries.link_rows(user)
    purl = {
        fe.event_id: fe
        for fe in FundingEvent.objects.filter(event_id__in=[r.event.pk for r in found]).select_related(
            "contribution", "package"
        )
    }
    kiel = {
        f.ledger_event_id: f
        for f in DonorFigure.objects.filter(
            ledger_event_id__in=[r.counted_in.pk for r in found]
        ).select_related("release")
    }
    out = []
    for r in found:
        fe, fig = purl.get(r.event.pk), kiel.get(r.counted_in.pk)
        out.append(
            {
                **r.as_dict(),
                "purl_package": fe.package.name if fe and fe.package else "",
                "purl_source": fe.contribution.source if fe else "",
                "kiel_release": fig.release.number if fig else None,
                "kiel_where": fig.where if fig else "",
                "kiel_marked": bool(fig and fig.purl_funded),
                "kiel_total": bool(fig and fig.announced is None),
            }
        )
    return out


@login_required
def reconcile(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    try:
        services.check_propose_links(actor)
    except Refused as exc:
        raise PermissionDenied(str(exc)) from None
    error, done = "", ""
    form = LinkDecisionForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "propose":
                done = services.do_propose_links(actor, Rule()).summary()
            else:
                form = LinkDecisionForm(request.POST)
                if form.is_valid():
                    d = form.cleaned_data
                    decide = (
                        link_services.do_confirm_link
                        if d["decision"] == "confirm"
                        else link_services.do_reject_link
                    )
                    decide(actor, d["link"], d["note"])
                    return redirect("support:reconcile")
                error = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
        except VeilleError as exc:
            error = str(exc)
    listed = rows(request.user)
    context = {
        "proposed": [r for r in listed if r["state"] == "proposed"],
        "confirmed": [r for r in listed if r["state"] == "confirmed"],
        "rejected": [r for r in listed if r["state"] == "rejected"],
        "rule": Rule(),
        "error": error,
        "done": done,
        "form": form,
    }
    return render(request, "web/reconcile.html", context, status=422 if error else 200)
