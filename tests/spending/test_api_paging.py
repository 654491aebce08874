"""``GET /api/v1/spending/figures`` reads one page from the database: the figures of the page asked
for, and one count (the route built all 5,000+ figures of a workbook into dicts for a page of 50,
18 s on the demo data under load). Counted, not timed."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_init

from veille.spending.models import Figure


def test_a_page_of_figures_reads_only_that_page(nato_loaded: None, client_as: Any) -> None:
    read: list[int] = []

    def seen(sender: Any, **_: Any) -> None:
        read.append(1)

    client = client_as("pawel")
    whole = client.get("/api/v1/spending/figures", {"limit": 1000, "measure": "share_gdp_pct"}).json()
    post_init.connect(seen, sender=Figure)
    try:
        page = client.get("/api/v1/spending/figures", {"limit": 5, "offset": 10, "measure": "share_gdp_pct"})
    finally:
        post_init.disconnect(seen, sender=Figure)
    assert page.status_code == 200
    assert len(read) == 5
    assert Figure.objects.count() > 1000
    assert page.json() == {"items": whole["items"][10:15], "count": whole["count"]}
