"""The shell's pages at the root, and the shell's pages that keep an address under a mechanism."""

from django.urls import URLPattern, path

from veille.web import claims_page, demand_page, reconcile_page, support_overview, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/tokens/", views.tokens, name="tokens"),
]

#: Pages that gather several mechanisms but live at a mechanism's address, under its URL names:
#: ``veille/urls.py`` adds them to that mechanism's namespace, ahead of its own patterns.
MECHANISM_PAGES: dict[str, list[URLPattern]] = {
    "industry": [
        path("demand/", demand_page.demand, name="demand"),
        path("demand/export.<str:fmt>", demand_page.demand_export, name="demand_export"),
    ],
    "support": [
        path("", support_overview.index, name="index"),
        path("donors.<str:fmt>", support_overview.donors_export, name="donors_export"),
        path("claims/", claims_page.claims, name="claims"),
        path("claims/press-report.fr.txt", claims_page.press_report, name="press_report"),
        path("reconcile/", reconcile_page.reconcile, name="reconcile"),
    ],
}
