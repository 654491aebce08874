from django.urls import path

from veille.ledger import views, views_rates

app_name = "ledger"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.<str:fmt>", views.export, name="export"),
    path("events/<int:event_id>/", views.chain_page, name="chain"),
    path("rates/", views_rates.rates_page, name="rates"),
]
