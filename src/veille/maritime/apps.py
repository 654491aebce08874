from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaritimeConfig(AppConfig):
    name = "veille.maritime"
    label = "maritime"
    verbose_name = _("Maritime picture")
