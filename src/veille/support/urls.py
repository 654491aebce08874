from django.urls import path

from veille.support import views

app_name = "support"
urlpatterns = [
    path("", views.index, name="index"),
    path("claims/", views.claims, name="claims"),
    path("<str:table>.<str:fmt>", views.export, name="export"),
]
