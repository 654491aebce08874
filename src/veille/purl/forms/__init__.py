"""The forms of PURL's workflow, one Django form per step: draft a list, add an item, decide
(approve or return), amend, compose a package, change it, pledge or commit, commit a pledge,
allocate a general contribution, ship, confirm receipt; and the corrections: change, remove and
reorder a draft's items, amend or cancel a contribution.

A form reads its fields as PURL's services read them, and so names the same errors:

1. ``check_access`` first: the rights (and the state of the record) the service checks before any
   field. A caller without them is told that alone, with its status (403), and nothing about the
   fields.
2. ``clean_<field>``: each field through the service's own check (``check_item_value``,
   ``check_month``, ``check_day``…), with the service's message.
3. ``clean``: the rules across fields, through the service's ``check_*`` where it reads without
   locking (a draft's month, a decision, a contribution's nation and package).
4. ``submit``: the service's ``do_*``, which checks everything again in its transaction; an error it
   raises is shown on the form like the others.

Every error is a named error of :mod:`veille.core.errors` kept with its HTTP status (the page
answers with the first one's): beside the field it names when the form has that field, above the
form otherwise.
"""

from veille.purl.forms.base import StepForm
from veille.purl.forms.corrections import ContributionAmendForm, ContributionCancelForm
from veille.purl.forms.lists import AmendForm, DecisionForm, ItemForm, ItemRemoveForm, ListForm, ReorderForm
from veille.purl.forms.packages import (
    AllocationForm,
    CommitPledgeForm,
    ContributionForm,
    PackageChangeForm,
    PackageForm,
    ReceiptForm,
    ReleaseForm,
    ShipmentForm,
)

__all__ = [
    "AllocationForm",
    "AmendForm",
    "CommitPledgeForm",
    "ContributionAmendForm",
    "ContributionCancelForm",
    "ContributionForm",
    "DecisionForm",
    "ItemForm",
    "ItemRemoveForm",
    "ListForm",
    "PackageChangeForm",
    "PackageForm",
    "ReceiptForm",
    "ReleaseForm",
    "ReorderForm",
    "ShipmentForm",
    "StepForm",
]
