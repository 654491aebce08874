"""What every form of PURL's workflow shares: the order of its checks, its named errors and their
status, and the fields it is made of (text read as the services read it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from veille.core.errors import InvalidInput, VeilleError
from veille.kit.forms import AmountField
from veille.nations.access import Actor, Releasability

T = TypeVar("T")
Choices = Sequence[tuple[Any, Any]]


class MonthInput(forms.TextInput):
    input_type = "month"


class DayInput(forms.TextInput):
    input_type = "date"


class Text(forms.CharField):
    """A value read as text (stripped; empty when absent): the services check it. A form posted
    without it shows its initial value again (what the page offered), never a blank."""

    def bound_data(self, data: Any, initial: Any) -> Any:
        return initial if data is None else data


def text(label: Any, *, widget: Any = None, help_text: Any = "", initial: Any = None) -> forms.CharField:
    return Text(
        label=label, required=False, widget=widget or forms.TextInput, help_text=help_text, initial=initial
    )


class Amount(AmountField, Text):
    """An amount as written in the page's language (``1 000,50`` in French, ``1,000.50`` in
    English), handed to the services as a plain decimal."""


def amount_field(label: Any, *, help_text: Any = "", initial: Any = None) -> forms.CharField:
    return Amount(label=label, required=False, help_text=help_text, initial=initial)


def choice(label: Any, choices: Choices = (), initial: Any = None) -> forms.CharField:
    """A select whose value the service checks (a value outside the options gets its named error)."""
    return text(label, widget=forms.Select(choices=choices), initial=initial)


def releasable_to() -> forms.CharField:
    return choice(_("Releasable to"), Releasability.choices, Releasability.NATO)


def releasable_nations() -> forms.CharField:
    return text(_("Nations (codes, comma-separated) when releasable to listed nations"))


def iso_day(value: str, field: str) -> dt.date:
    """A value date as the page gives it (``YYYY-MM-DD``)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("a date (YYYY-MM-DD)", field=field) from None


class StepForm(forms.Form):
    """One step of the workflow, taken by ``actor`` (see the module's docstring for the order of
    the checks). The values are read stripped, as the services read them."""

    use_required_attribute = False  # the services say what is missing, in their words

    def __init__(self, data: Mapping[str, Any] | None = None, *, actor: Actor, **kwargs: Any) -> None:
        if data is not None:
            data = {k: str(v).strip() for k, v in data.items() if k != "csrfmiddlewaretoken"}
        super().__init__(data, auto_id="f-%s", label_suffix="", **kwargs)
        self.actor = actor
        self.failures: list[VeilleError] = []

    # --- the order of the checks ---

    def check_access(self) -> None:
        """The service's checks that come before any field (none by default)."""

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        try:
            self.check_access()
        except VeilleError as exc:  # rights first: the fields' errors are not shown
            self.failures.clear()
            self.errors.clear()
            self.cleaned_data = {}
            self.fail(exc)

    def submit(self) -> Any:
        """Perform the step through the service (after :meth:`is_valid`); returns what it made."""
        raise NotImplementedError

    # --- errors ---

    def checked(self, check: Callable[..., T], *args: Any) -> T:
        """``check(*args)`` in ``clean_<field>``: its named error becomes this field's error."""
        try:
            return check(*args)
        except VeilleError as exc:
            self.failures.append(exc)
            raise ValidationError(exc.message, code=exc.code) from exc

    def fail(self, exc: VeilleError) -> None:
        """Show a service's error beside the field it names, or above the form."""
        self.failures.append(exc)
        self.add_error(exc.field if exc.field in self.fields else None, ValidationError(exc.message))

    @property
    def first_error(self) -> VeilleError | None:
        return self.failures[0] if self.failures else None

    @property
    def error_placed(self) -> bool:
        return self.first_error is not None and self.first_error.field in self.fields

    @property
    def status(self) -> int:
        if self.first_error is not None:
            return self.first_error.http_status
        return 422 if self.is_bound and self.errors else 200

    # --- reading values ---

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name, "")

    def releasability(self) -> tuple[str, list[str]]:
        """The marking and the nations it lists (``NOR, POL`` or ``NOR;POL``)."""
        given = self.value("releasable_nations").replace(";", ",")
        to = self.data.get("releasable_to", Releasability.NATO)
        return to, [c for c in given.split(",") if c.strip()]
