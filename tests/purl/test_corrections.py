"""Corrections: a draft's items are changed, removed and ranked again (pages, API); a pledge or a
commitment is amended or cancelled through the ledger's amendments and reversals, never by changing
a ledger row; the same pledge twice is held back until confirmed."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pytest

from veille.audit.models import AuditEvent
from veille.core.errors import PermissionDenied
from veille.ledger.exceptions import HasLiveChildren
from veille.ledger.models import Kind, LedgerEvent
from veille.ledger.queries import CONSOLE
from veille.purl.exceptions import ListLocked, NotCorrectable, PossibleDuplicate, PurlNotFound
from veille.purl.models import Contribution, RequirementItem
from veille.purl.queries import contribution_rows, coverage
from veille.purl.services import (
    ContributionData,
    do_amend_contribution,
    do_cancel_contribution,
    do_commit,
    do_pledge,
    do_reorder_items,
    do_update_item,
)

Act = Callable[[str], Any]
Client = Callable[[str | None], Any]
DAY = dt.date(2026, 10, 15)


def ranks(lst: Any) -> list[tuple[int, str]]:
    return list(lst.items.filter(active=True).order_by("rank").values_list("rank", "description"))


# --- a draft's items ------------------------------------------------------------------------------


def test_ukraine_changes_a_draft_item_on_its_page(draft: Any, client_as: Client) -> None:
    item = draft.items.get(rank=1)
    olga = client_as("olga")
    form = olga.get(f"/purl/items/{item.pk}/edit/").content.decode()
    assert 'value="Interceptor lot 1"' in form and 'value="10"' in form  # the item as it is
    fields = {f: str(getattr(item, f)) for f in ("rank", "category", "description", "unit", "cost_source")}
    fields |= {"quantity": "12", "unit_cost_usd": "3900000", "justification": "protect the grid"}
    bad = olga.post(f"/purl/items/{item.pk}/edit/", fields | {"quantity": "twelve"})
    assert bad.status_code == 422 and 'data-testid="error-quantity"' in bad.content.decode()
    assert olga.post(f"/purl/items/{item.pk}/edit/", fields).status_code == 302
    item.refresh_from_db()
    assert (item.quantity, str(item.unit_cost_usd)) == (12, "3900000.00")
    (audited,) = AuditEvent.objects.filter(action="purl.item.update", object_id=str(item.pk))
    assert audited.before["quantity"] == 10 and audited.after["quantity"] == 12


def test_ukraine_removes_a_draft_item_and_it_stays_shown_struck_out(draft: Any, client_as: Client) -> None:
    drones = draft.items.get(rank=2)
    olga = client_as("olga")
    assert "It stays on the list" in olga.get(f"/purl/items/{drones.pk}/remove/").content.decode()
    assert olga.post(f"/purl/items/{drones.pk}/remove/").status_code == 302
    drones.refresh_from_db()
    assert not drones.active
    page = olga.get(f"/purl/lists/{draft.pk}/").content.decode()
    assert 'class="removed"' in page and "Drone kits" in page
    assert olga.get(f"/purl/items/{drones.pk}/edit/").status_code == 404  # removed: nothing to change


def test_ukraine_ranks_the_items_again_with_the_buttons_or_positions(draft: Any, client_as: Client) -> None:
    first, second = draft.items.order_by("rank")
    olga = client_as("olga")
    page = olga.get(f"/purl/lists/{draft.pk}/").content.decode()
    assert f'data-testid="up-{second.pk}"' in page and f'data-testid="up-{first.pk}"' not in page
    # The button of the second item sends the order with it first.
    assert (
        olga.post(f"/purl/lists/{draft.pk}/reorder/", {"order": f"{second.pk},{first.pk}"}).status_code == 302
    )
    assert ranks(draft) == [(1, "Drone kits"), (2, "Interceptor lot 1")]
    # The page of positions.
    response = olga.post(
        f"/purl/lists/{draft.pk}/reorder/", {f"pos_{first.pk}": "1", f"pos_{second.pk}": "2"}
    )
    assert response.status_code == 302
    assert ranks(draft) == [(1, "Interceptor lot 1"), (2, "Drone kits")]
    assert AuditEvent.objects.filter(action="purl.list.reorder").count() == 2
    bad = olga.post(f"/purl/lists/{draft.pk}/reorder/", {"order": f"{first.pk}"})
    assert bad.status_code == 422 and "name every active item" in html.unescape(bad.content.decode())
    assert ranks(draft) == [(1, "Interceptor lot 1"), (2, "Drone kits")]


@pytest.mark.parametrize("who", ["alice", "nora", "sam"])
def test_only_ukraines_editors_correct_a_draft(
    draft: Any, client_as: Client, actor_of: Act, who: str
) -> None:
    item = draft.items.get(rank=1)
    assert client_as(who).post(f"/purl/items/{item.pk}/remove/").status_code == 403
    assert client_as(who).post(f"/purl/lists/{draft.pk}/reorder/", {"order": "1"}).status_code == 403
    with pytest.raises(PermissionDenied):
        do_reorder_items(actor_of(who), draft.pk, [item.pk])
    assert RequirementItem.objects.filter(active=True).count() == 2


def test_an_approved_list_is_not_edited_but_amended(approved: Any, client_as: Client, actor_of: Act) -> None:
    item = approved.items.get(rank=1)
    response = client_as("olga").post(f"/purl/items/{item.pk}/remove/")
    assert response.status_code == 409 and "amendment" in response.content.decode()
    with pytest.raises(ListLocked):
        do_update_item(actor_of("olga"), item.pk, {"quantity": 3})
    assert (
        'data-testid="reorder"' not in client_as("olga").get(f"/purl/lists/{approved.pk}/").content.decode()
    )


def test_the_api_adds_changes_removes_and_ranks_a_drafts_items(draft: Any, client_as: Client) -> None:
    olga = client_as("olga")
    body = {
        "rank": 3,
        "category": "drones",
        "description": "Shahed interceptor drones",
        "quantity": 500,
        "unit": "drones",
        "unit_cost_usd": "20000",
        "cost_source": "manufacturer quote",
        "justification": "cheap answer to cheap drones",
    }
    added = olga.post(f"/api/v1/purl/lists/{draft.pk}/items", body, content_type="application/json")
    assert added.status_code == 201 and added.json()["estimated_cost_usd"] == "10000000.00"
    new = added.json()["id"]
    changed = olga.post(
        f"/api/v1/purl/items/{new}/changes", {"changes": {"quantity": 600}}, content_type="application/json"
    )
    assert changed.json()["quantity"] == 600
    first, second = draft.items.filter(rank__in=(1, 2)).order_by("rank")
    order = olga.post(
        f"/api/v1/purl/lists/{draft.pk}/order",
        {"items": [new, first.pk, second.pk]},
        content_type="application/json",
    )
    assert [(i["id"], i["rank"]) for i in order.json()] == [(new, 1), (first.pk, 2), (second.pk, 3)]
    removed = olga.post(f"/api/v1/purl/items/{second.pk}/removal")
    assert removed.json()["active"] is False
    refused = client_as("nora").post(f"/api/v1/purl/items/{first.pk}/removal")
    assert refused.status_code == 403 and refused.json()["error"]["type"] == "PermissionDenied"


# --- contributions ------------------------------------------------------------------------------------


def give(nation: str, amount: str, currency: str, package: Any = None, **over: Any) -> ContributionData:
    return ContributionData(
        nation,
        amount,
        currency,
        over.pop("day", DAY),
        ["decision"],
        package=getattr(package, "pk", package),
        **over,
    )


def test_a_pledge_is_amended_on_its_page_through_a_ledger_amendment(
    package: Any, client_as: Client, actor_of: Act
) -> None:
    pledge = do_pledge(actor_of("nora"), give("NOR", "100000000", "NOK", package))
    (event,) = LedgerEvent.objects.all()
    nora = client_as("nora")
    assert f'data-testid="amend-{pledge.pk}"' in nora.get("/purl/contributions/?nation=NOR").content.decode()
    form = nora.get(f"/purl/contributions/{pledge.pk}/amend/").content.decode()
    assert "100,000,000.00 NOK" in form
    response = nora.post(
        f"/purl/contributions/{pledge.pk}/amend/",
        {"event": str(event.pk), "amount": "150000000", "source": "Storting", "note": "raised"},
    )
    assert response.status_code == 302
    amendment = LedgerEvent.objects.get(kind=Kind.AMENDMENT)
    assert (amendment.parent_id, amendment.amount_minor) == (event.pk, 5_000_000_000)
    event.refresh_from_db()
    assert event.amount_minor == 10_000_000_000  # the pledge as recorded, untouched
    (row,) = contribution_rows(CONSOLE, nation="NOR")
    assert row["pledged"] == "150,000,000.00 NOK"
    (audited,) = AuditEvent.objects.filter(action="purl.contribution.amend")
    assert (audited.before["amount"], audited.after["amount"]) == ("100,000,000.00 NOK", "150,000,000.00 NOK")
    same = nora.post(
        f"/purl/contributions/{pledge.pk}/amend/",
        {"event": str(event.pk), "amount": "150000000", "source": "x"},
    )
    assert same.status_code == 422 and 'data-testid="error-amount"' in same.content.decode()


def test_a_pledge_never_falls_below_what_is_committed_from_it(package: Any, actor_of: Act) -> None:
    pledge = do_pledge(actor_of("nora"), give("NOR", "100000000", "NOK", package))
    do_commit(actor_of("nora"), give("NOR", "80000000", "NOK"), contribution=pledge.pk)
    pledge_event = pledge.events.get(role="pledge").event_id
    with pytest.raises(HasLiveChildren):
        do_amend_contribution(actor_of("nora"), pledge.pk, "50000000", ["x"], event=pledge_event)
    commitment = pledge.events.get(role="commitment").event_id
    do_amend_contribution(actor_of("nora"), pledge.pk, "90000000", ["x"], event=commitment)
    (row,) = contribution_rows(CONSOLE, nation="NOR")
    assert (row["pledged"], row["committed"]) == ("100,000,000.00 NOK", "90,000,000.00 NOK")
    assert coverage(CONSOLE, package).pledged_open_usd < coverage(CONSOLE, package).committed_usd / 8


def test_a_contribution_recorded_by_mistake_is_cancelled_by_reversals(
    package: Any, client_as: Client, actor_of: Act
) -> None:
    do_commit(actor_of("nora"), give("NOR", "300000000", "NOK", package))
    wrong = do_commit(actor_of("nora"), give("NOR", "300000000", "NOK", package, confirm_duplicate=True))
    before = coverage(CONSOLE, package).committed_usd
    rows_before = list(LedgerEvent.objects.order_by("pk").values())
    nora = client_as("nora")
    refused = nora.post(f"/purl/contributions/{wrong.pk}/cancel/", {"reason": "", "source": "x"})
    assert refused.status_code == 422 and 'data-testid="error-reason"' in refused.content.decode()
    done = nora.post(f"/purl/contributions/{wrong.pk}/cancel/", {"reason": "recorded twice", "source": "x"})
    assert done.status_code == 302
    (reversal,) = LedgerEvent.objects.filter(kind=Kind.REVERSAL)
    assert reversal.parent_id == wrong.events.get().event_id and reversal.note == "recorded twice"
    # Nothing was changed or deleted: the rows of before are all there, as they were.
    assert (
        list(LedgerEvent.objects.filter(pk__in=[r["id"] for r in rows_before]).order_by("pk").values())
        == rows_before
    )
    assert coverage(CONSOLE, package).committed_usd * 2 == before
    page = nora.get("/purl/contributions/?nation=NOR").content.decode()
    assert f'data-testid="cancelled-{wrong.pk}"' in page and f'data-testid="amend-{wrong.pk}"' not in page
    assert [r["cancelled"] for r in contribution_rows(CONSOLE, nation="NOR")] == [False, True]
    with pytest.raises(NotCorrectable):
        do_cancel_contribution(actor_of("nora"), wrong.pk, "again", ["x"])
    (audited,) = AuditEvent.objects.filter(action="purl.contribution.cancel")
    assert audited.after == {"reversals": [reversal.pk]}


def test_a_general_contribution_is_cancelled_allocations_first(package: Any, actor_of: Act) -> None:
    from veille.purl.services import do_allocate

    general = do_commit(actor_of("nora"), give("NOR", "300000000", "NOK"))
    do_allocate(actor_of("alice"), general.pk, package.pk, "100000000", "NOK", DAY, ["board"])
    reversals = do_cancel_contribution(actor_of("nora"), general.pk, "not agreed", ["x"])
    assert [r.parent.kind for r in reversals] == ["allocation", "commitment"]
    assert coverage(CONSOLE, package).committed_usd == 0


def test_only_the_nations_editors_and_coordinators_correct_its_contributions(
    package: Any, actor_of: Act, client_as: Client, dieter: Any
) -> None:
    german = do_commit(actor_of("dieter"), give("DEU", "1000000", "EUR", package))
    for who in ("nora", "pawel"):
        with pytest.raises(PermissionDenied):
            do_cancel_contribution(actor_of(who), german.pk, "no", ["x"])
    with pytest.raises(PurlNotFound):  # Ukraine does not see it at all
        do_cancel_contribution(actor_of("olga"), german.pk, "no", ["x"])
    assert client_as("nora").post(f"/purl/contributions/{german.pk}/cancel/").status_code == 403
    assert (
        f'data-testid="amend-{german.pk}"'
        not in client_as("nora").get("/purl/contributions/").content.decode()
    )
    do_amend_contribution(actor_of("alice"), german.pk, "2000000", ["coordination board"])
    assert contribution_rows(CONSOLE, nation="DEU")[0]["committed"] == "2,000,000.00 EUR"


def test_the_public_record_is_corrected_by_its_file_not_here(public_record: Any, actor_of: Act) -> None:
    announced = Contribution.objects.filter(origin="announcement").exclude(events=None).first()
    with pytest.raises(NotCorrectable):
        do_cancel_contribution(actor_of("alice"), announced.pk, "no", ["x"])


# --- the same pledge twice -----------------------------------------------------------------------------


def test_the_same_pledge_twice_is_held_back_until_confirmed(package: Any, actor_of: Act) -> None:
    do_pledge(actor_of("nora"), give("NOR", "100000000", "NOK", package))
    with pytest.raises(PossibleDuplicate) as exc:
        do_pledge(actor_of("nora"), give("NOR", "100000000.00", "NOK", package))
    assert exc.value.field == "confirm_duplicate" and "100,000,000.00 NOK" in exc.value.message
    assert LedgerEvent.objects.count() == 1 and Contribution.objects.count() == 1
    # Not the same: another day, another amount, a commitment, PURL in general.
    do_pledge(actor_of("nora"), give("NOR", "100000000", "NOK", package, day=DAY - dt.timedelta(days=1)))
    do_pledge(actor_of("nora"), give("NOR", "100000001", "NOK", package))
    do_commit(actor_of("nora"), give("NOR", "100000000", "NOK", package))
    do_pledge(actor_of("nora"), give("NOR", "100000000", "NOK"))
    do_pledge(actor_of("nora"), give("NOR", "100000000", "NOK", package, confirm_duplicate=True))
    assert Contribution.objects.count() == 6


def test_a_cancelled_pledge_is_no_duplicate(package: Any, actor_of: Act) -> None:
    first = do_pledge(actor_of("nora"), give("NOR", "100000000", "NOK", package))
    do_cancel_contribution(actor_of("nora"), first.pk, "wrong package", ["x"])
    do_pledge(actor_of("nora"), give("NOR", "100000000", "NOK", package))
    assert Contribution.objects.count() == 2


def test_the_page_warns_of_a_duplicate_and_records_it_once_confirmed(package: Any, client_as: Client) -> None:
    nora = client_as("nora")
    fields = {
        "nation": "NOR",
        "package": str(package.pk),
        "kind": "pledge",
        "amount": "100000000",
        "currency": "NOK",
        "value_date": DAY.isoformat(),
        "source": "Storting",
        "releasable_to": "NATO",
    }
    assert 'id="f-confirm_duplicate"' not in nora.get("/purl/contribute/").content.decode()
    assert nora.post("/purl/contribute/", fields).status_code == 302
    warned = nora.post("/purl/contribute/", fields)
    body = warned.content.decode()
    assert warned.status_code == 409
    assert 'data-testid="error-confirm_duplicate"' in body and 'id="f-confirm_duplicate"' in body
    assert Contribution.objects.count() == 1
    assert nora.post("/purl/contribute/", fields | {"confirm_duplicate": "yes"}).status_code == 302
    assert Contribution.objects.count() == 2


def test_the_api_answers_a_duplicate_with_409_until_confirmed(package: Any, client_as: Client) -> None:
    nora = client_as("nora")
    body = {
        "nation": "NOR",
        "kind": "pledge",
        "amount": "1000000",
        "currency": "NOK",
        "value_date": DAY.isoformat(),
        "source": "x",
        "package": package.pk,
    }
    assert nora.post("/api/v1/purl/contributions", body, content_type="application/json").status_code == 201
    again = nora.post("/api/v1/purl/contributions", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["type"] == "PossibleDuplicate"
    confirmed = nora.post(
        "/api/v1/purl/contributions", body | {"confirm_duplicate": True}, content_type="application/json"
    )
    assert confirmed.status_code == 201
    contribution = confirmed.json()["id"]
    cancelled = nora.post(
        f"/api/v1/purl/contributions/{contribution}/cancellation",
        {"reason": "sent twice", "source": "x"},
        content_type="application/json",
    )
    assert cancelled.status_code == 201 and cancelled.json()["cancelled"] is True
    amended = nora.post(
        f"/api/v1/purl/contributions/{contribution - 1}/amendments",
        {"amount": "2000000", "source": "x"},
        content_type="application/json",
    )
    assert amended.status_code == 201 and amended.json()["pledged"] == "2,000,000.00 NOK"
