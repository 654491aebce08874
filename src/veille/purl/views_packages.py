"""The pages of packages, money and deliveries: compose a package and change it, pledge or commit,
commit a pledge, allocate a general contribution, ship, confirm receipt. Each shows its form
(:mod:`veille.purl.forms`) and posts it to a service; a refused step shows the service's named
error beside the field it names and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from veille.ledger import rates
from veille.nations.access import Actor, membership_of
from veille.nations.models import Nation
from veille.purl import queries
from veille.purl.forms import (
    AllocationForm,
    CommitPledgeForm,
    ContributionForm,
    PackageChangeForm,
    PackageForm,
    ReceiptForm,
    ShipmentForm,
)
from veille.purl.models import Contribution, Package, Shipment
from veille.purl.views import _can, form_page


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _package_url(package_id: Any) -> str:
    return f"/purl/packages/{package_id}/"


# --- packages -----------------------------------------------------------------------------------------


@login_required
def package_new(request: HttpRequest) -> HttpResponse:
    if not _can(request)["coordinate"]:
        raise PermissionDenied(_("Only coordinators compose packages."))
    form = PackageForm(
        _posted(request), actor=Actor.from_request(request), left=queries.approved_items_left()
    )
    return form_page(
        request,
        form,
        lambda package: _package_url(package.pk),
        title=_("Compose a package"),
        lead=_("Quantities of approved items; an item may be split across packages."),
        submit=_("Create the package"),
    )


@login_required
def package_change(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator changes a package's composition or target: a new version."""
    package = Package.objects.visible_to(request.user).filter(pk=pk, origin="workflow").first()
    if package is None:
        raise Http404(_("No such package, or not visible to you."))
    if not _can(request)["coordinate"]:
        raise PermissionDenied(_("Only coordinators compose packages."))
    current = {pi.item_id: pi.quantity for pi in package.items.all()}
    rows = {row["item"].pk: row for row in queries.approved_items_left()}
    for item_id in current:
        rows.setdefault(item_id, {"item": package.items.get(item_id=item_id).item, "left": 0})
    form = PackageChangeForm(
        _posted(request), actor=Actor.from_request(request), package=package, rows=rows, current=current
    )
    return form_page(
        request,
        form,
        lambda changed: _package_url(changed.pk),
        title=_("Change %(package)s") % {"package": package.name},
        lead=_("Every change is kept as a new version; 0 takes an item out."),
        submit=_("Save a new version"),
    )


# --- money --------------------------------------------------------------------------------------------


def _nation_choices(request: HttpRequest) -> list[tuple[str, str]]:
    m = membership_of(request.user)
    if m is not None and m.nation_id and m.role == "editor":
        return [(m.nation_id, m.nation.name if m.nation else m.nation_id)]
    return [(n.code, n.name) for n in Nation.objects.exclude(code="UKR")]


def _contributed(c: Contribution) -> str:
    return _package_url(c.package_id) if c.package_id else f"/purl/contributions/?nation={c.nation_id}"


@login_required
def contribute(request: HttpRequest) -> HttpResponse:
    if not _can(request)["contribute"]:
        raise PermissionDenied(_("Only a nation's editors (for their nation) and coordinators contribute."))
    packages = [("", _("PURL in general (allocated later by coordinators)"))] + [
        (str(p.pk), p.name) for p in Package.objects.visible_to(request.user).filter(origin="workflow")
    ]
    last = rates.converter().table.source.last_date
    form = ContributionForm(
        _posted(request),
        actor=Actor.from_request(request),
        nations=_nation_choices(request),
        packages=packages,
        initial={
            "package": request.GET.get("package", ""),
            "value_date": min(dt.date.today(), last).isoformat(),
        },
    )
    return form_page(
        request,
        form,
        _contributed,
        title=_("Pledge or commit funds"),
        lead=_(
            "In your nation's own currency. A pledge is shown apart and counts once committed. ECB rates "
            "are loaded up to %(day)s: a value date after it cannot be converted until newer rates are "
            "loaded."
        )
        % {"day": last.isoformat()},
        submit=_("Record"),
    )


@login_required
def commit_pledge(request: HttpRequest, pk: int) -> HttpResponse:
    if not Contribution.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404(_("No such contribution, or not visible to you."))
    form = CommitPledgeForm(_posted(request), actor=Actor.from_request(request), contribution=pk)
    return form_page(
        request,
        form,
        lambda c: f"/purl/contributions/?nation={c.nation_id}",
        title=_("Commit a pledge"),
        lead=_("Never more than was pledged: raise the pledge by an amendment first."),
        submit=_("Commit"),
    )


@login_required
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator gives part of a general contribution to a package."""
    contribution = Contribution.objects.visible_to(request.user).filter(pk=pk, package=None).first()
    if contribution is None:
        raise Http404(_("No such general contribution, or not visible to you."))
    if not _can(request)["coordinate"]:
        raise PermissionDenied(_("Only coordinators allocate general contributions to packages."))
    packages = [
        (str(p.pk), p.name) for p in Package.objects.visible_to(request.user).filter(origin="workflow")
    ]
    form = AllocationForm(
        _posted(request), actor=Actor.from_request(request), contribution=contribution, packages=packages
    )
    return form_page(
        request,
        form,
        lambda link: _package_url(link.package_id),
        title=_("Allocate a contribution of %(nation)s") % {"nation": contribution.nation_id},
        lead=_("Part of a general commitment given to a package; never more than the commitment has left."),
        submit=_("Allocate"),
    )


# --- deliveries ---------------------------------------------------------------------------------------


@login_required
def ship(request: HttpRequest, pk: int) -> HttpResponse:
    package = Package.objects.visible_to(request.user).filter(pk=pk).first()
    if package is None:
        raise Http404(_("No such package, or not visible to you."))
    items = [
        (str(i["id"]), f"{i['description']} ({i['shipped']}/{i['quantity']} {i['unit']})")
        for i in queries.package_items(package)
    ]
    form = ShipmentForm(_posted(request), actor=Actor.from_request(request), items=items, package=package.pk)
    return form_page(
        request,
        form,
        lambda _shipment: _package_url(package.pk),
        title=_("Record a shipment of %(package)s") % {"package": package.name},
        submit=_("Record the shipment"),
    )


@login_required
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = (
        Shipment.objects.select_related("package_item__package", "package_item__item").filter(pk=pk).first()
    )
    if shipment is None or not shipment.package_item.package.is_visible_to(request.user):
        raise Http404(_("No such shipment, or not visible to you."))
    form = ReceiptForm(_posted(request), actor=Actor.from_request(request), shipment=shipment)
    return form_page(
        request,
        form,
        lambda _received: _package_url(shipment.package_item.package_id),
        title=_("Confirm receipt of %(quantity)s × %(item)s")  # noqa: RUF001
        % {"quantity": shipment.quantity, "item": shipment.package_item.item.description},
        lead=_("Shipped on %(day)s through %(hub)s.")
        % {"day": shipment.shipped_on.isoformat(), "hub": shipment.hub},
        submit=_("Confirm receipt"),
    )
