"""PURL's notices follow the state (veille.notices): each transition raises a notice for the users
who must act, and clears it once the action is done, whoever does it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.purl.conftest import item_data
from veille.notices.models import Notice
from veille.notices.queries import for_user
from veille.purl.services import do_add_item, do_decide, do_receive, do_ship

Act = Callable[[str], Any]


def waiting(users: dict[str, Any], who: str) -> list[str]:
    return [n.key for n in for_user(users[who]).to_do]


def news(users: dict[str, Any], who: str) -> list[str]:
    return [n.key for n in for_user(users[who]).new]


def test_a_list_awaiting_a_step_is_cleared_for_its_approvers_once_approved(
    draft: Any, actor_of: Act, users: dict[str, Any]
) -> None:
    key = f"purl:list:{draft.pk}:decision"
    do_decide(actor_of("olga"), draft.pk, "UKR", "approve")
    assert waiting(users, "alice") == [key] and waiting(users, "sam") == []
    do_decide(actor_of("alice"), draft.pk, "NATO", "approve")
    assert waiting(users, "alice") == [] and waiting(users, "sam") == [key]
    do_decide(actor_of("sam"), draft.pk, "USA", "approve")
    # Nobody is asked any more; Ukraine learns its list is approved.
    assert not Notice.objects.filter(key=key, cleared_at=None).exists()
    assert waiting(users, "sam") == [] and waiting(users, "alice") == []
    assert news(users, "olga") == [f"purl:list:{draft.pk}:approved"]
    assert not news(users, "nora") and not waiting(users, "nora")


def test_a_returned_list_waits_for_ukraine_until_it_approves_again(
    draft: Any, actor_of: Act, users: dict[str, Any]
) -> None:
    key = f"purl:list:{draft.pk}:decision"
    do_decide(actor_of("olga"), draft.pk, "UKR", "approve")
    do_decide(actor_of("alice"), draft.pk, "NATO", "return", "rank the drones first")
    assert waiting(users, "olga") == [key] and waiting(users, "alice") == []
    (returned,) = for_user(users["olga"]).to_do
    assert (returned.kind, returned.title) == ("returned", "A list was returned to you")
    do_add_item(actor_of("olga"), draft.pk, item_data(3))
    do_decide(actor_of("olga"), draft.pk, "UKR", "approve")
    assert waiting(users, "olga") == [] and waiting(users, "alice") == [key]


def test_an_amendment_asks_only_the_steps_it_reopens(
    approved: Any, actor_of: Act, users: dict[str, Any]
) -> None:
    from veille.purl.services import do_amend_list

    first = approved.items.get(rank=1)
    do_amend_list(
        actor_of("olga"), approved.pk, [{"item": first.pk, "cost_source": "FMS notification"}], "price"
    )
    assert waiting(users, "sam") == [f"purl:list:{approved.pk}:decision"] and waiting(users, "alice") == []


def test_a_shipment_waits_for_ukraines_receipt_then_is_reported_received(
    package: Any, actor_of: Act, users: dict[str, Any]
) -> None:
    interceptors = package.items.get(item__rank=1)
    shipment = do_ship(actor_of("sam"), interceptors.pk, 4, "Rzeszów", "2026-11-01")
    key = f"purl:shipment:{shipment.pk}:receipt"
    assert waiting(users, "olga") == [key]
    (to_do,) = for_user(users["olga"]).to_do
    assert to_do.url == f"/purl/shipments/{shipment.pk}/receive/" and "4 × Interceptor lot 1" in to_do.subject  # noqa: RUF001
    do_receive(actor_of("olga"), shipment.pk, "2026-11-03")
    assert waiting(users, "olga") == []
    assert f"purl:shipment:{shipment.pk}:received" in news(users, "sam")
    assert f"purl:shipment:{shipment.pk}:received" in news(users, "alice")
    assert f"purl:shipment:{shipment.pk}:received" not in news(users, "olga")


def test_the_home_page_stops_asking_once_the_list_is_approved(
    draft: Any, actor_of: Act, client_as: Any
) -> None:
    do_decide(actor_of("olga"), draft.pk, "UKR", "approve")
    assert "A list awaits your approval" in client_as("alice").get("/").content.decode()
    do_decide(actor_of("alice"), draft.pk, "NATO", "approve")
    assert "A list awaits your approval" not in client_as("alice").get("/").content.decode()
    assert "A list awaits your approval" in client_as("sam").get("/").content.decode()
    do_decide(actor_of("sam"), draft.pk, "USA", "approve")
    assert "A list awaits your approval" not in client_as("sam").get("/").content.decode()
    assert "Your list was approved" in client_as("olga").get("/").content.decode()
