"""Exports of support to Ukraine: months, weapons, and the totals behind the 99 % claim.

The overview (``/support/``), the donors export (it carries the share of GDP) and the claims page
set support beside other mechanisms' data: the shell serves them (``veille.web.support_overview``,
``veille.web.claims_page``) at their addresses under ``/support/``.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from veille.core.errors import InvalidInput
from veille.kit.exports import export_response
from veille.support import queries

MONTH_COLUMNS = ["month", "military", "financial", "humanitarian"]
WEAPON_COLUMNS = ["donor", "name", "category", "value_eur", "records", "where"]


def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404(f"no export as {fmt}")
    if table == "months":
        return export_response(
            queries.month_table(), MONTH_COLUMNS, fmt, "veille-support-months", queries.dataset_meta()
        )
    if table == "weapons":
        rows = queries.weapon_table() + queries.weapon_table(by_donor=True)
        return export_response(rows, WEAPON_COLUMNS, fmt, "veille-support-weapons", queries.dataset_meta())
    if table == "claims":
        try:
            definition = queries.parse_definition(request.GET)
        except InvalidInput as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        check = queries.military_share_check(definition)
        shares = check.detail.get("share_pct", {})
        rows = [
            {
                "class": cls,
                "donor": d["donor"],
                "value_eur": d["value_eur"],
                "class_share_pct": shares.get(cls),
            }
            for cls, donors in check.detail.get("donors", {}).items()
            for d in donors
        ]
        verdict = check.verdict
        if definition.aid_type != "military":
            verdict = "no verdict: the sentence speaks of military support"
        meta = {
            **queries.dataset_meta(),
            "claim": check.sentence_en,
            "claim_fr": check.sentence_fr,
            "claimed": check.claim,
            "computed": check.computed,
            "verdict": verdict,
            "definitions": check.definitions,
            "press_report": "Mark Rutte, NATO Secretary General, press conference of February 2026, "
            "as reported in French: data/seed/nato-press-conference-2026-02.fr.txt",
        }
        columns = ["class", "donor", "value_eur", "class_share_pct"]
        return export_response(rows, columns, fmt, "veille-claim-military-99", meta)
    raise Http404(f"no table {table}")
