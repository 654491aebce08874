from django.urls import path

from veille.web.mechanisms import overview

app_name = "training"
urlpatterns = [
    path("", overview("training"), name="index"),
]
