from django.urls import path

from veille.web.mechanisms import overview

app_name = "arctic"
urlpatterns = [
    path("", overview("arctic"), name="index"),
]
