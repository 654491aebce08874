from django.urls import path

from veille.arctic import views, views_alerts

app_name = "arctic"
urlpatterns = [
    path("", views.index, name="index"),
    path("activities/new/", views.new_activity, name="activity_new"),
    path("activities/<int:pk>/", views.activity, name="activity"),
    path("activities/<int:pk>/edit/", views.edit_activity, name="activity_edit"),
    path("activities/<int:pk>/link/", views.link, name="link"),
    path("layers/<str:name>.geojson", views.layer, name="layer"),
    path("coverage/", views.coverage, name="coverage"),
    path("deconfliction/", views.deconfliction, name="deconfliction"),
    path("alerts/", views_alerts.alerts, name="alerts"),
    path("alerts/stored/", views_alerts.raise_stored, name="raise_stored"),
    path("alerts/rules/<int:pk>/delete/", views_alerts.rule_delete, name="rule_delete"),
    path("alerts/<int:pk>/acknowledge/", views_alerts.acknowledge, name="acknowledge"),
    path("stream/", views_alerts.stream, name="stream"),
    path("<str:table>.<str:fmt>", views.export, name="export"),
]
