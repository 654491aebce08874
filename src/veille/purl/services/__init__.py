"""Every write of PURL, one module per concept; callers import them from here.

* :mod:`~veille.purl.services.lists` — requirement lists: drafting, the three approvals, amendments;
* :mod:`~veille.purl.services.funding` — packages, pledges, commitments, allocations (the money is
  the ledger's);
* :mod:`~veille.purl.services.deliveries` — shipments and their receipt;
* :mod:`~veille.purl.services.announcements` — importing the public record of contributions;
* :mod:`~veille.purl.services.notifications` — notices the writes above send, and marking them read.

``check_*`` validates input and the caller's rights and raises a named error
(:mod:`veille.purl.exceptions`); ``do_*`` performs the change in one transaction and writes the
audit record. Nothing else in PURL writes to the database.
"""

from __future__ import annotations

from veille.purl.services.announcements import do_import_announcements
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
    check_usd,
    do_allocate,
    do_amend_pledge,
    do_change_package,
    do_commit,
    do_create_package,
    do_pledge,
    get_package,
)
from veille.purl.services.lists import (
    ITEM_FIELDS,
    ItemData,
    check_create_list,
    check_decision,
    check_item,
    check_item_value,
    check_list_editable,
    check_month,
    check_reason,
    do_add_item,
    do_amend_list,
    do_create_list,
    do_decide,
    do_remove_item,
    do_update_item,
    get_list,
)
from veille.purl.services.notifications import do_mark_read

__all__ = [
    "ITEM_FIELDS",
    "ContributionData",
    "ItemData",
    "check_contribution",
    "check_create_list",
    "check_day",
    "check_decision",
    "check_item",
    "check_item_value",
    "check_list_editable",
    "check_month",
    "check_package",
    "check_quantity",
    "check_reason",
    "check_receipt",
    "check_shipment",
    "check_usd",
    "do_add_item",
    "do_allocate",
    "do_amend_list",
    "do_amend_pledge",
    "do_change_package",
    "do_commit",
    "do_create_list",
    "do_create_package",
    "do_decide",
    "do_import_announcements",
    "do_mark_read",
    "do_pledge",
    "do_receive",
    "do_remove_item",
    "do_ship",
    "do_update_item",
    "get_list",
    "get_package",
    "item_label",
    "pool_of",
]
