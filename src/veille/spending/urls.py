from django.urls import path

from veille.spending import views

app_name = "spending"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.<str:fmt>", views.export, name="export"),
    path("ally/<str:code>/", views.ally, name="ally"),
    path("ally/<str:code>/export.<str:fmt>", views.ally_export, name="ally_export"),
    path("compare/", views.compare, name="compare"),
    path("compare/export.<str:fmt>", views.compare_export, name="compare_export"),
    path("plans/", views.plans, name="plans"),
    path("plans/export.<str:fmt>", views.plans_export, name="plans_export"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("figures/", views.figures, name="figures"),
    path("figures/export.<str:fmt>", views.figures_export, name="figures_export"),
    path("sources/", views.sources, name="sources"),
    path("sources/export.<str:fmt>", views.sources_export, name="sources_export"),
]
