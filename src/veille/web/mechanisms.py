"""What each mechanism is, in the words of the press report, for its overview page.

A mechanism that has no pages of its own yet (no ``urls.py``) gets the shell's placeholder at
``/<mechanism>/`` (URL name ``<mechanism>:index``): :func:`placeholder_urls`, mounted by
``veille/urls.py``. Once the mechanism has its own ``urls.py``, that takes the address instead.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

MECHANISMS = {
    "purl": {
        "title": _("PURL — Prioritized Ukraine Requirements List"),
        "lead": _(
            "Ukraine ranks its needs; Ukraine, NATO and the United States approve a monthly list; allies "
            "and partners fund packages of about 500 million USD of US equipment in their own currencies; "
            "the United States delivers; NSATU in Wiesbaden coordinates delivery and training."
        ),
    },
    "support": {
        "title": _("Support to Ukraine"),
        "lead": _(
            "Donors, commitments, allocations and deliveries, and the claim that 99 % of military support "
            "to Ukraine comes from NATO allies and partners, reproduced from public data."
        ),
    },
    "spending": {
        "title": _("Defence spending and the Hague pledge"),
        "lead": _(
            # xgettext:no-python-format
            "5 % of GDP by 2035: at least 3.5 % on core defence by NATO's definition and up to 1.5 % on "
            "resilience, on a credible annual path, with a review in 2029."
        ),
    },
    "industry": {
        "title": _("Defence industry"),
        "lead": _(
            "Accelerating the production of air defence systems and munitions; supply-chain bottlenecks."
        ),
    },
    "training": {
        "title": _("Training, lessons learned and the NATO-Ukraine Council"),
        "lead": _(
            "NSATU and JATEC training and lessons learned; decisions and actions of the NATO-Ukraine Council."
        ),
    },
    "arctic": {
        "title": _("Arctic Sentry"),
        "lead": _(
            "One operational picture of allied activities in the Arctic, beside what is observed at sea: "
            "Russian and Chinese activity, gaps in AIS transmission, encounters, activity near undersea "
            "cables."
        ),
    },
}


def overview(key: str) -> Callable[[HttpRequest], HttpResponse]:
    """A view that shows a mechanism's overview page until the mechanism has pages of its own."""

    def view(request: HttpRequest) -> HttpResponse:
        return render(request, "web/mechanism.html", {"mechanism": MECHANISMS[key], "key": key})

    view.__name__ = f"{key}_overview"
    return view


def placeholder_urls(key: str) -> tuple[list[URLPattern], str]:
    """The URL patterns of a mechanism without pages of its own: its overview, named ``index``, in the
    mechanism's namespace (for ``include``)."""
    return [path("", overview(key), name="index")], key
