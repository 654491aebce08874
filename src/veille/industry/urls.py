from django.urls import path

from veille.web.mechanisms import overview

app_name = "industry"
urlpatterns = [
    path("", overview("industry"), name="index"),
]
