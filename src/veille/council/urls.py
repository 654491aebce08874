from django.urls import path

from veille.council import views, write_views

app_name = "council"
urlpatterns = [
    path("", views.index, name="index"),
    path("meetings/new/", write_views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/decisions/new/", write_views.decision_new, name="decision_new"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
    path("decisions/<int:pk>/actions/new/", write_views.action_new, name="action_new"),
    path("actions/", views.actions, name="actions"),
    path("actions/<int:pk>/", views.action, name="action"),
    path("actions/<int:pk>/evidence/new/", write_views.evidence_new, name="evidence_new"),
    path("milestones/", views.milestones, name="milestones"),
    path("notifications/", views.notifications, name="notifications"),
    path("<str:table>.<str:fmt>", views.export, name="export"),
]
