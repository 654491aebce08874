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
from veille.purl.forms import AmendForm, DecisionForm, ItemForm, ItemRemoveForm, ListForm, ReorderForm
from veille.purl.models import RequirementItem, RequirementList
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


def _item_for(request: HttpRequest, pk: int) -> RequirementItem:
    item = RequirementItem.objects.select_related("requirement_list").filter(pk=pk, active=True).first()
    if item is None or not item.requirement_list.is_visible_to(request.user):
        raise Http404(_("No such item, or not visible to you."))
    return item


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an item of a draft (an approved list changes through an amendment)."""
    item = _item_for(request, pk)
    lst = item.requirement_list
    form = ItemForm(
        request.POST if request.method == "POST" else None,
        actor=Actor.from_request(request),
        lst=lst,
        item=item,
    )
    return form_page(
        request,
        form,
        lambda _item: _list_url(lst),
        title=_("Change “%(item)s”") % {"item": item.description},
        submit=_("Save the item"),
    )


@login_required
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an item out of a draft."""
    item = _item_for(request, pk)
    lst = item.requirement_list
    form = ItemRemoveForm(
        request.POST if request.method == "POST" else None, actor=Actor.from_request(request), item=item
    )
    return form_page(
        request,
        form,
        lambda _item: _list_url(lst),
        title=_("Remove “%(item)s” from %(list)s") % {"item": item.description, "list": lst.title},
        lead=_(
            "It stays on the list's page, struck out, and in the exports; the other items keep their rank."
        ),
        submit=_("Remove the item"),
    )


@login_required
def reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """Rank a draft's items again: a position for each, or (the list page's buttons) a whole order."""
    lst = _list_for(request, pk)
    form = ReorderForm(
        request.POST if request.method == "POST" else None,
        actor=Actor.from_request(request),
        lst=lst,
        items=queries.active_items(lst),
    )
    return form_page(
        request,
        form,
        lambda _lst: _list_url(lst),
        title=_("Rank the items of %(list)s") % {"list": lst.title},
        lead=_("Give each item its new position; the items are then ranked 1, 2, 3… in that order."),
        submit=_("Rank the items"),
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
