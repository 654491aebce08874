from django.urls import path

from veille.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.index, name="index"),
]
