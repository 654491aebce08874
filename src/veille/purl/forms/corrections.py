"""The forms that correct a contribution: amend a pledge or a commitment to a new amount, or cancel
the contribution (ledger amendments and reversals, :mod:`veille.purl.services.corrections`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veille.core.errors import VeilleError
from veille.core.money import Money
from veille.kit.forms import written_amount
from veille.ledger import services as ledger
from veille.nations.access import Actor
from veille.purl import services
from veille.purl.forms.base import StepForm, amount_field, choice, text
from veille.purl.models import Contribution


class ContributionAmendForm(StepForm):
    """A pledge or a commitment of the contribution to a new amount, in its own currency."""

    event = choice(_("Pledge or commitment"))
    amount = amount_field(_("New amount"), help_text=_("In the currency it was given in"))
    source = text(_("Source (decision, letter, announcement)"))
    note = text(_("Why it changes"), widget=forms.Textarea)

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, actor: Actor, contribution: Contribution
    ) -> None:
        self.contribution = contribution
        options = []
        for fe in services.live_events(contribution):
            if fe.role in ("pledge", "commitment"):
                size = Money.from_minor(ledger.size_of(fe.event_id), fe.event.currency)
                shown = f"{written_amount(size.amount)} {size.currency}"
                options.append((str(fe.event_id), f"{fe.get_role_display()} #{fe.event_id}: {shown}"))
        super().__init__(data, actor=actor, initial={"event": options[-1][0] if options else ""})
        self.fields["event"].widget.choices = options

    def check_access(self) -> None:
        services.check_correction(self.actor, self.contribution)

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.errors:
            try:
                services.check_amend_contribution(
                    self.actor, self.contribution, self.value("amount"), self.value("event")
                )
            except VeilleError as exc:
                self.fail(exc)
        return self.cleaned_data

    def submit(self) -> Any:
        d = self.cleaned_data
        return services.do_amend_contribution(
            self.actor, self.contribution.pk, d["amount"], [d["source"]], d["note"], d["event"]
        )


class ContributionCancelForm(StepForm):
    """Cancel a contribution recorded by mistake: every live ledger event of it is reversed."""

    reason = text(_("Why it is cancelled"), widget=forms.Textarea, help_text=_("Recorded with the reversals"))
    source = text(_("Source (decision, letter, announcement)"))

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, actor: Actor, contribution: Contribution
    ) -> None:
        super().__init__(data, actor=actor)
        self.contribution = contribution

    def check_access(self) -> None:
        services.check_correction(self.actor, self.contribution)

    def clean_reason(self) -> str:
        return self.checked(services.check_reason, self.value("reason"), "the contribution is cancelled")

    def submit(self) -> Any:
        d = self.cleaned_data
        return services.do_cancel_contribution(self.actor, self.contribution.pk, d["reason"], [d["source"]])
