"""The public record (data/purl/purl_contributions.csv): each overlap resolved as its note says,
totals per nation and overall in USD at the ECB rate of each announcement date, NATO's statement
beside them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.purl.conftest import CSV
from veille.core.fx import FxConverter, RateTable
from veille.core.money import Money
from veille.kit.importers import no_progress
from veille.ledger.models import LedgerEvent
from veille.ledger.queries import CONSOLE
from veille.nations.access import Actor
from veille.purl.claims import claim_checks
from veille.purl.exceptions import BadAnnouncement
from veille.purl.models import Contribution, Package
from veille.purl.public_record import countries, totals
from veille.purl.services import do_import_announcements

FX = FxConverter(RateTable.bundled())


def usd(amount: str, currency: str, day: str) -> Decimal:
    return FX.convert(Money.parse(amount, currency), "USD", dt.date.fromisoformat(day)).amount.amount


def nation(t: dict[str, Any], code: str) -> dict[str, Any]:
    return next(n for n in t["per_nation"] if n["nation"] == code)


def test_every_row_is_read_and_every_record_is_public(public_record: Any) -> None:
    assert (public_record.read, public_record.created) == (20, 20)
    assert set(Contribution.objects.values_list("releasable_to", flat=True)) == {"PUBLIC"}
    assert set(LedgerEvent.objects.values_list("releasable_to", flat=True)) == {"PUBLIC"}
    assert Contribution.objects.filter(nation_id="NLD").get().source.startswith("https://news.antiwar.com/")


def test_importing_the_same_file_again_changes_nothing(public_record: Any) -> None:
    events = LedgerEvent.objects.count()
    again = do_import_announcements(Actor.system_process("import"), CSV, no_progress)
    assert (again.created, again.unchanged) == (0, 20) and LedgerEvent.objects.count() == events


def test_a_national_share_inside_a_joint_package_is_linked_not_added(public_record: Any) -> None:
    t = totals(CONSOLE)
    nb8 = next(j for j in t["joint"] if j["package"] == "NB8 joint package")
    # Estonia's USD 12m is inside the NB8 package's USD 500m; the seven others' shares are not published.
    assert nb8["known_shares_usd"] == Decimal("12000000.00")
    assert nb8["unattributed_usd"] == Decimal("488000000.00")
    assert nb8["members_without_share"] == ["DNK", "FIN", "ISL", "LTU", "LVA", "NOR", "SWE"]
    estonia = Contribution.objects.get(nation_id="EST")
    assert estonia.package.name == "NB8 joint package" and "not added again" in estonia.note
    pldeno = next(j for j in t["joint"] if j["package"] == "PL/DE/NO joint package")
    assert (pldeno["known_shares_usd"], pldeno["unattributed_usd"]) == (Decimal("500000000.00"), 0)


def test_norways_split_is_one_commitment_with_its_share_allocated(public_record: Any) -> None:
    commitment = LedgerEvent.objects.get(party_id="NOR", kind="commitment", value_date="2025-12-03")
    allocation = LedgerEvent.objects.get(party_id="NOR", kind="allocation")
    assert allocation.parent_id == commitment.pk  # a parent link, not a second commitment
    # The remainder after Poland's USD 100m (row 16) and Germany's USD 200m (row 17's note).
    assert (allocation.amount, commitment.amount) == (
        Money.parse("200000000", "USD"),
        Money.parse("500000000", "USD"),
    )
    assert allocation.counterparty_name == "PL/DE/NO joint package"


def test_unknown_amounts_stay_unknown_and_a_plan_is_a_pledge(public_record: Any) -> None:
    luxembourg = Contribution.objects.get(nation_id="LUX")
    assert luxembourg.amount_unknown and not luxembourg.events.exists()
    assert not LedgerEvent.objects.filter(party_id="LUX").exists()  # never a zero
    spain = LedgerEvent.objects.get(party_id="ESP")
    assert (spain.kind, spain.amount) == ("pledge", Money.parse("100000000", "EUR"))
    t = totals(CONSOLE)
    assert t["countries_amount_unknown"] == ["LUX"] and t["countries_pledged_only"] == ["ESP"]
    assert nation(t, "ESP")["committed_usd"] == 0
    assert t["pledged_usd"] == usd("100000000", "EUR", "2025-11-18")


def test_totals_per_nation_and_overall_at_the_announcement_dates_rates(public_record: Any) -> None:
    t = totals(CONSOLE)
    assert nation(t, "NOR")["committed_usd"] == Decimal("635000000.00")  # 135 (package 2) + 500
    assert set(nation(t, "NOR")["joint"]) == {
        "PURL package 2 (DK/NO/SE joint USD 500m)",
        "NB8 joint package",
        "PL/DE/NO joint package",
    }
    assert nation(t, "DEU")["committed_usd"] == Decimal("700000000.00") + usd(
        "150000000", "EUR", "2025-11-20"
    )
    assert nation(t, "CAN")["committed_usd"] == usd("680000000", "CAD", "2025-08-24") + usd(
        "200000000", "CAD", "2025-12-03"
    )
    expected = sum(
        (
            usd(a, c, d)
            for a, c, d in [
                ("500000000", "EUR", "2025-08-04"),
                ("275000000", "USD", "2025-08-05"),
                ("580000000", "DKK", "2025-08-05"),
                ("135000000", "USD", "2025-08-05"),
                ("2000000", "EUR", "2025-08-12"),
                ("500000000", "USD", "2025-08-13"),
                ("680000000", "CAD", "2025-08-24"),
                ("100000000", "EUR", "2025-08-29"),
                ("30000000", "USD", "2025-10-15"),
                ("500000000", "USD", "2025-11-13"),  # NB8, Estonia's share inside
                ("150000000", "EUR", "2025-11-20"),
                ("500000000", "USD", "2025-12-03"),  # PL/DE/NO: Poland, Germany, Norway's share inside
                ("300000000", "USD", "2025-12-03"),  # the rest of Norway's USD 500m
                ("200000000", "CAD", "2025-12-03"),
                ("50000000", "AUD", "2025-12-03"),
                ("15000000", "NZD", "2025-12-03"),
            ]
        ),
        Decimal(0),
    )
    assert t["total_usd"] == expected
    assert Decimal(3_800_000_000) < t["total_usd"] < Decimal(4_000_000_000)
    assert {r["currency"] for r in t["rates"]} == {"AUD", "CAD", "DKK", "EUR", "NZD"}
    assert countries(t) == 17


def test_natos_statement_is_shown_beside_the_record_with_the_difference(public_record: Any) -> None:
    (check,) = claim_checks()
    assert check.key == "purl-4bn-21" and check.holds is None
    assert check.computed.startswith("3.8") and "17 countries" in check.computed
    assert any("4 countries are not in the press reports" in line for line in check.detail["difference"])


def test_a_pledge_announced_twice_counts_once(users: Any, tmp_path: Path) -> None:
    header = CSV.read_text().splitlines()[0]
    rows = [
        "2025-08-12,Latvia,2000000,EUR,,not stated,,https://example.org/first,2025-08-12,first report",
        "2025-09-30,Latvia,2000000,EUR,,not stated,,https://example.org/second,2025-09-30,reported again",
    ]
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    result = do_import_announcements(Actor.system_process("import"), path, no_progress)
    assert result.created == 2
    first, second = Contribution.objects.order_by("id")
    assert second.repeat_of == first and not second.events.exists()
    assert LedgerEvent.objects.filter(party_id="LVA").count() == 1
    assert nation(totals(CONSOLE), "LVA")["committed_usd"] == usd("2000000", "EUR", "2025-08-12")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("2025-08-12,Latvia,2000000,EUROS,,not stated,,https://x.org,2025-08-12,", "currency"),
        ("2025-08-12,Atlantis,2000000,EUR,,not stated,,https://x.org,2025-08-12,", "contributor"),
        ("2025-08-12,Latvia,0,EUR,,not stated,,https://x.org,2025-08-12,", "amount"),
        ("2025-08-12,Latvia,2000000,EUR,,not stated,,,2025-08-12,", "source_url"),
        (",Latvia,2000000,EUR,,not stated,,https://x.org,,", "date_announced"),
    ],
)
def test_a_bad_row_stops_the_import_and_nothing_is_written(
    users: Any, tmp_path: Path, line: str, field: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(CSV.read_text().splitlines()[0] + "\n" + line + "\n")
    with pytest.raises(BadAnnouncement) as exc:
        do_import_announcements(Actor.system_process("import"), path, no_progress)
    assert exc.value.field == field and exc.value.where == "bad.csv, line 2"
    assert not Contribution.objects.exists() and not Package.objects.exists()


def test_a_rule_whose_note_changed_stops_the_import(users: Any, tmp_path: Path) -> None:
    text = CSV.read_text().replace("Likely part of the NB8", "Perhaps in the NB8")
    path = tmp_path / "changed.csv"
    path.write_text(text)
    with pytest.raises(BadAnnouncement, match="read the note again"):
        do_import_announcements(Actor.system_process("import"), path, no_progress)
    assert not LedgerEvent.objects.exists()


def test_veille_import_purl_announcements_runs_the_importer(users: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("import", "purl-announcements", str(CSV), "--dry-run", "--format", "json", stdout=out)
    assert '"created": 20' in out.getvalue() and not Contribution.objects.exists()
    call_command("import", "purl-announcements", str(CSV), stdout=StringIO())
    # 20 rows: the NB8 row is a package (no national share), the PL/DE/NO row adds Germany's share.
    assert Contribution.objects.count() == 19 and Package.objects.filter(origin="announcement").count() == 6


def _import_joint_packages(tmp_path: Path, names: list[str]) -> None:
    csv = tmp_path / f"joint-{len(names)}-{names[0][:8].replace(' ', '-')}.csv"
    header = CSV.read_text(encoding="utf-8").splitlines()[0]
    rows = [
        f'2026-01-{10 + k:02d},"Denmark;Finland",{100_000_000 + k},USD,{100_000_000 + k},"{name}",,'
        f"https://example.org/joint-{k},2026-01-{10 + k:02d},test fixture"
        for k, name in enumerate(names)
    ]
    csv.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    do_import_announcements(Actor.system_process("import:purl-announcements"), csv, no_progress)


def _totals_queries() -> tuple[int, dict[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as seen:
        t = totals(CONSOLE)
    return len(seen), t


def test_the_totals_queries_do_not_grow_with_the_joint_packages(public_record: Any, tmp_path: Path) -> None:
    """The joint packages' funding is read at once (it was read package by package)."""
    _import_joint_packages(tmp_path, ["Joint test package A"])
    before, t = _totals_queries()
    assert any(j["package"] == "Joint test package A" for j in t["joint"])
    _import_joint_packages(tmp_path, [f"Joint test package {c}" for c in "BCDE"])
    after, t = _totals_queries()
    assert {j["package"] for j in t["joint"]} >= {f"Joint test package {c}" for c in "ABCDE"}
    assert after == before
