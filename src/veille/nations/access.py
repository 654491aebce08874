"""Who is acting, what they may see, what they may change.

``Actor`` travels from the view, the API or the command into services. ``Releasable`` gives a
model its ``releasable_to`` marking and the one read path, ``Model.objects.visible_to(user)``:

* ``PUBLIC``: everyone, logged in or not;
* ``NATO``: users of nations that are allies today, and NATO staff;
* ``NATIONS``: the nations listed in ``releasable_nations`` (stored as ``|NOR|POL|`` so that the
  filter needs no join);
* a record is always visible to users of its ``owner_nation``; coordinators and admins see all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self, cast

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veille.core.errors import InvalidInput, PermissionDenied
from veille.kit.addresses import client_address
from veille.nations.exceptions import NotAMember, WrongNation
from veille.nations.models import Membership, Nation, NationKind, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.http import HttpRequest


def membership_of(user: AbstractBaseUser | AnonymousUser | None) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    cached: Any = getattr(user, "_veille_membership", False)
    if cached is not False:
        return cast(Membership | None, cached)
    membership = Membership.objects.select_related("nation").filter(user_id=user.pk).first()
    setattr(user, "_veille_membership", membership)  # noqa: B010 (a per-request cache on the user object)
    return membership


def sees_everything(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    m = membership_of(user)
    if user is not None and getattr(user, "is_superuser", False):
        return True
    return m is not None and m.role in (Role.COORDINATOR, Role.ADMIN)


@dataclass(frozen=True)
class Actor:
    """The party behind a write: a user (with address and channel) or a named system process."""

    user: Any = None
    ip: str | None = None
    via: str = "web"
    system: str | None = None
    _m: Membership | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_request(cls, request: HttpRequest, via: str = "web") -> Actor:
        ip = client_address(request)
        user = request.user if request.user.is_authenticated else None
        return cls(user=user, ip=ip or None, via=via, _m=membership_of(user))

    @classmethod
    def for_user(cls, user: Any, via: str = "cli") -> Actor:
        return cls(user=user, via=via, _m=membership_of(user))

    @classmethod
    def system_process(cls, name: str) -> Actor:
        """An import or other batch job, acting with coordinator rights and audited under its name."""
        return cls(system=name, via="cli")

    @property
    def label(self) -> str:
        if self.system:
            return f"system:{self.system}"
        return self.user.get_username() if self.user is not None else "anonymous"

    @property
    def membership(self) -> Membership | None:
        return self._m if self._m is not None else membership_of(self.user)

    @property
    def nation_code(self) -> str | None:
        m = self.membership
        return m.nation_id if m else None

    @property
    def role(self) -> str | None:
        if self.system:
            return Role.ADMIN
        m = self.membership
        return m.role if m else None

    @property
    def is_coordinator(self) -> bool:
        return self.system is not None or self.role in (Role.COORDINATOR, Role.ADMIN)


def require_member(actor: Actor) -> None:
    if actor.system is None and actor.membership is None:
        raise NotAMember(f"{actor.label} belongs to no nation and is not NATO staff")


def require_coordinator(actor: Actor, what: str) -> None:
    if not actor.is_coordinator:
        raise PermissionDenied(
            f"only coordinators may {what}; {actor.label} is {actor.role or 'not a member'}"
        )


def require_editor_for(actor: Actor, nation_code: str, what: str) -> None:
    """Editors act for their own nation only; coordinators and admins for any."""
    if actor.is_coordinator:
        return
    require_member(actor)
    if actor.role != Role.EDITOR:
        raise PermissionDenied(f"{actor.label} is a {actor.role} and may not {what}")
    if actor.nation_code != nation_code:
        raise WrongNation(
            f"{actor.label} edits for {actor.nation_code} and may not {what} for {nation_code}",
            field="nation",
        )


class Releasability(models.TextChoices):
    PUBLIC = "PUBLIC", _("Public")
    NATO = "NATO", _("All NATO allies")
    NATIONS = "NATIONS", _("Listed nations only")


def encode_nations(codes: Iterable[str]) -> str:
    """``["NOR", "pol"]`` → ``"|NOR|POL|"``; the empty list gives ``""``."""
    cleaned = sorted({c.strip().upper() for c in codes if c.strip()})
    return "|" + "|".join(cleaned) + "|" if cleaned else ""


def validate_releasability(releasable_to: str, nations: Iterable[str]) -> tuple[str, str]:
    codes = list(nations)
    if releasable_to not in Releasability.values:
        raise InvalidInput(f"must be one of {', '.join(Releasability.values)}", field="releasable_to")
    if releasable_to == Releasability.NATIONS and not codes:
        raise InvalidInput(
            "list at least one nation when releasable to listed nations", field="releasable_nations"
        )
    encoded = encode_nations(codes)
    known = set(
        Nation.objects.filter(code__in=[c for c in encoded.split("|") if c]).values_list("code", flat=True)
    )
    unknown = [c for c in encoded.split("|") if c and c not in known]
    if unknown:
        raise InvalidInput(f"unknown nation code(s): {', '.join(unknown)}", field="releasable_nations")
    return releasable_to, encoded


def _audience(nations: str, owner: str | None) -> set[str]:
    return {c for c in nations.split("|") if c} | ({owner} if owner else set())


def releasable_within(
    releasable_to: str,
    nations: str,
    owner: str | None,
    limit: Releasable,
    on: dt.date | None = None,
) -> bool:
    """Whether a record marked (``releasable_to``, ``nations`` as ``|NOR|POL|``, ``owner``) reaches no
    reader that ``limit`` does not reach (coordinators, who see all, aside): a package built from a
    list is never more releasable than the list."""
    if limit.releasable_to == Releasability.PUBLIC:
        return True
    if releasable_to == Releasability.PUBLIC:
        return False
    if limit.releasable_to == Releasability.NATO:
        if releasable_to == Releasability.NATO:
            return True
        day = on or dt.date.today()
        codes = _audience(nations, owner) - {limit.owner_nation_id}
        allies = {n.code for n in Nation.objects.filter(code__in=codes) if n.is_ally_on(day)}
        return codes <= allies
    # the limit reaches its listed nations (and its owner) only
    if releasable_to == Releasability.NATO:
        return False
    return _audience(nations, owner) <= _audience(limit.releasable_nations, limit.owner_nation_id)


def describe_releasability(record: Releasable) -> str:
    """``PUBLIC``, ``NATO`` or ``NOR, POL`` (the nations), for messages."""
    if record.releasable_to == Releasability.NATIONS:
        return ", ".join(record.releasable_nation_codes) or Releasability.NATIONS
    return str(record.releasable_to)


class ReleasableQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """The only read path for releasable records (pages, API and exports alike)."""
        if sees_everything(user):
            return self
        condition = Q(releasable_to=Releasability.PUBLIC)
        m = membership_of(user)
        if m is not None:
            if m.nation_id is None or (m.nation and m.nation.is_ally_on(dt.date.today())):
                condition |= Q(releasable_to=Releasability.NATO)
            if m.nation_id is not None:
                condition |= Q(
                    releasable_to=Releasability.NATIONS, releasable_nations__contains=f"|{m.nation_id}|"
                )
                condition |= Q(owner_nation_id=m.nation_id)
        return self.filter(condition)


class Releasable(models.Model):
    """Abstract base of every record that is not public by nature."""

    releasable_to = models.CharField(
        max_length=8, choices=Releasability.choices, default=Releasability.NATO, db_index=True
    )
    releasable_nations = models.CharField(max_length=400, blank=True, default="")
    owner_nation = models.ForeignKey(
        Nation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The nation whose record this is; its users always see it."),
    )

    objects = ReleasableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def releasable_nation_codes(self) -> list[str]:
        return [c for c in self.releasable_nations.split("|") if c]

    def is_visible_to(self, user: Any) -> bool:
        return type(self).objects.visible_to(user).filter(pk=self.pk).exists()


def kind_label(kind: str) -> str:
    return str(NationKind(kind).label)
