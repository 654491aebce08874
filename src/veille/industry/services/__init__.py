"""Every write of industry, one module per concept; callers import them from here.

* :mod:`~veille.industry.services.records` — figures, contracts, sites' locations and the mapping of
  PURL categories to products, recorded by editors and coordinators;
* :mod:`~veille.industry.services.imports` — importing the shipped dataset (``veille import industry``).

``check_*`` validates input and the caller's rights and raises a named error
(:mod:`veille.industry.exceptions`); ``do_*`` performs the change in one transaction and writes the
audit record. Nothing else in industry writes to the database.
"""

from __future__ import annotations

from veille.industry.services.imports import do_import
from veille.industry.services.records import (
    check_contract,
    check_figure,
    check_location,
    check_mapping,
    do_locate_site,
    do_map_category,
    do_record_contract,
    do_record_figure,
    do_unmap_category,
    known_units,
)

__all__ = [
    "check_contract",
    "check_figure",
    "check_location",
    "check_mapping",
    "do_import",
    "do_locate_site",
    "do_map_category",
    "do_record_contract",
    "do_record_figure",
    "do_unmap_category",
    "known_units",
]
