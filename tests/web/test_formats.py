"""Amounts and numbers in the reader's language (issue 22, item 8): ``2 600 000 000,00 NOK`` and
``2,71`` in French, ``2,600,000,000.00 NOK`` and ``2.71`` in English; the spending chart's target
lines say "3,5 %" in French."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from veille.core.money import Money
from veille.spending.charts import _threshold_layers
from veille.web.templatetags.veille_format import money, number, pct


def test_amounts_and_numbers_are_written_as_the_reader_writes_them() -> None:
    nok = Money.parse("2600000000.00", "NOK")
    with translation.override("fr"):
        assert money(nok).replace("\u202f", " ").replace("\u00a0", " ") == "2 600 000 000,00 NOK"
        assert pct(Decimal("2.7134")) == "2,71"
        assert number("1.0305") == "1,0305"
        labels = [r["label"] for r in _threshold_layers("x")[0]["data"]["values"]]
        assert labels == ["2 %", "3,5 %", "5 %"]
    with translation.override("en"):
        assert money(nok) == "2,600,000,000.00 NOK"
        assert pct(Decimal("2.7134")) == "2.71"
        assert [r["label"] for r in _threshold_layers("x")[0]["data"]["values"]] == ["2 %", "3.5 %", "5 %"]
    assert money(None) == "—"
