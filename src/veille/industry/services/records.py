"""Every write of the industry app: importing the dataset (``imports.do_import``), recording a figure
or a contract, mapping PURL categories. Figures are append-only: a new one is a new row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from veille.audit.services import do_audit, snapshot
from veille.core import industry as core
from veille.core.errors import Conflict
from veille.core.money import check_currency
from veille.industry.exceptions import InvalidFigure, InvalidMapping, NoSuchProduct, NoSuchSite
from veille.industry.models import (
    BuyerKind,
    CapacityFigure,
    CategoryMapping,
    Contract,
    DeliveryLine,
    Producer,
    Product,
    Site,
    SubjectKind,
)
from veille.industry.rows import check_figure_values
from veille.nations.access import (
    Actor,
    Releasability,
    require_coordinator,
    require_editor_for,
    validate_releasability,
)
from veille.nations.models import Nation

PURL_CATEGORY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

# --- a figure recorded by an editor -------------------------------------------------------------


def check_figure(actor: Actor, values: Mapping[str, Any], today: dt.date | None = None) -> dict[str, Any]:
    """Validate a figure from a form or the API and the actor's right to record it. Editors record
    figures for their own nation's producers and sites; coordinators for any."""
    today = today or dt.date.today()
    product = (
        Product.objects.filter(slug=values.get("product")).first()
        or Product.objects.filter(name=values.get("product")).first()
    )
    if product is None:
        raise NoSuchProduct(f"no product {values.get('product')!r}; see /industry/products/", field="product")
    stated = core.PartialDate.parse(str(values.get("stated") or ""), field="stated")
    kind, unit = str(values.get("kind") or ""), str(values.get("unit") or "").strip()
    check_figure_values(kind, product.category, unit, stated, str(values.get("period_label") or ""), today)
    raw = str(values.get("quantity") or "").strip()
    try:
        quantity = Decimal(raw.replace(",", ""))
    except ArithmeticError:
        raise InvalidFigure(f"{raw!r} is not a number", field="quantity") from None
    if not quantity.is_finite() or quantity < 0:
        raise InvalidFigure(f"{raw}: expected a quantity of zero or more", field="quantity")
    if core.unit_kind(unit) == "money":
        check_currency(unit, field="unit")
    target = None
    if values.get("target_date"):
        target = core.PartialDate.parse(str(values["target_date"]), field="target_date")
    elif kind == "target_capacity":
        raise InvalidFigure("a target needs its date (YYYY, YYYY-MM or YYYY-MM-DD)", field="target_date")
    site = None
    if values.get("site"):
        site = Site.objects.select_related("producer").filter(name=values["site"]).first()
        if site is None:
            raise NoSuchSite(f"no site {values['site']!r}; see /industry/producers/", field="site")
    producer = site.producer if site else None
    if values.get("producer") and producer is None:
        producer = Producer.objects.filter(name=values["producer"]).first()
        if producer is None:
            raise InvalidFigure(f"no producer {values['producer']!r}", field="producer")
    nation = (site.nation if site else None) or (producer.nation if producer else None)
    if nation is None:
        raise InvalidFigure("name a site or a producer whose nation is known", field="site")
    require_editor_for(actor, nation.code, "record an industry figure")
    for name in ("source_title", "source_url"):
        if not str(values.get(name) or "").strip():
            raise InvalidFigure("every figure needs its source", field=name)
    for name, limit in (("source_title", 400), ("source_url", 600), ("period_label", 120), ("quantity", 40)):
        if len(str(values.get(name) or "").strip()) > limit:
            raise InvalidFigure(f"at most {limit} characters", field=name)
    marking, nations = validate_releasability(
        str(values.get("releasable_to") or Releasability.NATO), values.get("releasable_nations") or ()
    )
    return {
        "product": product,
        "kind": kind,
        "quantity": quantity,
        "raw": raw,
        "unit": unit,
        "stated": stated,
        "target": target,
        "site": site,
        "producer": producer,
        "nation": nation,
        "marking": marking,
        "nations": nations,
    }


def do_record_figure(actor: Actor, values: Mapping[str, Any]) -> CapacityFigure:
    """Record a new figure (never a change to a stored one)."""
    ok = check_figure(actor, values)
    site, producer, nation = ok["site"], ok["producer"], ok["nation"]
    with transaction.atomic():
        n = CapacityFigure.objects.select_for_update().filter(ref__startswith=f"{nation.code}-").count()
        figure = CapacityFigure.objects.create(
            ref=f"{nation.code}-{n + 1:04d}",
            product=ok["product"],
            kind=ok["kind"],
            quantity=ok["quantity"],
            raw=ok["raw"],
            unit=ok["unit"],
            period_label=str(values.get("period_label") or "").strip(),
            target_date=str(ok["target"]) if ok["target"] else "",
            stated=str(ok["stated"]),
            stated_on=ok["stated"].last_day,
            subject_kind=SubjectKind.SITE if site else SubjectKind.COMPANY,
            subject_label=site.name if site else producer.name,
            nation=nation,
            producer=producer,
            site=site,
            actor=actor.label,
            actor_type="government" if actor.nation_code else "alliance",
            country=nation.name,
            source_title=str(values["source_title"]).strip(),
            source_url=str(values["source_url"]).strip(),
            note=str(values.get("note") or "").strip(),
            recorded_by=actor.label,
            releasable_to=ok["marking"],
            releasable_nations=ok["nations"],
            owner_nation=nation,
        )
        do_audit(actor, "industry.figure.record", figure, after=snapshot(figure))
    return figure


# --- a contract recorded by a buyer's editor ------------------------------------------------------


def check_contract(actor: Actor, values: Mapping[str, Any], today: dt.date | None = None) -> dict[str, Any]:
    """Validate a contract: its buyer (a nation's editors record their nation's orders; NSPA, EU and
    joint orders are for coordinators), a quantity or a value, the signing date, delivery lines that
    never exceed the quantity ordered, and the source."""
    today = today or dt.date.today()
    product = (
        Product.objects.filter(slug=values.get("product")).first()
        or Product.objects.filter(name=values.get("product")).first()
    )
    if product is None:
        raise NoSuchProduct(f"no product {values.get('product')!r}", field="product")
    kind = str(values.get("buyer_kind") or "")
    if kind not in (BuyerKind.NATION, BuyerKind.NSPA, BuyerKind.EU, BuyerKind.JOINT):
        raise InvalidFigure("expected nation, nspa, eu or joint", field="buyer_kind")
    nation = None
    if kind == BuyerKind.NATION:
        nation = Nation.objects.filter(code=str(values.get("buyer_nation") or "").upper()).first()
        if nation is None:
            raise InvalidFigure(f"no nation {values.get('buyer_nation')!r}", field="buyer_nation")
        require_editor_for(actor, nation.code, "record a contract")
    else:
        require_coordinator(actor, "record NSPA, EU or joint contracts")
    supplier = None
    if values.get("supplier"):
        supplier = Producer.objects.filter(name=values["supplier"]).first()
        if supplier is None:
            raise InvalidFigure(f"no producer {values['supplier']!r}", field="supplier")
    quantity = _non_negative(values.get("quantity"), "quantity")
    amount = _non_negative(values.get("value_amount"), "value_amount")
    if quantity is None and amount is None:
        raise InvalidFigure("give a quantity or a value", field="quantity")
    unit = str(values.get("quantity_unit") or "units")
    if quantity is not None and unit not in core.STOCKS:
        raise InvalidFigure(f"{unit!r}: expected units or tonnes", field="quantity_unit")
    currency = (
        check_currency(values.get("value_currency"), field="value_currency") if amount is not None else ""
    )
    signed = core.PartialDate.parse(str(values.get("signed") or ""), field="signed")
    if signed.first_day > today:
        raise InvalidFigure(f"a contract signed on {signed} is dated in the future", field="signed")
    lines = []
    for k, line in enumerate(values.get("deliveries") or []):
        due = core.PartialDate.parse(str(line.get("due") or ""), field=f"deliveries[{k}].due")
        q = _non_negative(line.get("quantity"), f"deliveries[{k}].quantity")
        if not q:
            raise InvalidFigure("expected a quantity above zero", field=f"deliveries[{k}].quantity")
        lines.append((due, q))
    if lines and quantity is None:
        raise InvalidFigure("delivery lines need the quantity ordered", field="deliveries")
    if quantity is not None and sum((q for _, q in lines), Decimal(0)) > quantity:
        raise InvalidFigure(
            f"the delivery lines add up to more than the {quantity} ordered", field="deliveries"
        )
    for name in ("source_title", "source_url"):
        if not str(values.get(name) or "").strip():
            raise InvalidFigure("every contract needs its source", field=name)
    return {
        "product": product,
        "kind": kind,
        "nation": nation,
        "supplier": supplier,
        "quantity": quantity,
        "unit": unit,
        "amount": amount,
        "currency": currency,
        "signed": signed,
        "lines": lines,
    }


def _non_negative(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except ArithmeticError:
        raise InvalidFigure(f"{value!r} is not a number", field=field) from None
    if not number.is_finite() or number < 0:
        raise InvalidFigure(f"{value}: expected zero or more", field=field)
    return number


def do_record_contract(actor: Actor, values: Mapping[str, Any]) -> Contract:
    """Record a contract, its figure (a new row) and its delivery lines, in one transaction."""
    ok = check_contract(actor, values)
    nation: Nation | None = ok["nation"]
    label = nation.name if nation else str(values.get("buyer_label") or ok["kind"].upper())[:120]
    prefix = nation.code if nation else "NATO"
    with transaction.atomic():
        n = CapacityFigure.objects.select_for_update().filter(ref__startswith=f"{prefix}-").count()
        ref = f"{prefix}-{n + 1:04d}"
        money = ok["amount"] is not None and ok["quantity"] is None
        figure = CapacityFigure.objects.create(
            ref=ref,
            product=ok["product"],
            kind="contract",
            quantity=ok["amount"] if money else ok["quantity"],
            raw=str(ok["amount"] if money else ok["quantity"]),
            unit=ok["currency"] if money else ok["unit"],
            stated=str(ok["signed"]),
            stated_on=ok["signed"].last_day,
            subject_kind=SubjectKind.NATION if nation else SubjectKind.ALLIANCE,
            subject_label=nation.code if nation else label,
            nation=nation,
            producer=ok["supplier"],
            actor=actor.label,
            actor_type="government" if nation else "alliance",
            country=nation.name if nation else label,
            source_title=str(values["source_title"]).strip()[:400],
            source_url=str(values["source_url"]).strip()[:600],
            note=str(values.get("note") or "").strip(),
            recorded_by=actor.label,
            releasable_to=Releasability.PUBLIC,
            owner_nation=nation,
        )
        contract = Contract.objects.create(
            figure=figure,
            ref=ref,
            product=ok["product"],
            buyer_kind=ok["kind"],
            buyer_label=label,
            buyer_nation=nation,
            supplier=ok["supplier"],
            quantity=ok["quantity"],
            quantity_unit=ok["unit"] if ok["quantity"] is not None else "",
            value_amount=ok["amount"],
            value_currency=ok["currency"],
            signed=str(ok["signed"]),
            signed_on=ok["signed"].last_day,
            releasable_to=Releasability.PUBLIC,
            owner_nation=nation,
        )
        for due, q in ok["lines"]:
            DeliveryLine.objects.create(contract=contract, due=str(due), due_on=due.last_day, quantity=q)
        after = snapshot(contract) or {}
        after["deliveries"] = [[str(d), str(q)] for d, q in ok["lines"]]
        do_audit(actor, "industry.contract.record", contract, after=after)
    return contract


# --- a site's position, with its source ---------------------------------------------------------------


def check_location(
    actor: Actor, site: str, lat: Any, lon: Any, source: str
) -> tuple[Site, Decimal, Decimal, str]:
    """Coordinators place a site on the map, always with the source of its coordinates."""
    require_coordinator(actor, "place sites on the map")
    found = Site.objects.filter(name=site).first()
    if found is None:
        raise NoSuchSite(f"no site {site!r}", field="site")
    values = []
    for name, value, bound in (("lat", lat, 90), ("lon", lon, 180)):
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            number = Decimal("NaN")
        if not number.is_finite() or abs(number) > bound:
            raise InvalidFigure(f"{value!r}: expected degrees between -{bound} and {bound}", field=name)
        values.append(number.quantize(Decimal("0.00001")))
    source = (source or "").strip()
    if not source or len(source) > 300:
        raise InvalidFigure("say where the coordinates come from (at most 300 characters)", field="source")
    return found, values[0], values[1], source


def do_locate_site(actor: Actor, site: str, lat: Any, lon: Any, source: str) -> Site:
    found, lat_, lon_, source = check_location(actor, site, lat, lon, source)
    with transaction.atomic():
        before = snapshot(found)
        found.lat, found.lon, found.coordinates_source = lat_, lon_, source
        found.save(update_fields=["lat", "lon", "coordinates_source"])
        do_audit(actor, "industry.site.locate", found, before=before, after=snapshot(found))
    return found


# --- PURL category → product mapping -------------------------------------------------------------


def check_mapping(actor: Actor, category: str, product: str) -> tuple[str, Product]:
    require_coordinator(actor, "map PURL categories to products")
    category = (category or "").strip()
    if not PURL_CATEGORY.match(category):
        raise InvalidMapping(
            f"{category!r}: expected a PURL category key (lower case letters, digits, _), e.g. air_defence",
            field="purl_category",
        )
    found = Product.objects.filter(slug=product).first() or Product.objects.filter(name=product).first()
    if found is None:
        raise NoSuchProduct(f"no product {product!r}", field="product")
    if CategoryMapping.objects.filter(purl_category=category, product=found).exists():
        raise Conflict(f"{category} is already mapped to {found.name}", field="product")
    return category, found


def do_map_category(actor: Actor, category: str, product: str, note: str = "") -> CategoryMapping:
    category, found = check_mapping(actor, category, product)
    with transaction.atomic():
        mapping = CategoryMapping.objects.create(
            purl_category=category, product=found, note=(note or "").strip()[:300], created_by=actor.label
        )
        do_audit(actor, "industry.mapping.create", mapping, after=snapshot(mapping))
    return mapping


def do_unmap_category(actor: Actor, mapping_id: int) -> None:
    require_coordinator(actor, "map PURL categories to products")
    with transaction.atomic():
        mapping = CategoryMapping.objects.select_for_update().filter(pk=mapping_id).first()
        if mapping is None:
            raise InvalidMapping(f"no mapping {mapping_id}", field="mapping")
        before = snapshot(mapping)
        mapping.delete()
        do_audit(
            actor,
            "industry.mapping.delete",
            object_type="industry.categorymapping",
            object_id=str(mapping_id),
            before=before,
        )


def known_units() -> Iterable[str]:
    return [*core.COUNT_RATES, *core.MASS_RATES, *core.STOCKS]


__all__ = [
    "check_contract",
    "check_figure",
    "check_location",
    "check_mapping",
    "do_locate_site",
    "do_map_category",
    "do_record_contract",
    "do_record_figure",
    "do_unmap_category",
    "known_units",
]
