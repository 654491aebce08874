"""The derived figures kept by the services: rebuilt from the events, they are the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from veille.ledger import figures, queries, services
from veille.ledger.models import LedgerDaySum, LedgerEvent, LedgerFigure
from veille.nations.access import Actor

from .conftest import SRC


@pytest.mark.django_db
def test_kept_figures_follow_each_write_and_equal_a_rebuild(
    write: Callable[..., LedgerEvent], system: Actor
) -> None:
    p = write("pledge", amount="1000", currency="EUR")
    c = write("commitment", amount="600", currency="EUR", parent=p.pk)
    a = write("allocation", amount="200", currency="USD", parent=c.pk)
    s = write("shipment", amount="200", currency="USD", parent=a.pk)
    services.do_amend(system, services.Change(event=c.pk, amount="-100", currency="EUR", sources=SRC))
    services.do_reverse(system, services.Change(event=s.pk, sources=SRC))
    kept = {f.pk: f for f in LedgerFigure.objects.all()}
    assert kept[p.pk].size == 100_000 and kept[p.pk].drawn == 50_000 and kept[p.pk].status == "partial"
    assert kept[c.pk].size == 50_000 and kept[c.pk].status == "partial"
    assert kept[a.pk].drawn == 0 and kept[a.pk].status == "none"
    assert kept[s.pk].reversed and kept[s.pk].status == "reversed"
    assert figures.differences() == {}

    # A damaged table is seen, and a rebuild from the events repairs it.
    LedgerFigure.objects.filter(pk=a.pk).update(drawn=1, status="partial")
    assert set(figures.differences()) == {a.pk}
    assert queries.status_counts(queries.CONSOLE) != queries.status_counts(queries.CONSOLE, as_of=_later())
    day = LedgerDaySum.objects.get(counts_as="allocation")
    assert (day.amount_minor, day.events) == (20_000, 1)
    LedgerDaySum.objects.filter(pk=day.pk).update(amount_minor=1)
    assert len(figures.differences()) == 2
    assert services.do_rebuild_figures(system) == 4
    assert figures.differences() == {}
    assert queries.status_counts(queries.CONSOLE) == queries.status_counts(queries.CONSOLE, as_of=_later())


def _later() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC) + dt.timedelta(days=1)


@pytest.mark.django_db
def test_an_amendment_of_a_reversed_event_cannot_be_reversed_again(
    write: Callable[..., LedgerEvent], system: Actor
) -> None:
    from veille.ledger.exceptions import AlreadyReversed

    c = write("commitment", amount="1", currency="EUR")
    a = services.do_amend(system, services.Change(event=c.pk, amount="-1", currency="EUR", sources=SRC))
    services.do_reverse(system, services.Change(event=c.pk, sources=SRC))
    with pytest.raises(AlreadyReversed):
        services.do_reverse(system, services.Change(event=a.pk, sources=SRC))
    assert queries.report(queries.CONSOLE, currency="EUR").totals == []
    assert figures.differences() == {}


@pytest.mark.django_db
def test_the_command_finds_and_repairs_damaged_figures(write: Callable[..., LedgerEvent]) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    c = write("commitment", amount="10", currency="EUR")
    out = StringIO()
    call_command("ledger", "check-figures", stdout=out)
    assert "0 differ" in out.getvalue()
    LedgerFigure.objects.filter(pk=c.pk).update(size=1)
    with pytest.raises(CommandError):
        call_command("ledger", "check-figures", stdout=StringIO())
    out = StringIO()
    call_command("ledger", "check-figures", "--rebuild", stdout=out)
    assert "1 differ" in out.getvalue() and "rebuilt" in out.getvalue()
    assert figures.differences() == {}


@pytest.mark.django_db
def test_a_rebuild_goes_through_the_service_audited_and_never_for_a_viewer(
    write: Callable[..., LedgerEvent], actor_of: Callable[[str], Actor]
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from veille.audit.models import AuditEvent
    from veille.core.errors import PermissionDenied

    c = write("commitment", amount="10", currency="EUR")
    LedgerFigure.objects.filter(pk=c.pk).update(size=1)
    with pytest.raises(PermissionDenied):
        services.do_rebuild_figures(actor_of("pawel"))
    assert set(figures.differences()) == {c.pk}
    assert not AuditEvent.objects.filter(action="ledger.figures.rebuild").exists()
    call_command("ledger", "check-figures", "--rebuild", stdout=StringIO())
    (audited,) = AuditEvent.objects.filter(action="ledger.figures.rebuild")
    assert audited.actor == "system:ledger:check-figures"
    assert audited.after == {"figures": 1, "differed": 1}
    assert figures.differences() == {}
