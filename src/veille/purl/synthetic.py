"""A synthetic PURL workflow for the demo, generated from a seed: every record it writes is marked
``synthetic`` and shown as such. The figures are drawn at random; they describe no real list,
package or delivery. It runs through the same services as real users, acting as the demo users
(olga drafts and approves for Ukraine, alice for NATO, sam for the United States, nora commits for
Norway) and, for Germany's commitment, as the demo loader (no German demo user exists).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from veille.core.money import Money
from veille.ledger import rates
from veille.nations.access import Actor, Releasability
from veille.purl import services
from veille.purl.models import Category, RequirementList

CATALOGUE = [
    (Category.AIR_DEFENCE, "Interceptor missiles (synthetic)", "missiles", 900_000, 4_000_000),
    (Category.ARTILLERY, "155 mm artillery rounds (synthetic)", "rounds", 3_000, 8_000),
    (Category.DRONES, "Counter-drone systems (synthetic)", "systems", 400_000, 2_000_000),
    (Category.ELECTRONIC_WARFARE, "Electronic warfare kits (synthetic)", "kits", 150_000, 600_000),
    (Category.SPARE_PARTS, "Air defence spare parts (synthetic)", "sets", 50_000, 250_000),
]
SOURCE = "synthetic demo figure (seeded generator, veille.purl.synthetic)"


def _actor(username: str) -> Actor | None:
    user = get_user_model().objects.filter(username=username).first()
    return Actor.for_user(user, via="demo") if user is not None else None


def generate(seed: int = 2026) -> str:
    """Create the synthetic workflow once (idempotent); returns what was done."""
    if RequirementList.objects.filter(synthetic=True).exists():
        return "unchanged"
    olga, alice, sam, nora = (_actor(u) for u in ("olga", "alice", "sam", "nora"))
    if not (olga and alice and sam and nora):
        return "skipped: the demo users are missing"
    rng = random.Random(seed)
    last = rates.converter().table.source.last_date
    day = last - dt.timedelta(days=20)
    lst = services.do_create_list(
        olga, day.replace(day=1), f"Synthetic demo list {day:%Y-%m}", Releasability.NATO, synthetic=True
    )
    items = []
    for rank, (category, description, unit, low, high) in enumerate(rng.sample(CATALOGUE, 4), start=1):
        items.append(
            services.do_add_item(
                olga,
                lst.pk,
                services.ItemData(
                    rank=rank,
                    category=category,
                    description=description,
                    quantity=rng.randint(20, 200),
                    unit=unit,
                    unit_cost_usd=str(Decimal(rng.randint(low, high))),
                    cost_source=SOURCE,
                    justification="Synthetic demo justification.",
                ),
            )
        )
    services.do_decide(olga, lst.pk, "UKR", "approve", "Synthetic: Ukraine's priorities.")
    services.do_decide(alice, lst.pk, "NATO", "approve", "Synthetic: validated by NATO.")
    services.do_decide(sam, lst.pk, "USA", "approve", "Synthetic: available for sale.")
    package = services.do_create_package(
        alice,
        "Synthetic demo package",
        {items[0].pk: items[0].quantity // 2, items[1].pk: items[1].quantity},
        releasable_to=Releasability.NATO,
        synthetic=True,
    )
    package.refresh_from_db()
    target = package.target_usd or Decimal(0)
    nok_share = (target * Decimal("0.4")).quantize(Decimal(1))
    fx = rates.converter()
    nok = fx.convert(Money(nok_share, "USD"), "NOK", last).amount
    services.do_commit(
        nora,
        services.ContributionData("NOR", str(nok.amount + 1), "NOK", last, [SOURCE], package=package.pk),
        synthetic=True,
    )
    rest = target - nok_share
    eur = fx.convert(Money(rest, "USD"), "EUR", last).amount
    services.do_commit(
        Actor.system_process("demo"),
        services.ContributionData("DEU", str(eur.amount + 1), "EUR", last, [SOURCE], package=package.pk),
        synthetic=True,
    )
    first = package.items.order_by("id").first()
    assert first is not None
    shipment = services.do_ship(
        sam, first.pk, max(1, first.quantity // 2), "Rzeszów (synthetic)", last, synthetic=True
    )
    services.do_receive(olga, shipment.pk, last, "Synthetic receipt.")
    return f"list {lst.pk}, package {package.pk}, 2 commitments, 1 shipment received"
