# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""Support to Ukraine: donors, months and weapons (public data). The claims (``/claims``) are the
shell's: :mod:`veille.web.claims_api`, mounted here."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from veille.support import queries

router = Router(tags=["support"])


class DonorOut(Schema):
    donor: str
    name: str
    kind: str
    military: Decimal
    financial: Decimal
    humanitarian: Decimal
    total: Decimal
    release: int


class MonthOut(Schema):
    month: str
    military: Decimal
    financial: Decimal
    humanitarian: Decimal


class WeaponOut(Schema):
    donor: str
    name: str
    category: str
    value_eur: Decimal
    records: int | None
    where: str


@router.get("/donors", response=list[DonorOut], summary="Allocations by donor and type (EUR), latest release")
@paginate
def donors(request: HttpRequest) -> Any:
    return queries.donor_table()


@router.get("/months", response=list[MonthOut], summary="Allocations per month (EUR), all donors")
@paginate
def months(request: HttpRequest) -> Any:
    return queries.month_table()


@router.get(
    "/weapons", response=list[WeaponOut], summary="Military allocations by weapon category (and donor)"
)
@paginate
def weapons(request: HttpRequest, by_donor: bool = False) -> Any:
    return queries.weapon_table(by_donor=by_donor)
