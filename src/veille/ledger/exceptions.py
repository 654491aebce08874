"""Errors of the ledger. Each names the field it concerns; a refused write writes nothing.

VeilleError
├── InvalidInput
│   ├── UnknownCurrency        (core.money) not an ISO 4217 code          field: currency
│   ├── TooManyDecimals        (core.money) more decimals than allowed    field: amount
│   ├── CurrencyMismatch       (core.money) two currencies mixed          field: currency
│   ├── FxError                (core.fx)
│   │   ├── UnsupportedCurrency  no ECB rate for the currency at all       field: currency
│   │   ├── NoRateBefore         no ECB rate on or before the value date   field: value_date
│   │   └── RatesFileInvalid     not an ECB eurofxref-hist file            field: path
│   ├── UnknownParty           no nation has this code                    field: party / counterparty
│   ├── WrongParent            this kind may not follow that kind         field: parent
│   ├── PartyMismatch          a child for another donor than its parent  field: party
│   ├── MeasureMismatch        money under materiel, another item…        field: currency / item
│   ├── MissingSource          no source given                            field: sources
│   ├── BadFigure              missing, zero or negative amount/quantity  field: amount / quantity
│   ├── OutsideTolerance       a link whose amounts or dates differ more than its rule allows
│   │                                                                     field: amount / value_date
│   └── SyntheticMix           a link between a demo record and a real one field: event
├── PermissionDenied           (veille.core.errors, nations.WrongNation) a write for another nation;
│                              installing rates or rebuilding the kept figures without a coordinator
├── NotFound
│   ├── EventNotFound          no such event, or not visible to the user  field: parent / event
│   └── LinkNotFound           no such link, or not visible to the user   field: link
└── Conflict
    ├── ExceedsParent          children would exceed their parent        field: amount / quantity
    ├── AlreadyReversed        the event was reversed already             field: parent
    ├── HasLiveChildren        reverse or amend the children first        field: parent
    ├── AppendOnly             an UPDATE or DELETE of a ledger event
    ├── AlreadyLinked          the event is counted in another record already field: event
    ├── LinkExceedsRecord      links into a total would exceed it          field: amount
    └── LinkDecided            confirming or rejecting a link that is not a proposal field: link
"""

from __future__ import annotations

from veille.core.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "AlreadyLinked",
    "AlreadyReversed",
    "AppendOnly",
    "BadFigure",
    "EventNotFound",
    "ExceedsParent",
    "HasLiveChildren",
    "LinkDecided",
    "LinkExceedsRecord",
    "LinkNotFound",
    "MeasureMismatch",
    "MissingSource",
    "OutsideTolerance",
    "PartyMismatch",
    "SyntheticMix",
    "UnknownParty",
    "WrongParent",
]


class UnknownParty(InvalidInput):
    pass


class WrongParent(InvalidInput):
    pass


class PartyMismatch(InvalidInput):
    pass


class MeasureMismatch(InvalidInput):
    pass


class MissingSource(InvalidInput):
    pass


class BadFigure(InvalidInput):
    pass


class EventNotFound(NotFound):
    pass


class ExceedsParent(Conflict):
    pass


class AlreadyReversed(Conflict):
    pass


class HasLiveChildren(Conflict):
    pass


class AppendOnly(Conflict):
    pass


class OutsideTolerance(InvalidInput):
    pass


class SyntheticMix(InvalidInput):
    pass


class LinkNotFound(NotFound):
    pass


class AlreadyLinked(Conflict):
    pass


class LinkExceedsRecord(Conflict):
    pass


class LinkDecided(Conflict):
    pass
