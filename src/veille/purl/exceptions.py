"""Errors of PURL. Each names the field it concerns; a refused write writes nothing.

VeilleError
├── InvalidInput
│   ├── BadItem                 a requirement item's field is missing or wrong     field: the field
│   ├── DuplicateRank           two active items of a list with the same rank      field: rank
│   ├── DuplicateMonth          a list for that month exists already               field: month
│   ├── EmptyList               approving a list without items                     field: items
│   ├── ItemNotApproved         packaging an item of a list that is not approved   field: item
│   ├── WrongPackage            shipping an item of another package than the one named field: package_item
│   ├── BadAnnouncement         a row of the public record cannot be read           field: the column
│   └── TooManyItems            a list past its most active items, an amendment past its most
│                               changes (the cap is named)                          field: items, changes
│       (plus InvalidInput itself: a missing reason, a date a form cannot read…; and the ledger's
│       UnknownCurrency, TooManyDecimals, NoRateBefore…, raised as they are)
├── PermissionDenied            (veille.core.errors) a step by someone without its role (rights.py)
│   └── WrongApprover           an approval step taken by someone not of its role   field: step
├── NotFound
│   └── PurlNotFound            no such list, item, package, contribution or shipment, or not visible
└── Conflict
    ├── ListLocked              editing a list that is not a draft (amend an approved list instead)
    ├── AlreadyApproved         approving a step that this round has approved already   field: step
    ├── OutOfOrder              approving or returning a step that is not the current one field: step
    ├── NotAmendable            amending a list that is not approved                field: list
    ├── QuantityTaken           packaging more of an item than is left, or amending
    │                           an item below what packages take                    field: quantity
    ├── OverDelivery            shipping more of a package item than it holds       field: quantity
    ├── OverReceipt             receiving more than the shipment carried            field: quantity
    ├── AlreadyReceived         confirming a shipment twice                         field: shipment
    ├── ReleaseUnchanged        releasing funding already released to the recipient,
    │                           or withholding funding that is not released        field: release
    ├── PossibleDuplicate       the same pledge or commitment recorded again (nation, package,
    │                           amount, currency, value date): confirm to proceed  field: confirm_duplicate
    └── NotCorrectable          amending or cancelling what has no live ledger event field: contribution
"""

from __future__ import annotations

from veille.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

__all__ = [
    "AlreadyApproved",
    "AlreadyReceived",
    "BadAnnouncement",
    "BadItem",
    "DuplicateMonth",
    "DuplicateRank",
    "EmptyList",
    "ItemNotApproved",
    "ListLocked",
    "NotAmendable",
    "NotCorrectable",
    "OutOfOrder",
    "OverDelivery",
    "OverReceipt",
    "PossibleDuplicate",
    "PurlNotFound",
    "QuantityTaken",
    "ReleaseUnchanged",
    "TooManyItems",
    "WrongApprover",
    "WrongPackage",
]


class BadItem(InvalidInput):
    pass


class DuplicateRank(InvalidInput):
    pass


class DuplicateMonth(InvalidInput):
    pass


class EmptyList(InvalidInput):
    pass


class ItemNotApproved(InvalidInput):
    pass


class WrongPackage(InvalidInput):
    pass


class BadAnnouncement(InvalidInput):
    pass


class TooManyItems(InvalidInput):
    pass


class WrongApprover(PermissionDenied):
    pass


class PurlNotFound(NotFound):
    pass


class ListLocked(Conflict):
    pass


class AlreadyApproved(Conflict):
    pass


class OutOfOrder(Conflict):
    pass


class NotAmendable(Conflict):
    pass


class QuantityTaken(Conflict):
    pass


class OverDelivery(Conflict):
    pass


class OverReceipt(Conflict):
    pass


class AlreadyReceived(Conflict):
    pass


class ReleaseUnchanged(Conflict):
    pass


class PossibleDuplicate(Conflict):
    pass


class NotCorrectable(Conflict):
    pass
