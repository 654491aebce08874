from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from veille.api import api
from veille.web import views as web_views
from veille.web.registry import app_modules

urlpatterns = [
    path("", include("veille.web.urls")),
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
# Each mechanism's pages live at /<app>/ (purl, support, spending, industry, training, arctic …).
for _label, _module in app_modules("urls"):
    if _label != "web":
        urlpatterns.append(path(f"{_label}/", include(_module)))

handler400 = "veille.web.views.bad_request"
handler403 = "veille.web.views.permission_denied"
handler404 = "veille.web.views.page_not_found"
handler500 = "veille.web.views.server_error"
