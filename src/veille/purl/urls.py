from django.urls import path

from veille.purl import forms_views, views

app_name = "purl"
urlpatterns = [
    path("", views.index, name="index"),
    path("lists/", views.lists, name="lists"),
    path("lists/new/", forms_views.list_new, name="list_new"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("lists/<int:pk>/items/new/", forms_views.item_new, name="item_new"),
    path("lists/<int:pk>/decide/", forms_views.decide, name="decide"),
    path("lists/<int:pk>/amend/", forms_views.amend, name="amend"),
    path("packages/new/", forms_views.package_new, name="package_new"),
    path("packages/<int:pk>/", views.package_detail, name="package"),
    path("packages/<int:pk>/ship/", forms_views.ship, name="ship"),
    path("packages/<int:pk>/change/", forms_views.package_change, name="package_change"),
    path("shipments/<int:pk>/receive/", forms_views.receive, name="receive"),
    path("contribute/", forms_views.contribute, name="contribute"),
    path("contributions/", views.contributions, name="contributions"),
    path("contributions/<int:pk>/commit/", forms_views.commit_pledge, name="commit_pledge"),
    path("contributions/<int:pk>/allocate/", forms_views.allocate, name="allocate"),
    path("record/", views.record, name="record"),
    path("notifications/", views.notifications, name="notifications"),
    path("<str:table>.<str:fmt>", views.export, name="export"),
]
