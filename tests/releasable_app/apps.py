from django.apps import AppConfig


class ReleasableAppConfig(AppConfig):
    name = "tests.releasable_app"
    label = "releasable_app"
