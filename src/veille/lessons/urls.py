from django.urls import path

from veille.lessons import views

app_name = "lessons"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("summaries/", views.summaries, name="summaries"),
    path("observations/", views.observations, name="observations"),
    path("observations/new/", views.observation_new, name="observation_new"),
    path("observations/<int:pk>/", views.observation, name="observation"),
    path("observations/<int:pk>/<str:step>/", views.observation_step, name="observation_step"),
    path("<int:pk>/", views.lesson, name="lesson"),
    path("<int:pk>/summary/", views.summary_new, name="summary_new"),
    path("<int:pk>/<str:step>/", views.lesson_step, name="lesson_step"),
    path("<str:table>.<str:fmt>", views.export, name="export"),
]
