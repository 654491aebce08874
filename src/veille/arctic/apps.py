from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArcticConfig(AppConfig):
    name = "veille.arctic"
    label = "arctic"
    verbose_name = _("Arctic Sentry")
