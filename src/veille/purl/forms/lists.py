"""The forms of a requirement list: draft it, add an item, decide on it (approve or return),
amend it once approved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veille.core.errors import VeilleError
from veille.nations.access import Actor
from veille.purl import services, workflow
from veille.purl.exceptions import BadItem
from veille.purl.forms.base import (
    Choices,
    MonthInput,
    StepForm,
    amount_field,
    choice,
    releasable_nations,
    releasable_to,
    text,
)
from veille.purl.models import Category, RequirementItem, RequirementList, Step
from veille.purl.rights import require_ukraine_editor


class ListForm(StepForm):
    month = text(_("Month"), widget=MonthInput)
    title = text(_("Title"))
    releasable_to = releasable_to()
    releasable_nations = releasable_nations()

    def check_access(self) -> None:
        require_ukraine_editor(self.actor, "draft requirement lists")

    def clean_month(self) -> dt.date:
        return self.checked(services.check_month, self.value("month"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors:
            try:
                services.check_create_list(self.actor, data["month"], data["title"], *self.releasability())
            except VeilleError as exc:
                self.fail(exc)
        return data

    def submit(self) -> RequirementList:
        d = self.cleaned_data
        return services.do_create_list(self.actor, d["month"], d["title"], *self.releasability())


class ItemForm(StepForm):
    """An item of a draft list, new or (``item``) changed; each field through
    :func:`veille.purl.services.check_item_value`."""

    rank = text(_("Rank"), widget=forms.NumberInput)
    category = choice(_("Capability"), Category.choices, Category.AIR_DEFENCE)
    description = text(_("Description"))
    quantity = text(_("Quantity"), widget=forms.NumberInput)
    unit = text(_("Unit"))
    unit_cost_usd = amount_field(_("Estimated unit cost (USD)"), help_text=_("Two decimals at most"))
    cost_source = text(_("Source of the cost estimate"))
    justification = text(_("Justification"), widget=forms.Textarea)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        actor: Actor,
        lst: RequirementList,
        item: RequirementItem | None = None,
    ) -> None:
        initial = {f: getattr(item, f) for f in services.ITEM_FIELDS} if item is not None else None
        super().__init__(data, actor=actor, initial=initial)
        self.lst, self.item = lst, item

    def check_access(self) -> None:
        services.check_list_editable(self.actor, self.lst)

    def item_value(self, name: str) -> Any:
        return self.checked(services.check_item_value, name, self.value(name))

    def clean_rank(self) -> Any:
        return self.item_value("rank")

    def clean_category(self) -> Any:
        return self.item_value("category")

    def clean_description(self) -> Any:
        return self.item_value("description")

    def clean_quantity(self) -> Any:
        return self.item_value("quantity")

    def clean_unit(self) -> Any:
        return self.item_value("unit")

    def clean_unit_cost_usd(self) -> Any:
        return self.item_value("unit_cost_usd")

    def clean_cost_source(self) -> Any:
        return self.item_value("cost_source")

    def clean_justification(self) -> Any:
        return self.item_value("justification")

    def submit(self) -> Any:
        if self.item is not None:
            changes = {k: self.cleaned_data[k] for k in services.ITEM_FIELDS}
            return services.do_update_item(self.actor, self.item.pk, changes)
        item = services.ItemData(**{k: self.cleaned_data[k] for k in services.ITEM_FIELDS})
        return services.do_add_item(self.actor, self.lst.pk, item)


class ItemRemoveForm(StepForm):
    """Take an item out of a draft (it stays on the page, struck out, and in the exports)."""

    def __init__(self, data: Mapping[str, Any] | None = None, *, actor: Actor, item: RequirementItem) -> None:
        super().__init__(data, actor=actor)
        self.item = item

    def check_access(self) -> None:
        services.check_list_editable(self.actor, self.item.requirement_list)

    def submit(self) -> Any:
        return services.do_remove_item(self.actor, self.item.pk)


class ReorderForm(StepForm):
    """The draft's items in a new order: a position for each (``pos_<id>``), or the whole ``order``
    (``3,1,2``: what the list page's up and down buttons send)."""

    order = text(_("Order"), widget=forms.HiddenInput)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        actor: Actor,
        lst: RequirementList,
        items: list[RequirementItem],
    ) -> None:
        super().__init__(data, actor=actor)
        self.lst, self.items = lst, items
        for it in items:
            self.fields[f"pos_{it.pk}"] = text(
                f"{it.description}", widget=forms.NumberInput, initial=str(it.rank)
            )

    def check_access(self) -> None:
        services.check_list_editable(self.actor, self.lst)

    def wanted(self) -> list[int]:
        """The order asked: as given, or the items sorted by the positions typed (ties keep their order)."""
        if self.value("order"):
            return [int(i) for i in self.value("order").split(",") if i.strip().isdigit()]
        positions = []
        for n, it in enumerate(self.items):
            raw = self.value(f"pos_{it.pk}")
            try:
                position = int(raw)
            except (TypeError, ValueError):
                self.fail(BadItem(f"{raw!r} is not a whole number", field=f"pos_{it.pk}"))
                position = it.rank
            positions.append((position, n, it.pk))
        return [pk for _p, _n, pk in sorted(positions)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.errors:
            try:
                services.check_order(self.lst, self.wanted())
            except VeilleError as exc:
                self.fail(exc)
        return self.cleaned_data

    def submit(self) -> Any:
        return services.do_reorder_items(self.actor, self.lst.pk, self.wanted())


class DecisionForm(StepForm):
    step = choice(_("Step"), Step.choices)
    decision = choice(_("Decision"), [("approve", _("Approve")), ("return", _("Return"))], "approve")
    comment = text(_("Comment"), widget=forms.Textarea, help_text=_("Required when returning the list"))

    def __init__(self, data: Mapping[str, Any] | None = None, *, actor: Actor, lst: RequirementList) -> None:
        super().__init__(data, actor=actor, initial={"step": workflow.current_step(lst.state) or "USA"})
        self.lst = lst

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            services.check_decision(self.actor, self.lst, data["step"], data["decision"], data["comment"])
        except VeilleError as exc:
            self.fail(exc)
        return data

    def submit(self) -> Any:
        d = self.cleaned_data
        return services.do_decide(self.actor, self.lst.pk, d["step"], d["decision"], d["comment"])


#: What an amendment may change in an item (the fields left empty stay as they are).
CHANGEABLE = ("rank", "quantity", "unit_cost_usd", "cost_source", "description", "justification")


class AmendForm(StepForm):
    item = choice(_("Item"))
    action = choice(
        _("Change"), [("change", _("Change the fields below")), ("remove", _("Remove the item"))], "change"
    )
    rank = text(_("New rank"))
    quantity = text(_("New quantity"))
    unit_cost_usd = amount_field(_("New estimated unit cost (USD)"))
    cost_source = text(_("New source of the cost estimate"))
    description = text(_("New description"))
    justification = text(_("New justification"), widget=forms.Textarea)
    reason = text(_("Why the list is amended"), widget=forms.Textarea)

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, actor: Actor, lst: RequirementList, items: Choices
    ) -> None:
        super().__init__(data, actor=actor, initial={"item": items[0][0] if items else ""})
        self.lst = lst
        self.fields["item"].widget.choices = items

    def check_access(self) -> None:
        require_ukraine_editor(self.actor, "amend requirement lists")

    def changed(self, name: str) -> Any:
        """A new value, checked as an item's field is (when given and the item is not removed)."""
        value = self.value(name)
        if not value or self.cleaned_data.get("action") == "remove":
            return value
        return self.checked(services.check_item_value, name, value)

    def clean_rank(self) -> Any:
        return self.changed("rank")

    def clean_quantity(self) -> Any:
        return self.changed("quantity")

    def clean_unit_cost_usd(self) -> Any:
        return self.changed("unit_cost_usd")

    def clean_cost_source(self) -> Any:
        return self.changed("cost_source")

    def clean_description(self) -> Any:
        return self.changed("description")

    def clean_justification(self) -> Any:
        return self.changed("justification")

    def clean_reason(self) -> str:
        return self.checked(services.check_reason, self.value("reason"), "the list is amended")

    def submit(self) -> Any:
        d = self.cleaned_data
        if d["action"] == "remove":
            change: dict[str, Any] = {"remove": d["item"]}
        else:
            change = {"item": d["item"], **{k: d[k] for k in CHANGEABLE if d.get(k)}}
        return services.do_amend_list(self.actor, self.lst.pk, [change], d["reason"])
