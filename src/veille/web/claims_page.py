"""The press report's claims, checked against the loaded data: support to Ukraine's 99 % sentence
(with its definitions, chosen by the reader) and every other mechanism's ``claims.py``.

The page (``/support/claims/``), its API (``/api/v1/support/claims``, :mod:`veille.web.claims_api`)
and ``veille claims`` gather several mechanisms, so they are the shell's; they keep the addresses
they had under support.
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from veille.core.claims import ClaimCheck, Definition
from veille.core.errors import InvalidInput
from veille.kit.registry import app_modules
from veille.support import charts, queries
from veille.support.purl_share import with_purl_inside


def other_checks() -> list[ClaimCheck]:
    """The report's other testable claims, from each app's ``claims.py`` (PURL, spending…), in app
    order; each says when its data are not loaded."""
    checks: list[ClaimCheck] = []
    for _label, module in app_modules("claims"):
        checks.extend(module.claim_checks())
    return checks


def all_checks(definition: Definition) -> list[ClaimCheck]:
    """The 99 % sentence under ``definition``, then the other claims."""
    return [queries.military_share_check(definition), *other_checks()]


def claims(request: HttpRequest) -> HttpResponse:
    error = None
    try:
        definition = queries.parse_definition(request.GET)
    except InvalidInput as exc:
        definition, error = Definition(), str(exc)
    check = queries.military_share_check(definition)
    donors = queries.donor_table()
    inside = with_purl_inside(donors, request.user)
    context = {
        "purl_inside": [d for d in donors if d["donor"] in inside],
        "definition": definition,
        "check": check,
        "error": error,
        "labels": queries.definition_labels(definition),
        "sensitivity": queries.sensitivity(definition),
        "others": other_checks(),
        "classes": [
            ("ally", _("NATO allies")),
            ("partner", _("NATO partners")),
            ("eu_institution", _("EU institutions")),
            ("other", _("Everyone else")),
        ],
        "share_spec": charts.shares_bar(
            check.detail["share_pct"],
            {
                "military": _("Share of military support by donor class"),
                "financial": _("Share of financial support by donor class"),
                "humanitarian": _("Share of humanitarian support by donor class"),
            }[definition.aid_type],
        )
        if check.detail
        else None,
    }
    return render(request, "web/claims.html", context, status=400 if error else 200)


PRESS_REPORT = "seed/nato-press-conference-2026-02.fr.txt"


def press_report(request: HttpRequest) -> FileResponse:
    """The press report whose claims the page checks, as shipped in ``data/`` (plain French text)."""
    path = settings.DATA_DIR / PRESS_REPORT
    if not path.is_file():
        raise Http404("the press report is not in the data folder")
    response = FileResponse(path.open("rb"), content_type="text/plain; charset=utf-8")
    response["Content-Language"] = "fr"
    return response
