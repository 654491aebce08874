"""The shell's pages at the root, and the shell's pages that keep an address under a mechanism."""

from django.urls import URLPattern, path

from veille.web import claims_page, demand_page, people_pages, reconcile_page, support_overview, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/", people_pages.account, name="account"),
    path("people/", people_pages.people, name="people"),
    path("people/invitations/new/", people_pages.invite, name="invite"),
    path("people/invitations/<int:pk>/cancel/", people_pages.invitation_cancel, name="invitation_cancel"),
    path("people/invitations/<int:pk>/resend/", people_pages.invitation_resend, name="invitation_resend"),
    path("people/<str:username>/", people_pages.person, name="person"),
    path("invitation/<str:key>/", people_pages.invitation, name="invitation"),
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
