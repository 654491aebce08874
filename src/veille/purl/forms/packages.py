"""The forms of packages, money and deliveries: compose a package and change it, pledge or commit,
commit a pledge, allocate a general contribution, ship, confirm receipt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veille.core.errors import VeilleError
from veille.kit.forms import written_amount
from veille.nations.access import Actor, require_coordinator
from veille.purl import services
from veille.purl.exceptions import PossibleDuplicate
from veille.purl.forms.base import (
    Choices,
    DayInput,
    StepForm,
    amount_field,
    choice,
    iso_day,
    releasable_nations,
    releasable_to,
    text,
)
from veille.purl.models import Contribution, Package, Shipment
from veille.purl.rights import require_shipper, require_ukraine_editor


def confirm_field() -> forms.CharField:
    return text(
        _("Record it: it is a second one, not the same one twice"),
        widget=forms.CheckboxInput(check_test=bool),
    )


def quantity_field(label: str, row: dict[str, Any], initial: Any = "") -> forms.CharField:
    """How many of an approved item a package takes (the help says how many are left)."""
    item = row["item"]
    left = _("%(left)s %(unit)s left at %(cost)s USD each") % {
        "left": written_amount(row["left"]),
        "unit": item.unit,
        "cost": written_amount(item.unit_cost_usd),
    }
    return text(label, widget=forms.NumberInput, help_text=left, initial=initial)


class PackageForm(StepForm):
    """A new package: quantities of approved items (``qty_<item id>``); the service checks them."""

    name = text(_("Name"), help_text=_("Empty: “PURL package N”"))
    target_usd = amount_field(_("Funding target (USD)"), help_text=_("Empty: the value of the items"))
    releasable_to = releasable_to()
    releasable_nations = releasable_nations()

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, actor: Actor, left: list[dict[str, Any]]
    ) -> None:
        super().__init__(data, actor=actor)
        self.items = [row["item"].pk for row in left]
        for row in left:
            item = row["item"]
            label = f"{item.description} — {item.requirement_list.month:%Y-%m}"
            self.fields[f"qty_{item.pk}"] = quantity_field(label, row)
        self.order_fields(["name", "target_usd", *(f"qty_{i}" for i in self.items)])

    def check_access(self) -> None:
        require_coordinator(self.actor, "compose packages")

    def clean_target_usd(self) -> str:
        self.checked(services.check_usd, self.value("target_usd"), "target_usd")
        return str(self.value("target_usd"))

    def submit(self) -> Package:
        chosen = {i: self.value(f"qty_{i}") for i in self.items if self.value(f"qty_{i}")}
        target = self.value("target_usd") or None
        return services.do_create_package(
            self.actor, self.value("name"), chosen, target, *self.releasability()
        )


class PackageChangeForm(StepForm):
    """A new version of a package: its target, its quantities (0 takes an item out), and why."""

    target_usd = amount_field(_("Funding target (USD)"))
    reason = text(_("Why the package changes"), widget=forms.Textarea)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        actor: Actor,
        package: Package,
        rows: dict[int, dict[str, Any]],
        current: dict[int, int],
    ) -> None:
        super().__init__(data, actor=actor, initial={"target_usd": package.target_usd})
        self.package, self.current, self.items = package, current, list(rows)
        for i, row in rows.items():
            self.fields[f"qty_{i}"] = quantity_field(row["item"].description, row, current.get(i, ""))
        self.order_fields(["target_usd", *(f"qty_{i}" for i in self.items), "reason"])

    def check_access(self) -> None:
        require_coordinator(self.actor, "compose packages")

    def clean_target_usd(self) -> str:
        self.checked(services.check_usd, self.value("target_usd"), "target_usd")
        return str(self.value("target_usd"))

    def clean_reason(self) -> str:
        return self.checked(services.check_reason, self.value("reason"), "the package changes")

    def submit(self) -> Package:
        given = {i: self.value(f"qty_{i}") for i in self.items}
        chosen = {i: q for i, q in given.items() if q != "" and q != str(self.current.get(i, ""))}
        return services.do_change_package(
            self.actor, self.package.pk, chosen, self.value("target_usd") or None, self.value("reason")
        )


class ReleaseForm(StepForm):
    """A coordinator releases a package's total funding to its recipient (or withholds it again)."""

    note = text(_("Why (recorded in the audit trail)"), widget=forms.Textarea)

    def __init__(self, data: Mapping[str, Any] | None = None, *, actor: Actor, package: Package) -> None:
        super().__init__(data, actor=actor)
        self.package = package
        self.release = package.funding_released_at is None

    def check_access(self) -> None:
        services.check_release_funding(self.actor, self.package, self.release)

    def submit(self) -> Package:
        return services.do_release_funding(self.actor, self.package.pk, self.release, self.value("note"))


# --- money --------------------------------------------------------------------------------------------


class ContributionForm(StepForm):
    """A pledge or a commitment of a nation, to a package or to PURL in general."""

    nation = choice(_("Nation"))
    package = choice(_("Package"))
    kind = choice(_("Kind"), [("pledge", _("Pledge")), ("commitment", _("Commitment"))], "commitment")
    amount = amount_field(_("Amount"))
    currency = text(_("Currency (ISO 4217)"), help_text=_("e.g. EUR, NOK, USD"))
    value_date = text(_("Value date"), widget=DayInput)
    share_pct = amount_field(_("Share of a joint package (%)"), help_text=_("Optional"))
    source = text(_("Source (decision, letter, announcement)"))
    releasable_to = releasable_to()
    releasable_nations = releasable_nations()

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        actor: Actor,
        nations: Choices,
        packages: Choices,
        initial: dict[str, Any],
    ) -> None:
        super().__init__(data, actor=actor, initial=initial)
        self.fields["nation"].widget.choices = nations
        self.fields["package"].widget.choices = packages
        if self.data.get("confirm_duplicate"):
            self.fields["confirm_duplicate"] = confirm_field()

    def clean_value_date(self) -> dt.date:
        return self.checked(iso_day, self.value("value_date"), "value_date")

    def fail(self, exc: VeilleError) -> None:
        # The same pledge twice: the page offers to confirm it beside the warning.
        if isinstance(exc, PossibleDuplicate) and "confirm_duplicate" not in self.fields:
            self.fields["confirm_duplicate"] = confirm_field()
        super().fail(exc)

    def contribution(self) -> services.ContributionData:
        d = self.cleaned_data
        to, nations = self.releasability()
        return services.ContributionData(
            nation=d["nation"],
            amount=d["amount"],
            currency=d["currency"],
            value_date=d["value_date"],
            sources=[d["source"]],
            package=d["package"] or None,  # the service finds it, or names it unknown
            share_pct=d["share_pct"] or None,
            releasable_to=to,
            releasable_nations=nations,
            confirm_duplicate=bool(self.data.get("confirm_duplicate")),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors:
            try:
                services.check_contribution(self.actor, self.contribution())
            except VeilleError as exc:
                self.fail(exc)
        return data

    def submit(self) -> Contribution:
        do = services.do_pledge if self.cleaned_data["kind"] == "pledge" else services.do_commit
        return do(self.actor, self.contribution())


class CommitPledgeForm(StepForm):
    """The commitment of a pledge (never more than was pledged)."""

    amount = amount_field(_("Amount"))
    currency = text(_("Currency (ISO 4217)"))
    value_date = text(_("Value date"), widget=DayInput)
    source = text(_("Source"))

    def __init__(self, data: Mapping[str, Any] | None = None, *, actor: Actor, contribution: int) -> None:
        super().__init__(data, actor=actor, initial={"value_date": dt.date.today().isoformat()})
        self.contribution = contribution

    def clean_value_date(self) -> dt.date:
        return self.checked(iso_day, self.value("value_date"), "value_date")

    def submit(self) -> Contribution:
        d = self.cleaned_data
        data = services.ContributionData("", d["amount"], d["currency"], d["value_date"], [d["source"]])
        return services.do_commit(self.actor, data, contribution=self.contribution)


class AllocationForm(StepForm):
    """A coordinator gives part of a general contribution to a package."""

    package = choice(_("Package"))
    amount = amount_field(_("Amount"))
    currency = text(_("Currency (ISO 4217)"))
    value_date = text(_("Value date"), widget=DayInput)
    source = text(_("Source"))

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        actor: Actor,
        contribution: Contribution,
        packages: Choices,
    ) -> None:
        initial = {
            "package": packages[0][0] if packages else "",
            "currency": contribution.currency,
            "value_date": dt.date.today().isoformat(),
        }
        super().__init__(data, actor=actor, initial=initial)
        self.contribution = contribution
        self.fields["package"].widget.choices = packages

    def check_access(self) -> None:
        require_coordinator(self.actor, "allocate general contributions to packages")

    def clean_value_date(self) -> dt.date:
        return self.checked(iso_day, self.value("value_date"), "value_date")

    def submit(self) -> Any:
        d = self.cleaned_data
        return services.do_allocate(
            self.actor,
            self.contribution.pk,
            int(d["package"]) if d["package"].isdigit() else 0,
            d["amount"],
            d["currency"],
            d["value_date"],
            [d["source"]],
        )


# --- deliveries ---------------------------------------------------------------------------------------


class ShipmentForm(StepForm):
    package_item = choice(_("Item"))
    quantity = text(_("Quantity"), widget=forms.NumberInput)
    hub = text(_("Hub"))
    shipped_on = text(_("Shipped on"), widget=DayInput)

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, actor: Actor, items: Choices, package: Any = None
    ) -> None:
        initial = {"package_item": items[0][0] if items else "", "shipped_on": dt.date.today().isoformat()}
        super().__init__(data, actor=actor, initial=initial)
        self.fields["package_item"].widget.choices = items
        self.package = package

    def check_access(self) -> None:
        require_shipper(self.actor)

    def clean_quantity(self) -> int:
        return self.checked(services.check_quantity, self.value("quantity"))

    def clean_shipped_on(self) -> dt.date:
        return self.checked(services.check_day, self.value("shipped_on"), "shipped_on")

    def submit(self) -> Shipment:
        d = self.cleaned_data
        return services.do_ship(
            self.actor, d["package_item"], d["quantity"], d["hub"], d["shipped_on"], package=self.package
        )


class ReceiptForm(StepForm):
    received_on = text(_("Received on"), widget=DayInput)
    quantity = text(
        _("Quantity received"),
        widget=forms.NumberInput,
        help_text=_("All that was shipped, unless fewer arrived (then say why in the note)."),
    )
    note = text(_("Note"), widget=forms.Textarea)

    def __init__(self, data: Mapping[str, Any] | None = None, *, actor: Actor, shipment: Shipment) -> None:
        initial = {"received_on": dt.date.today().isoformat(), "quantity": str(shipment.quantity)}
        super().__init__(data, actor=actor, initial=initial)
        self.shipment = shipment

    def check_access(self) -> None:
        require_ukraine_editor(self.actor, "confirm receipt of deliveries")

    def clean_received_on(self) -> dt.date:
        return self.checked(services.check_day, self.value("received_on"), "received_on")

    def submit(self) -> Shipment:
        d = self.cleaned_data
        return services.do_receive(
            self.actor, self.shipment.pk, d["received_on"], d["note"], quantity=d.get("quantity") or None
        )
