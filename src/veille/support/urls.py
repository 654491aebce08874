from django.urls import path

from veille.support import views

# The overview (index), the donors export (donors_export) and the claims page (claims) gather
# several mechanisms: the shell adds them to this namespace (veille.web.urls.MECHANISM_PAGES).
app_name = "support"
urlpatterns = [
    path("<str:table>.<str:fmt>", views.export, name="export"),
]
