from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurlConfig(AppConfig):
    name = "veille.purl"
    label = "purl"
    verbose_name = _("PURL")
    #: Models an action of the NATO-Ukraine Council may cite as evidence (veille.council.evidence).
    evidence_models = ("Package", "Shipment")
