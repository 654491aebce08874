from django.urls import path

from veille.web.mechanisms import overview

app_name = "spending"
urlpatterns = [
    path("", overview("spending"), name="index"),
]
