from django.urls import path

from veille.nations import views

app_name = "nations"
urlpatterns = [
    path("", views.nation_list, name="list"),
    path("export.<str:fmt>", views.nation_export, name="export"),
    path("locks/", views.login_locks, name="locks"),
]
