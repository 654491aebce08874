from django.urls import path

from veille.web.mechanisms import overview

app_name = "support"
urlpatterns = [
    path("", overview("support"), name="index"),
]
