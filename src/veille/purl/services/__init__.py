"""Every write of PURL, one module per concept; callers import them from here.

* :mod:`~veille.purl.services.lists` — requirement lists: drafting, the three approvals, amendments;
* :mod:`~veille.purl.services.funding` — packages, pledges, commitments, allocations (the money is
  the ledger's);
* :mod:`~veille.purl.services.corrections` — amending or cancelling a contribution (ledger
  amendments and reversals); :mod:`~veille.purl.services.duplicates` — the same pledge twice;
* :mod:`~veille.purl.services.deliveries` — shipments and their receipt;
* :mod:`~veille.purl.services.release` — releasing a package's total funding to its recipient;
* :mod:`~veille.purl.services.announcements` — importing the public record of contributions;
* :mod:`~veille.purl.services.notifications` — who must act at each step, on :mod:`veille.notices`.

``check_*`` validates input and the caller's rights and raises a named error
(:mod:`veille.purl.exceptions`); ``do_*`` performs the change in one transaction and writes the
audit record. Nothing else in PURL writes to the database.
"""

from __future__ import annotations

from veille.purl.services.announcements import do_import_announcements
from veille.purl.services.corrections import (
    check_amend_contribution,
    check_correction,
    do_amend_contribution,
    do_amend_pledge,
    do_cancel_contribution,
    live_events,
)
from veille.purl.services.deliveries import (
    check_day,
    check_quantity,
    check_receipt,
    check_shipment,
    do_receive,
    do_ship,
    item_label,
    pool_of,
)
from veille.purl.services.funding import (
    ContributionData,
    check_contribution,
    check_package,
    check_package_releasability,
    check_usd,
    do_allocate,
    do_change_package,
    do_commit,
    do_create_package,
    do_pledge,
    get_package,
)
from veille.purl.services.lists import (
    ITEM_FIELDS,
    MAX_CHANGES_PER_AMENDMENT,
    MAX_ITEMS_PER_LIST,
    ItemData,
    check_create_list,
    check_decision,
    check_item,
    check_item_value,
    check_list_editable,
    check_month,
    check_order,
    check_reason,
    do_add_item,
    do_amend_list,
    do_create_list,
    do_decide,
    do_remove_item,
    do_reorder_items,
    do_update_item,
    get_list,
)
from veille.purl.services.notifications import do_mark_read
from veille.purl.services.release import check_release_funding, do_release_funding

__all__ = [
    "ITEM_FIELDS",
    "MAX_CHANGES_PER_AMENDMENT",
    "MAX_ITEMS_PER_LIST",
    "ContributionData",
    "ItemData",
    "check_amend_contribution",
    "check_contribution",
    "check_correction",
    "check_create_list",
    "check_day",
    "check_decision",
    "check_item",
    "check_item_value",
    "check_list_editable",
    "check_month",
    "check_order",
    "check_package",
    "check_package_releasability",
    "check_quantity",
    "check_reason",
    "check_receipt",
    "check_release_funding",
    "check_shipment",
    "check_usd",
    "do_add_item",
    "do_allocate",
    "do_amend_contribution",
    "do_amend_list",
    "do_amend_pledge",
    "do_cancel_contribution",
    "do_change_package",
    "do_commit",
    "do_create_list",
    "do_create_package",
    "do_decide",
    "do_import_announcements",
    "do_mark_read",
    "do_pledge",
    "do_receive",
    "do_release_funding",
    "do_remove_item",
    "do_reorder_items",
    "do_ship",
    "do_update_item",
    "get_list",
    "get_package",
    "item_label",
    "live_events",
    "pool_of",
]
