from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationsConfig(AppConfig):
    name = "veille.nations"
    label = "nations"
    verbose_name = _("Nations and access")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        post_save.connect(_forget_names, dispatch_uid="nations-forget-names")
        post_delete.connect(_forget_names, dispatch_uid="nations-forget-names-delete")


def _forget_names(sender: object, **kwargs: object) -> None:
    """A nation saved (by a service or a migration's historical model): the names map is read again."""
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.label == "nations.Nation":
        from veille.nations.queries import forget_names

        forget_names()
