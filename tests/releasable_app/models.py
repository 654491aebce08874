"""A concrete releasable model for testing the access rules by themselves (test runs only)."""

from django.db import models

from veille.nations.access import Releasable


class Dossier(Releasable):
    title = models.CharField(max_length=100)

    class Meta:
        app_label = "releasable_app"
