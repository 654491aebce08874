"""The exchange rates in use, how old the newest is, and (for coordinators) loading a newer ECB
history from a file, through the same importer as ``veille import ecb-rates``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from veille.core.errors import VeilleError
from veille.kit.importers import no_progress
from veille.ledger import rates, services
from veille.ledger.forms import RatesFileForm
from veille.ledger.importers import run_ecb_rates
from veille.nations.access import Actor


def _may_load(actor: Actor) -> bool:
    try:
        services.check_install_rates(actor)
    except VeilleError:
        return False
    return actor.user is not None


@require_http_methods(["GET", "POST"])
def rates_page(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    form = RatesFileForm()
    status = 200
    if request.method == "POST":
        if actor.user is None:
            return redirect_to_login(request.get_full_path())
        try:
            services.check_install_rates(actor)  # rights first, before reading the file
        except VeilleError as exc:
            raise PermissionDenied(exc.message) from exc
        form = RatesFileForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            dry_run = form.cleaned_data["dry_run"]
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / Path(upload.name).name
                with path.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                try:
                    summary = run_ecb_rates(path, actor, no_progress, dry_run)
                except VeilleError as exc:
                    form.add_error("file", exc.message)
                    status = exc.http_status
                else:
                    values = {
                        "name": upload.name,
                        "last": summary.extra["last_date"],
                        "added": summary.created,
                    }
                    if dry_run:
                        text = _(
                            "%(name)s reads as an ECB history up to %(last)s (%(added)s new days); "
                            "nothing was changed."
                        )
                    else:
                        text = _(
                            "%(name)s is now the rates in use, up to %(last)s (%(added)s new days): "
                            "figures converted provisionally are revalued."
                        )
                    messages.success(request, text % values)
                    return redirect("ledger:rates")
        else:
            status = 422
    source = rates.converter().table.source
    today = timezone.now().date()
    return render(
        request,
        "ledger/rates.html",
        {
            "source": source,
            "installed": rates.installed_path().exists(),
            "age_days": (today - source.last_date).days,
            "today": today,
            "form": form,
            "may_load": _may_load(actor),
        },
        status=status,
    )
