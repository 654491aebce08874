from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "veille.council"
    label = "council"
    verbose_name = _("NATO-Ukraine Council")
    #: Models of this app that an action's evidence may point at (see veille.council.evidence).
    evidence_models: tuple[str, ...] = ()
