"""The forms of people and rights: invite a person, change a membership, accept an invitation.

Each reads its fields as :mod:`veille.nations.services.people` does: rights first (a caller without
them learns nothing about the fields), then each field through the service's own check, then the
service's ``do_*``, whose error is shown beside the field it names or above the form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from veille.core.errors import VeilleError
from veille.nations import services
from veille.nations.access import Actor, require_coordinator
from veille.nations.models import Nation, Role

__all__ = ["AcceptForm", "InviteForm", "MembershipForm"]


def _nation_choices() -> list[tuple[str, str]]:
    return [
        ("", str(_("NATO staff"))),
        *((n.code, f"{n.display_name} ({n.code})") for n in Nation.objects.all()),
    ]


def _role_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Role.choices]


class _ServiceForm(forms.Form):
    use_required_attribute = False  # the services say what is missing, in their words

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        if data is not None:
            data = {k: str(v).strip() for k, v in data.items() if k != "csrfmiddlewaretoken"}
        super().__init__(data, auto_id="f-%s", label_suffix="", **kwargs)
        self.failure: VeilleError | None = None

    def check_access(self) -> None:
        """The service's checks that come before any field (none by default)."""

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        try:
            self.check_access()
        except VeilleError as exc:  # rights first: the fields' errors are not shown
            self.errors.clear()
            self.cleaned_data = {}
            self.fail(exc)

    def fail(self, exc: VeilleError) -> None:
        self.failure = self.failure or exc
        self.add_error(exc.field if exc.field in self.fields else None, ValidationError(exc.message))

    @property
    def status(self) -> int:
        if self.failure is not None:
            return self.failure.http_status
        return 422 if self.errors else 200


class _MembershipFields(_ServiceForm):
    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["nation"].widget.choices = _nation_choices()
        self.fields["role"].widget.choices = _role_choices()

    nation = forms.CharField(
        label=_("Nation"),
        required=False,
        widget=forms.Select,
        help_text=_("Users of a nation see what is released to it; NATO staff see what is released to NATO."),
    )
    role = forms.CharField(label=_("Role"), widget=forms.Select)

    def clean_nation(self) -> str | None:
        return self.cleaned_data.get("nation") or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "role" in data and "nation" in data:
            try:
                services.check_membership(data["nation"], data["role"])
            except VeilleError as exc:
                self.fail(exc)
        return data


class InviteForm(_MembershipFields):
    email = forms.CharField(label=_("E-mail address"), max_length=254)

    field_order = ["email", "nation", "role"]

    def __init__(self, data: Mapping[str, Any] | None = None, *, actor: Actor, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.actor = actor

    def check_access(self) -> None:
        require_coordinator(self.actor, "invite people")

    def submit(self, link_for: Callable[[str], str]) -> tuple[Any, str]:
        d = self.cleaned_data
        return services.do_invite(self.actor, d["email"], d["nation"], d["role"], link_for=link_for)


class MembershipForm(_MembershipFields):
    def __init__(
        self, data: Mapping[str, Any] | None = None, *, actor: Actor, person: Any, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.actor = actor
        self.person = person

    def check_access(self) -> None:
        services.check_grant(self.actor, self.person, Role.VIEWER)

    def submit(self) -> Any:
        d = self.cleaned_data
        return services.do_set_membership(self.actor, self.person, d["nation"], d["role"])


class AcceptForm(_ServiceForm):
    username = forms.CharField(
        label=_("User name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 12 characters; not a common password, nor only digits, nor your name."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, data: Mapping[str, Any] | None = None, *, key: str, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        if data is not None:  # passwords are taken as typed, spaces included
            typed = {k: str(data.get(k, "")) for k in ("password", "password2")}
            self.data = {**self.data, **typed}
        self.key = key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") is not None and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif "password" in data and "username" in data:
            try:
                services.check_accept_invitation(self.key, data["username"], data["password"])
            except VeilleError as exc:
                self.fail(exc)
        return data

    def submit(self, ip: str | None) -> Any:
        d = self.cleaned_data
        return services.do_accept_invitation(self.key, d["username"], d["password"], ip=ip)
