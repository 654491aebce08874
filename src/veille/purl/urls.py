from django.urls import path

from veille.web.mechanisms import overview

app_name = "purl"
urlpatterns = [
    path("", overview("purl"), name="index"),
]
