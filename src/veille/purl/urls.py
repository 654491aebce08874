from django.urls import path

from veille.purl import views, views_lists, views_packages, views_pipeline

app_name = "purl"
urlpatterns = [
    path("", views.index, name="index"),
    path("lists/", views.lists, name="lists"),
    path("lists/new/", views_lists.list_new, name="list_new"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("lists/<int:pk>/items/new/", views_lists.item_new, name="item_new"),
    path("lists/<int:pk>/decide/", views_lists.decide, name="decide"),
    path("lists/<int:pk>/reorder/", views_lists.reorder, name="reorder"),
    path("items/<int:pk>/edit/", views_lists.item_edit, name="item_edit"),
    path("items/<int:pk>/remove/", views_lists.item_remove, name="item_remove"),
    path("lists/<int:pk>/amend/", views_lists.amend, name="amend"),
    path("packages/new/", views_packages.package_new, name="package_new"),
    path("packages/<int:pk>/", views.package_detail, name="package"),
    path("packages/<int:pk>/ship/", views_packages.ship, name="ship"),
    path("packages/<int:pk>/change/", views_packages.package_change, name="package_change"),
    path("packages/<int:pk>/release/", views_packages.release_funding, name="release_funding"),
    path("shipments/<int:pk>/receive/", views_packages.receive, name="receive"),
    path("contribute/", views_packages.contribute, name="contribute"),
    path("contributions/", views.contributions, name="contributions"),
    path("contributions/<int:pk>/commit/", views_packages.commit_pledge, name="commit_pledge"),
    path("contributions/<int:pk>/allocate/", views_packages.allocate, name="allocate"),
    path("contributions/<int:pk>/amend/", views_packages.contribution_amend, name="contribution_amend"),
    path("contributions/<int:pk>/cancel/", views_packages.contribution_cancel, name="contribution_cancel"),
    path("record/", views.record, name="record"),
    path("pipeline/", views_pipeline.pipeline_page, name="pipeline"),
    path("notifications/", views.notifications, name="notifications"),
    path("<str:table>.<str:fmt>", views.export, name="export"),
]
