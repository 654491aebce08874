from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndustryConfig(AppConfig):
    name = "veille.industry"
    label = "industry"
    verbose_name = _("Industry")
    # records the NATO-Ukraine Council's actions may cite as evidence (veille.council.evidence)
    evidence_models = ("Contract",)
