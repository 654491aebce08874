"""The authorization matrix: what each user gets for every route of the project.

Every URL pattern and API route must have a row here (``tests/test_authz_matrix.py`` fails on a
route that is missing). A row is ``Expect(path, {who: status})``; ``who`` is a user name, ``anon``
for an anonymous visitor, or ``*`` for everyone not listed. Paths with parameters use sample values
that exist in the test data.

Statuses: 200 shown; 302 redirected (to the login page); 401 API without credentials;
403 not allowed; 404 not found (or not visible); 405 method not allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

USERS = ("anon", "alice", "nora", "pawel", "olga", "sam", "eve")


@dataclass(frozen=True)
class Expect:
    path: str
    status: dict[str, int] = field(default_factory=dict)
    method: str = "get"
    data: dict[str, object] | None = None

    def for_user(self, who: str) -> int:
        return self.status.get(who, self.status["*"])


EVERYONE_200 = {"*": 200}
MEMBERS_ONLY = {"anon": 302, "*": 200}
API_LOGGED_IN = {"anon": 401, "*": 200}
STAFF_WIDE = {"anon": 302, "alice": 200, "*": 403}
API_STAFF_WIDE = {"anon": 401, "alice": 200, "*": 403}

ROUTES: dict[str, Expect] = {
    # web shell
    "web:home": Expect("/", EVERYONE_200),
    "web:login": Expect("/login/", EVERYONE_200),
    "web:logout": Expect("/logout/", {"*": 405}),  # logging out is a POST
    "web:tokens": Expect("/account/tokens/", MEMBERS_ONLY),
    "healthz": Expect("/healthz", EVERYONE_200),
    "set_language": Expect("/i18n/setlang/", {"*": 302}),  # GET changes nothing and goes back
    # nations
    "nations:list": Expect("/nations/", EVERYONE_200),
    "nations:export": Expect("/nations/export.csv", EVERYONE_200),
    # audit: coordinators and admins only
    "audit:list": Expect("/audit/", STAFF_WIDE),
    "audit:export": Expect("/audit/export.csv", STAFF_WIDE),
    # mechanisms' pages
    "purl:index": Expect("/purl/", EVERYONE_200),
    # PURL: reading pages show what each user may see; each form only to the role that takes its step
    # (no list, package, contribution or shipment exists in the matrix's data: their pages are 404)
    "purl:lists": Expect("/purl/lists/", EVERYONE_200),
    "purl:list_new": Expect("/purl/lists/new/", {"anon": 302, "olga": 200, "*": 403}),
    "purl:list": Expect("/purl/lists/1/", {"*": 404}),
    "purl:item_new": Expect("/purl/lists/1/items/new/", {"anon": 302, "*": 404}),
    "purl:decide": Expect("/purl/lists/1/decide/", {"anon": 302, "*": 404}),
    "purl:amend": Expect("/purl/lists/1/amend/", {"anon": 302, "*": 404}),
    "purl:package_new": Expect("/purl/packages/new/", {"anon": 302, "alice": 200, "*": 403}),
    "purl:package": Expect("/purl/packages/1/", {"*": 404}),
    "purl:ship": Expect("/purl/packages/1/ship/", {"anon": 302, "*": 404}),
    "purl:receive": Expect("/purl/shipments/1/receive/", {"anon": 302, "*": 404}),
    "purl:contribute": Expect(
        "/purl/contribute/", {"anon": 302, "alice": 200, "nora": 200, "sam": 200, "*": 403}
    ),
    "purl:contributions": Expect("/purl/contributions/", EVERYONE_200),
    "purl:commit_pledge": Expect("/purl/contributions/1/commit/", {"anon": 302, "*": 404}),
    "purl:allocate": Expect("/purl/contributions/1/allocate/", {"anon": 302, "*": 404}),
    "purl:package_change": Expect("/purl/packages/1/change/", {"anon": 302, "*": 404}),
    "purl:record": Expect("/purl/record/", EVERYONE_200),
    # the delivery pipeline (lead times, open items' ageing): coordinators, as its exports
    "purl:pipeline": Expect("/purl/pipeline/", STAFF_WIDE),
    "api:purl_pipeline": Expect("/api/v1/purl/pipeline", API_STAFF_WIDE),
    "purl:notifications": Expect("/purl/notifications/", MEMBERS_ONLY),
    "purl:export": Expect("/purl/packages.csv", EVERYONE_200),
    "api:purl_lists": Expect("/api/v1/purl/lists", API_LOGGED_IN),
    "api:purl_list": Expect("/api/v1/purl/lists/1", {"anon": 401, "*": 404}),
    "api:purl_decide": Expect("/api/v1/purl/lists/1/decisions", {"anon": 401, "*": 400}, method="post"),
    "api:purl_packages": Expect("/api/v1/purl/packages", API_LOGGED_IN),
    "api:purl_contributions": Expect("/api/v1/purl/contributions", API_LOGGED_IN),
    "api:purl_contribute": Expect("/api/v1/purl/contributions", {"anon": 401, "*": 400}, method="post"),
    "api:purl_amend": Expect("/api/v1/purl/lists/1/amendments", {"anon": 401, "*": 400}, method="post"),
    "api:purl_compose": Expect("/api/v1/purl/packages", {"anon": 401, "*": 400}, method="post"),
    "api:purl_change_package": Expect(
        "/api/v1/purl/packages/1/versions", {"anon": 401, "*": 400}, method="post"
    ),
    "api:purl_allocate": Expect(
        "/api/v1/purl/contributions/1/allocations", {"anon": 401, "*": 400}, method="post"
    ),
    "api:purl_deliveries": Expect("/api/v1/purl/deliveries", API_LOGGED_IN),
    "api:purl_ship": Expect("/api/v1/purl/deliveries", {"anon": 401, "*": 400}, method="post"),
    "api:purl_receive": Expect("/api/v1/purl/deliveries/1/receipt", {"anon": 401, "*": 400}, method="post"),
    "api:purl_record": Expect("/api/v1/purl/record", API_LOGGED_IN),
    "api:purl_export_csv": Expect("/api/v1/purl/packages.csv", API_LOGGED_IN),
    "support:index": Expect("/support/", EVERYONE_200),
    "support:claims": Expect("/support/claims/", EVERYONE_200),
    # reconciling PURL with the Kiel tracker: coordinators (the shell's page at support's address)
    "support:reconcile": Expect("/support/reconcile/", STAFF_WIDE),
    "support:export": Expect("/support/donors.csv", EVERYONE_200),
    # the donors export carries the share of GDP (spending's data): the shell serves it under support
    "support:donors_export": Expect("/support/donors.json", EVERYONE_200),
    "api:donors": Expect("/api/v1/support/donors", API_LOGGED_IN),
    "api:months": Expect("/api/v1/support/months", API_LOGGED_IN),
    "api:weapons": Expect("/api/v1/support/weapons", API_LOGGED_IN),
    "api:claims": Expect("/api/v1/support/claims", API_LOGGED_IN),
    "spending:index": Expect("/spending/", EVERYONE_200),
    "spending:export": Expect("/spending/export.csv", EVERYONE_200),
    "spending:ally": Expect("/spending/ally/NOR/", EVERYONE_200),
    "spending:ally_export": Expect("/spending/ally/NOR/export.json", EVERYONE_200),
    "spending:compare": Expect("/spending/compare/", EVERYONE_200),
    "spending:compare_export": Expect("/spending/compare/export.csv", EVERYONE_200),
    "spending:plans": Expect("/spending/plans/", EVERYONE_200),
    "spending:plans_export": Expect("/spending/plans/export.csv", EVERYONE_200),
    "spending:plan_new": Expect(
        "/spending/plans/new/", {"anon": 302, "alice": 200, "nora": 200, "sam": 200, "*": 403}
    ),
    "spending:figures": Expect("/spending/figures/", EVERYONE_200),
    "spending:figures_export": Expect("/spending/figures/export.csv", EVERYONE_200),
    "spending:sources": Expect("/spending/sources/", EVERYONE_200),
    "spending:sources_export": Expect("/spending/sources/export.json", EVERYONE_200),
    "industry:index": Expect("/industry/", EVERYONE_200),
    "training:index": Expect("/training/", EVERYONE_200),
    "arctic:index": Expect("/arctic/", EVERYONE_200),
    # arctic: activities are read through visible_to (none in the matrix's data); tests/arctic has the rest
    "arctic:activity": Expect("/arctic/activities/1/", {"*": 404}),
    "arctic:activity_new": Expect(
        "/arctic/activities/new/", {"anon": 302, "alice": 200, "nora": 200, "olga": 200, "sam": 200, "*": 403}
    ),
    "arctic:link": Expect("/arctic/activities/1/link/", {"*": 405}),
    "arctic:layer": Expect("/arctic/layers/activities.geojson?bbox=-180,45,180,90", EVERYONE_200),
    "arctic:coverage": Expect("/arctic/coverage/", EVERYONE_200),
    "arctic:deconfliction": Expect("/arctic/deconfliction/", STAFF_WIDE),
    "arctic:alerts": Expect("/arctic/alerts/", MEMBERS_ONLY),
    "arctic:rule_delete": Expect("/arctic/alerts/rules/1/delete/", {"*": 405}),
    "arctic:acknowledge": Expect("/arctic/alerts/1/acknowledge/", {"*": 405}),
    "arctic:stream": Expect("/arctic/stream/?max_seconds=0", MEMBERS_ONLY),
    "arctic:export": Expect("/arctic/activities.csv", EVERYONE_200),
    "api:arctic_activities": Expect("/api/v1/arctic/activities", API_LOGGED_IN),
    "api:arctic_activities_geojson": Expect("/api/v1/arctic/activities.geojson", API_LOGGED_IN),
    "api:arctic_activities_csv": Expect("/api/v1/arctic/activities.csv", API_LOGGED_IN),
    "api:arctic_activity": Expect("/api/v1/arctic/activities/1", {"anon": 401, "*": 404}),
    # an empty body is refused before rights are checked (rights: tests/arctic/test_registry.py)
    "api:arctic_record_activity": Expect("/api/v1/arctic/activities", {"anon": 401, "*": 400}, method="post"),
    "api:arctic_link": Expect("/api/v1/arctic/activities/1/link", {"anon": 401, "*": 400}, method="post"),
    "api:arctic_layer": Expect("/api/v1/arctic/layers/zones", API_LOGGED_IN),
    "api:arctic_events_geojson": Expect("/api/v1/arctic/events.geojson", API_LOGGED_IN),
    "api:arctic_events_csv": Expect("/api/v1/arctic/events.csv", API_LOGGED_IN),
    "api:arctic_coverage": Expect("/api/v1/arctic/coverage", API_LOGGED_IN),
    "api:arctic_deconfliction": Expect("/api/v1/arctic/deconfliction", API_STAFF_WIDE),
    "api:arctic_alerts": Expect("/api/v1/arctic/alerts", API_LOGGED_IN),
    "api:arctic_acknowledge": Expect(
        "/api/v1/arctic/alerts/1/acknowledge", {"anon": 401, "*": 404}, method="post"
    ),
    # API
    "api:api-root": Expect("/api/v1/", {"*": 404}),
    "api:openapi-json": Expect("/api/v1/openapi.json", EVERYONE_200),
    "api:openapi-view": Expect("/api/v1/docs", EVERYONE_200),
    "api:list_nations": Expect("/api/v1/nations/", API_LOGGED_IN),
    "api:me": Expect("/api/v1/nations/me", API_LOGGED_IN),
    "api:get_nation": Expect("/api/v1/nations/NOR", API_LOGGED_IN),
    "api:list_audit": Expect("/api/v1/audit/", API_STAFF_WIDE),
    "api:list_spending_figures": Expect("/api/v1/spending/figures", API_LOGGED_IN),
    "api:spending_overview": Expect("/api/v1/spending/overview", API_LOGGED_IN),
    "api:list_spending_plans": Expect("/api/v1/spending/plans", API_LOGGED_IN),
    # recording a plan (an empty body is refused; rights are checked once the body is valid:
    # tests/spending/test_plans.py)
    "api:record_spending_plan": Expect("/api/v1/spending/plans", {"anon": 401, "*": 400}, method="post"),
    # ledger: pages and exports show what each user may see (no events in the matrix's data)
    "ledger:index": Expect("/ledger/", EVERYONE_200),
    "ledger:export": Expect("/ledger/export.csv", EVERYONE_200),
    "ledger:chain": Expect("/ledger/events/1/", {"*": 404}),
    "api:ledger_events": Expect("/api/v1/ledger/events", API_LOGGED_IN),
    "api:ledger_events_csv": Expect("/api/v1/ledger/events.csv", API_LOGGED_IN),
    "api:ledger_event": Expect("/api/v1/ledger/events/1", {"anon": 401, "*": 404}),
    "api:ledger_chain": Expect("/api/v1/ledger/events/1/chain", {"anon": 401, "*": 404}),
    "api:ledger_balances": Expect("/api/v1/ledger/balances", API_LOGGED_IN),
    "api:ledger_balances_csv": Expect("/api/v1/ledger/balances.csv", API_LOGGED_IN),
    # links between two sources' records of the same money: read by anyone logged in (both records
    # visible), written by coordinators (no event exists in the matrix's data: refused before rights)
    "api:ledger_links": Expect("/api/v1/ledger/links", API_LOGGED_IN),
    "api:ledger_link": Expect("/api/v1/ledger/links", {"anon": 401, "*": 400}, method="post"),
    "api:ledger_link_confirm": Expect(
        "/api/v1/ledger/links/1/confirm", {"anon": 401, "*": 400}, method="post"
    ),
    "api:ledger_link_reject": Expect("/api/v1/ledger/links/1/reject", {"anon": 401, "*": 400}, method="post"),
    # Django's admin: its own login page is open; everything else needs a superuser (see PREFIX_RULES)
    "admin:login": Expect("/admin/login/", EVERYONE_200),
}

#: Whole namespaces with one rule. Django's admin is for superusers only; none of the named users is
#: one, so every admin page sends them to the admin's login.
PREFIX_RULES: dict[str, dict[str, int]] = {
    "admin:": {"*": 302},
}


#: Changes, beside the reads above: (route name, request, expected status per user). Each runs in the
#: user's own database transaction, so one user's change never affects the next user's request.
WRITES: list[tuple[str, Expect]] = [
    ("web:tokens", Expect("/account/tokens/", {"anon": 302, "*": 200}, "post", {"name": "matrix"})),
    ("web:logout", Expect("/logout/", {"*": 302}, "post")),
    ("set_language", Expect("/i18n/setlang/", {"*": 302}, "post", {"language": "fr", "next": "/"})),
]
