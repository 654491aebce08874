"""The pages of packages, money and deliveries: compose a package and change it, pledge or commit,
commit a pledge, allocate a general contribution, ship, confirm receipt. Each shows its form
(:mod:`veille.purl.forms`) and posts it to a service; a refused step shows the service's named
error beside the field it names and writes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from veille.ledger import rates
from veille.nations.access import Actor, membership_of
from veille.nations.models import Nation
from veille.purl import queries
from veille.purl.forms import (
    AllocationForm,
    CommitPledgeForm,
    ContributionAmendForm,
    ContributionCancelForm,
    ContributionForm,
    PackageChangeForm,
    PackageForm,
    ReceiptForm,
    ReleaseForm,
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


@login_required
def release_funding(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator releases the package's total funding to its recipient, or withholds it again."""
    package = Package.objects.visible_to(request.user).filter(pk=pk).first()
    if package is None:
        raise Http404(_("No such package, or not visible to you."))
    if not _can(request)["coordinate"]:
        raise PermissionDenied(_("Only coordinators release a package's funding to its recipient."))
    form = ReleaseForm(_posted(request), actor=Actor.from_request(request), package=package)
    values = {"package": package.name, "nation": package.owner_nation_id or "—"}
    if package.funding_released_at is None:
        title = _("Release the funding of %(package)s to %(nation)s") % values
        lead = _(
            "The recipient's users will see the package's total funding, its coverage and whether it is "
            "fully funded; never the contributions themselves nor who made them."
        )
        submit = _("Release the total funding")
    else:
        title = _("Withhold the funding of %(package)s from %(nation)s again") % values
        lead = _("The recipient's users will again be told that the funding is not releasable to them.")
        submit = _("Withhold it again")
    return form_page(
        request, form, lambda changed: _package_url(changed.pk), title=title, lead=lead, submit=submit
    )


# --- money --------------------------------------------------------------------------------------------


def _nation_choices(request: HttpRequest) -> list[tuple[str, str]]:
    m = membership_of(request.user)
    if m is not None and m.nation_id and m.role == "editor":
        return [(m.nation_id, m.nation.display_name if m.nation else m.nation_id)]
    return [(n.code, n.display_name) for n in Nation.objects.exclude(code="UKR")]


def _contributed(c: Contribution) -> str:
    return _package_url(c.package_id) if c.package_id else f"/purl/contributions/?nation={c.nation_id}"


@login_required
def contribute(request: HttpRequest) -> HttpResponse:
    if not _can(request)["contribute"]:
        raise PermissionDenied(_("Only a nation's editors (for their nation) and coordinators contribute."))
    packages = [("", _("PURL in general (allocated later by coordinators)"))] + [
        (str(p.pk), p.name) for p in Package.objects.visible_to(request.user).filter(origin="workflow")
    ]
    last = rates.newest_rate_date()
    form = ContributionForm(
        _posted(request),
        actor=Actor.from_request(request),
        nations=_nation_choices(request),
        packages=packages,
        initial={
            "package": request.GET.get("package", ""),
            "value_date": timezone.now().date().isoformat(),
        },
    )
    return form_page(
        request,
        form,
        _contributed,
        title=_("Pledge or commit funds"),
        lead=_(
            "In your nation's own currency. A pledge is shown apart and counts once committed. ECB rates "
            "are loaded up to %(day)s: an amount dated after it is converted at that rate, marked "
            "provisional, and revalued once the rate of its own day is loaded."
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


def _contribution_for(request: HttpRequest, pk: int) -> Contribution:
    contribution = Contribution.objects.visible_to(request.user).filter(pk=pk).first()
    if contribution is None:
        raise Http404(_("No such contribution, or not visible to you."))
    return contribution


@login_required
def contribution_amend(request: HttpRequest, pk: int) -> HttpResponse:
    """A pledge or a commitment to a new amount: a ledger amendment of the difference."""
    contribution = _contribution_for(request, pk)
    form = ContributionAmendForm(
        _posted(request), actor=Actor.from_request(request), contribution=contribution
    )
    return form_page(
        request,
        form,
        lambda _event: _contributed(contribution),
        title=_("Amend a contribution of %(nation)s") % {"nation": contribution.nation_id},
        lead=_(
            "The ledger keeps what was recorded and adds an amendment of the difference; a pledge never "
            "falls below what is committed from it, nor a commitment beyond its pledge."
        ),
        submit=_("Amend"),
    )


@login_required
def contribution_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """A contribution recorded by mistake: its ledger events are reversed."""
    contribution = _contribution_for(request, pk)
    form = ContributionCancelForm(
        _posted(request), actor=Actor.from_request(request), contribution=contribution
    )
    return form_page(
        request,
        form,
        lambda _reversals: _contributed(contribution),
        title=_("Cancel a contribution of %(nation)s") % {"nation": contribution.nation_id},
        lead=_(
            "Each of its ledger events is reversed (what draws from it first); nothing is deleted, and the "
            "ledger shows, as of any earlier day, what it showed then."
        ),
        submit=_("Cancel the contribution"),
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
        for i in queries.package_items(package, request.user)
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
