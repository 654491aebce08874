"""A package's deliveries as the ledger counts them: each funder's share of what was shipped and
received, pro rata to its funding, derived at report time (:mod:`veille.ledger.pools`).

The shares of a delivery add up to its value (delivered value counts once); a package without
funding, or whose funding the reader may not see in full, shows its deliveries unattributed, with
the reason, never split by guess.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from veille.ledger import pools
from veille.purl.models import Package
from veille.purl.services import pool_of

__all__ = ["delivery_shares", "reason", "share_rows"]


def reason(code: str) -> str:
    """Why a package's deliveries are not split among its funders, in the reader's language."""
    return {
        pools.NO_FUNDING: _("no funding is counted for the package yet"),
        pools.NOT_RELEASABLE: _("part of the package's funding is not releasable to you"),
    }.get(code, code)


def delivery_shares(user: Any, package: Package, include_synthetic: bool = False) -> pools.Pool:
    """The package's pool as ``user`` may see it (a synthetic package's own deliveries included)."""
    return pools.pool(user, pool_of(package.pk), include_synthetic=include_synthetic or package.synthetic)


def share_rows(pool: pools.Pool) -> list[dict[str, Any]]:
    """One row per funder: its share of the funding, and of the value shipped and received (USD)."""
    parts = pool.by_party()
    return [
        {
            "nation": party,
            "share_pct": pool.shares_pct.get(party, Decimal(0)),
            "funding_usd": pool.funding[party].amount,
            "shipped_usd": parts.get(party, {}).get("shipped", pool.funding[party] * 0).amount,
            "received_usd": parts.get(party, {}).get("received", pool.funding[party] * 0).amount,
        }
        for party in sorted(pool.funding, key=lambda p: (-pool.funding[p].amount, p))
    ]
