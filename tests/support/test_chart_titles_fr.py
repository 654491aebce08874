"""The axis titles that support's and PURL's charts write in Python are in the reader's language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from veille.purl.queries import month_chart
from veille.support.charts import donors_share_of_gdp


@pytest.mark.django_db  # the charts name nations as the reader reads them (nations.queries)
def test_the_share_of_gdp_and_the_purl_month_chart_name_their_axes_in_french() -> None:
    rows = [
        {"name": "Pologne", "total_pct_gdp": Decimal("0.5"), "military_pct_gdp": Decimal("0.4"),
         "financial_pct_gdp": Decimal("0.1"), "humanitarian_pct_gdp": Decimal(0)},
    ]  # fmt: skip
    with translation.override("fr"):
        gdp = donors_share_of_gdp(rows, "titre")
        months = month_chart(
            [{"month": "2025-08", "nation": "NLD", "committed_usd": Decimal(500_000_000)}], "t"
        )
    assert gdp["encoding"]["x"]["title"] == "Part du PIB (%)"
    assert months["encoding"]["y"]["title"] == "millions USD"
    with translation.override("en"):
        assert donors_share_of_gdp(rows, "title")["encoding"]["x"]["title"] == "Share of GDP (%)"
