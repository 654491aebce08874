"""The pages of a requirement list's workflow: draft a list, add an item, decide (approve or return),
amend an approved list. Each shows its form (:mod:`veille.purl.forms`) and posts it to a service;
a refused step shows the service's named error beside the field it names and writes nothing."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from veille.nations.access import Actor
from veille.purl import queries
from veille.purl.forms import AmendForm, DecisionForm, ItemForm, ListForm
from veille.purl.models import RequirementList
from veille.purl.views import _can, form_page


def _list_for(request: HttpRequest, pk: int) -> RequirementList:
    lst = RequirementList.objects.visible_to(request.user).filter(pk=pk).first()
    if lst is None:
        raise Http404(_("No such list, or not visible to you."))
    return lst


def _list_url(lst: RequirementList) -> str:
    return f"/purl/lists/{lst.pk}/"


@login_required
def list_new(request: HttpRequest) -> HttpResponse:
    if not _can(request)["draft"]:
        raise PermissionDenied(_("Only Ukraine's editors draft requirement lists."))
    form = ListForm(
        request.POST if request.method == "POST" else None,
        actor=Actor.from_request(request),
        initial={"month": f"{dt.date.today():%Y-%m}"},
    )
    return form_page(
        request,
        form,
        _list_url,
        title=_("Draft a monthly requirement list"),
        submit=_("Create the draft"),
    )


@login_required
def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    lst = _list_for(request, pk)
    form = ItemForm(
        request.POST if request.method == "POST" else None, actor=Actor.from_request(request), lst=lst
    )
    return form_page(
        request,
        form,
        lambda _item: _list_url(lst),
        title=_("Add an item to %(list)s") % {"list": lst.title},
        submit=_("Add the item"),
    )


@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    lst = _list_for(request, pk)
    form = DecisionForm(
        request.POST if request.method == "POST" else None, actor=Actor.from_request(request), lst=lst
    )
    return form_page(
        request,
        form,
        lambda _approval: _list_url(lst),
        title=_("Decide on %(list)s") % {"list": lst.title},
        lead=_(
            "Each step approves or returns the list with a comment, in order: Ukraine, NATO, the United "
            "States."
        ),
        submit=_("Record the decision"),
    )


@login_required
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    lst = _list_for(request, pk)
    items = [(i.pk, f"{i.rank}. {i.description}") for i in queries.active_items(lst)]
    form = AmendForm(
        request.POST if request.method == "POST" else None,
        actor=Actor.from_request(request),
        lst=lst,
        items=items,
    )
    return form_page(
        request,
        form,
        lambda _amendment: _list_url(lst),
        title=_("Amend %(list)s") % {"list": lst.title},
        lead=_(
            "An approved list changes only through an amendment. A change of rank or justification reopens "
            "NATO's approval; of the cost source, the United States'; of what is bought, how many or at what "
            "cost, both."
        ),
        submit=_("Amend the list"),
    )
