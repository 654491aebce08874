"""Synthetic marked everywhere (issue 20, item 4). With the demo loaded (the public record, Kiel's
release, and PURL's synthetic workflow), every page, export and API list that can hold PURL records
is rendered; each row that shows a synthetic value carries the mark (the ``synthetic`` badge on a
page, a true ``synthetic`` field in an export or the API), and the public totals equal those computed
from the public record alone, unless the reader asks for the synthetic records (``?synthetic=1``)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import pytest

from veille.core.money import Money
from veille.kit.exports import read_csv_rows
from veille.ledger.models import LedgerEvent
from veille.ledger.queries import figures
from veille.nations.access import Actor
from veille.purl.models import Contribution, FundingEvent, Package, RequirementList, Role, Shipment
from veille.purl.queries import Rates

pytestmark = pytest.mark.django_db
Client = Callable[[str | None], Any]
MARK = 'class="synthetic"'
UNIT = re.compile(r"<(tr|li|option)\b[^>]*>(.*?)</\1>", flags=re.S)


@pytest.fixture
def demo(kiel_release28: None) -> dict[str, Any]:
    """``veille demo``'s PURL and support parts, then the shell's proposals (as the command runs them)."""
    from veille.purl import demo as purl_demo
    from veille.web.services import do_propose_links

    purl_demo.load(None)
    do_propose_links(Actor.system_process("demo"))
    return {
        "package": Package.objects.get(synthetic=True),
        "list": RequirementList.objects.get(synthetic=True),
    }


def tokens() -> set[str]:
    """Strings only synthetic records produce: names, descriptions, hubs, amounts as given, event ids."""
    out = set(RequirementList.objects.filter(synthetic=True).values_list("title", flat=True))
    out |= set(Package.objects.filter(synthetic=True).values_list("name", flat=True))
    for lst in RequirementList.objects.filter(synthetic=True):
        out |= set(lst.items.values_list("description", flat=True))
    out |= set(Shipment.objects.filter(synthetic=True).values_list("hub", flat=True))
    for e in LedgerEvent.objects.filter(synthetic=True):
        if e.amount is not None:
            out |= {e.amount.format(), str(e.amount), str(e.amount.amount)}
        out |= {f"/ledger/events/{e.pk}/", f"#{e.pk} "}
    return {t for t in out if t}


def unmarked_html(html: str, found: set[str]) -> list[str]:
    """Rows (table rows, list items, options) that show a synthetic value without the mark."""
    bad = []
    for tag, body in UNIT.findall(html):
        if not any(t in body for t in found) or MARK in body:
            continue
        if tag == "option" and "synthetic" in body.lower():
            continue  # an option holds text only: the record's name says it is synthetic
        bad.append(_text(body)[:160])
    return bad


def _text(body: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes")


def unmarked_rows(rows: Iterable[dict[str, Any]], found: set[str]) -> list[str]:
    bad = []
    for row in rows:
        text = json.dumps(row, default=str)
        if any(t in text for t in found) and not _truthy(row.get("synthetic")):
            bad.append(text[:200])
    return bad


def test_every_page_export_and_api_list_marks_each_synthetic_value(
    demo: dict[str, Any], client_as: Client
) -> None:
    found = tokens()
    assert len(found) > 10
    package, lst = demo["package"], demo["list"]
    alice = client_as("alice")  # a coordinator: sees every record, the synthetic ones included
    pages = [
        "/",
        "/purl/",
        "/purl/?synthetic=1",
        "/purl/lists/",
        f"/purl/lists/{lst.pk}/",
        f"/purl/packages/{package.pk}/",
        "/purl/contributions/",
        "/purl/contributions/?nation=NOR",
        "/purl/record/",
        "/purl/notifications/",
        "/purl/pipeline/",
        "/purl/pipeline/?synthetic=1",
        "/purl/contribute/",
        "/ledger/",
        "/ledger/?synthetic=1",
        "/ledger/?party=NOR",
        "/support/",
        "/support/claims/",
        "/support/reconcile/",
    ]
    pages += [
        f"/ledger/events/{pk}/"
        for pk in LedgerEvent.objects.filter(synthetic=True).values_list("pk", flat=True)
    ]
    problems: dict[str, list[str]] = {}
    for url in pages:
        response = alice.get(url)
        assert response.status_code == 200, url
        bad = unmarked_html(response.content.decode(), found)
        if bad:
            problems[url] = bad
    # A synthetic record's own page says so at the top.
    for url in (f"/purl/lists/{lst.pk}/", f"/purl/packages/{package.pk}/"):
        assert 'data-testid="synthetic-banner"' in alice.get(url).content.decode(), url

    tables = ["lists", "items", "trail", "packages", "package_items", "contributions", "shipments", "months"]
    tables += ["coverage", "record", "pipeline", "leadtimes", "ageing"]
    for table in tables:
        for query in ("", "?synthetic=1"):
            url = f"/purl/{table}.json{query}"
            bad = unmarked_rows(alice.get(url).json()["rows"], found)
            text = alice.get(f"/purl/{table}.csv{query}").content.decode()
            bad += unmarked_rows(read_csv_rows(text), found)
            if bad:
                problems[url] = bad
    api = {
        "/api/v1/purl/lists": lambda j: j["items"],
        f"/api/v1/purl/lists/{lst.pk}": lambda j: [*j["item_rows"], *j["trail"], j],
        "/api/v1/purl/packages": lambda j: j["items"],
        "/api/v1/purl/contributions": lambda j: j["items"],
        "/api/v1/purl/deliveries": lambda j: j["items"],
        "/api/v1/purl/record": lambda j: j["rows"],
        "/api/v1/purl/pipeline": lambda j: [*j["items"], *j["ageing"]],
        "/api/v1/ledger/events?limit=1000": lambda j: j["items"],
        "/api/v1/ledger/links": lambda j: j["items"],
    }
    for url, rows in api.items():
        response = alice.get(url)
        assert response.status_code == 200, url
        bad = unmarked_rows(rows(response.json()), found)
        if bad:
            problems[url] = bad
    events = alice.get("/ledger/export.csv").content.decode()
    bad = unmarked_rows(read_csv_rows(events), found)
    if bad:
        problems["/ledger/export.csv"] = bad
    assert problems == {}


def public_commitments_by_month() -> dict[tuple[str, str], Decimal]:
    """The commitments per month and nation of the public record alone, computed here from the ledger."""
    conv = Rates()
    ids = list(
        FundingEvent.objects.filter(role=Role.COMMITMENT, contribution__synthetic=False).values_list(
            "event_id", flat=True
        )
    )
    fig = figures(LedgerEvent.objects.all())
    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for e in LedgerEvent.objects.filter(pk__in=ids):
        size = 0 if e.pk in fig.reversed else fig.sizes.get(e.pk, 0)
        if size > 0:
            out[(e.value_date.strftime("%Y-%m"), e.party_id)] += conv.usd(
                Money.from_minor(size, e.currency), e.value_date
            )
    return dict(out)


def test_public_totals_equal_those_of_the_public_record_alone(
    demo: dict[str, Any], client_as: Client
) -> None:
    alice = client_as("alice")
    expected = public_commitments_by_month()
    rows = alice.get("/purl/months.json").json()["rows"]
    got = {(r["month"], r["nation"]): Decimal(r["committed_usd"]) for r in rows}
    assert got == expected
    assert all(not r["synthetic"] for r in rows)
    # Asked for, the synthetic commitments come as rows of their own, marked, real rows unchanged.
    with_demo = alice.get("/purl/months.json?synthetic=1").json()["rows"]
    real = {(r["month"], r["nation"]): Decimal(r["committed_usd"]) for r in with_demo if not r["synthetic"]}
    assert real == expected and any(r["synthetic"] for r in with_demo)
    # On the page too: every row of the months' table that the public record does not have is marked.
    asked_page = alice.get("/purl/?synthetic=1").content.decode()
    table = asked_page[asked_page.index("Million USD at the ECB rate of each value date") :]
    table = table[: table.index("</table>")]
    months = [(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S), row) for row in table.split("<tr>")[2:]]
    extra = [row for cells, row in months if (cells[0], _text(cells[1]).split()[0]) not in expected]
    assert extra and all(MARK in row for row in extra)
    page = alice.get("/purl/").content.decode()
    spec = json.loads(
        re.search(r'<script id="month-spec" type="application/json">(.*?)</script>', page, re.S)[1]
    )
    assert not any("synthetic" in v["nation"] for v in spec["data"]["values"])
    # The ledger's balances: a total is the sum of the real events only.
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    for e in LedgerEvent.objects.exclude(synthetic=True).filter(counted=True):
        if e.amount_minor is not None:
            totals[(e.party_id, e.counts_as, e.currency)] += e.amount_minor
    balances = alice.get("/api/v1/ledger/balances").json()
    for t in balances["totals"]:
        for currency, amount in t["original"].items():
            assert Money.parse(amount, currency).minor_units == totals[(t["party"], t["kind"], currency)], t
    asked = alice.get("/api/v1/ledger/balances?synthetic=true").json()
    assert asked["include_synthetic"] and asked["totals"] != balances["totals"]
    # Home counts: a synthetic package is counted apart, marked.
    home = alice.get("/").content.decode()
    demo_count = r'<span class="value">1</span> <span class="label">PURL packages \(demo\)</span> '
    assert re.search(demo_count + r'<span class="synthetic">', home)
    assert Contribution.objects.filter(synthetic=True).exists()
