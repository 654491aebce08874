"""What veille's apps share, below every app: Django-light helpers that import only ``veille.core``
(and Django).

* :mod:`veille.kit.paths`: every path veille uses (var folder, database file, AIS store, shipped
  data, static root…), resolved from the environment in one place, without ``django.setup()``;
* :mod:`veille.kit.registry`: the hooks each app offers (``urls``, ``api``, ``importers``, ``demo``,
  ``summary``, ``claims``), found without a central list;
* :mod:`veille.kit.importers`: the shape of an importer for ``veille import KIND PATH``;
* :mod:`veille.kit.exports`: CSV and JSON exports of any table shown on a page;
* :mod:`veille.kit.counts`: the home page's counts;
* :mod:`veille.kit.actors`: the small protocol of "who acts" that the audit trail records.

No module here imports an app (``veille.audit``, ``veille.nations``, a mechanism or the shell);
``tests/test_layers.py`` checks it.
"""

__all__: list[str] = []
