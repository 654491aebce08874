from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "veille.training"
    label = "training"
    verbose_name = _("Training and council")
    #: Models an action of the Council may cite as evidence (see veille.council.evidence).
    evidence_models = ("Cohort",)
