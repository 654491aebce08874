from django.urls import path

from veille.industry import views, views_edit

app_name = "industry"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.<str:fmt>", views.index_export, name="export"),
    path("products/<slug:slug>/", views.product, name="product"),
    path("producers/", views.producers, name="producers"),
    path("producers/export.<str:fmt>", views.producers_export, name="producers_export"),
    path("map/countries.geojson", views.basemap, name="basemap"),
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/export.<str:fmt>", views.contracts_export, name="contracts_export"),
    path("figures/", views.figures, name="figures"),
    path("figures/export.<str:fmt>", views.figures_export, name="figures_export"),
    path("figures/new/", views_edit.figure_new, name="figure_new"),
    path("claims/", views.claim, name="claims"),
    path("bottlenecks/", views_edit.bottlenecks, name="bottlenecks"),
    path("bottlenecks/export.<str:fmt>", views_edit.bottlenecks_export, name="bottlenecks_export"),
    path("mapping/", views_edit.mapping, name="mapping"),
    path("mapping/<int:pk>/delete/", views_edit.mapping_delete, name="mapping_delete"),
]
