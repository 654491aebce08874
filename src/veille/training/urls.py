from django.urls import path

from veille.training import views

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("timeline/", views.timeline, name="timeline"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("hosts/", views.hosts, name="hosts"),
    path("cohorts/new/", views.cohort_new, name="cohort_new"),
    path("cohorts/<int:pk>/", views.cohort, name="cohort"),
    path("<str:table>.<str:fmt>", views.export, name="export"),
]
