from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurlConfig(AppConfig):
    name = "veille.purl"
    label = "purl"
    verbose_name = _("PURL")
