from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from veille.api import api
from veille.kit.registry import app_modules
from veille.web import views as web_views
from veille.web.mechanisms import MECHANISMS, placeholder_urls
from veille.web.urls import MECHANISM_PAGES

urlpatterns = [
    path("", include("veille.web.urls")),
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("audit/", include("veille.web.audit_urls")),
]
# Each app's pages live at /<app>/ (nations, ledger, purl, support, spending, arctic …), with the
# shell's pages that gather several mechanisms at their addresses there (MECHANISM_PAGES); a
# mechanism without pages of its own yet (industry, training) shows the shell's overview there.
_mounted = set()
for _label, _module in app_modules("urls"):
    if _label != "web":
        _patterns = [*MECHANISM_PAGES.get(_label, []), *_module.urlpatterns]
        urlpatterns.append(path(f"{_label}/", include((_patterns, _module.app_name))))
        _mounted.add(_label)
for _key in MECHANISMS:
    if _key not in _mounted:
        urlpatterns.append(path(f"{_key}/", include(placeholder_urls(_key))))

handler400 = "veille.web.views.bad_request"
handler403 = "veille.web.views.permission_denied"
handler404 = "veille.web.views.page_not_found"
handler500 = "veille.web.views.server_error"
