"""``veille demo`` for PURL: the public record, and a synthetic workflow marked as such, once."""

from __future__ import annotations

from typing import Any

from veille.purl.models import Contribution, Package, RequirementList, Shipment


def test_the_demo_loads_the_record_and_a_labelled_synthetic_workflow_once(users: Any, client_as: Any) -> None:
    from veille.purl import demo

    first = demo.load(None)
    assert first["PURL public record"] == "created 20, unchanged 0"
    assert RequirementList.objects.get().synthetic and RequirementList.objects.get().state == "approved"
    package = Package.objects.get(synthetic=True)
    assert set(Contribution.objects.filter(synthetic=True).values_list("nation_id", "currency")) == {
        ("NOR", "NOK"),
        ("DEU", "EUR"),
    }
    assert Shipment.objects.get().synthetic and Shipment.objects.get().received_by == "olga"
    page = client_as("alice").get(f"/purl/packages/{package.pk}/").content.decode()
    assert 'class="synthetic"' in page and "fully funded" in page
    again = demo.load(None)
    assert again == {"PURL public record": "created 0, unchanged 20", "PURL synthetic workflow": "unchanged"}
    assert RequirementList.objects.count() == 1
