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
    # people and rights: each user sees their own account; coordinators see and change everyone's
    "web:account": Expect("/account/", MEMBERS_ONLY),
    "web:people": Expect("/people/", STAFF_WIDE),
    "web:invite": Expect("/people/invitations/new/", STAFF_WIDE),
    "web:person": Expect("/people/nora/", STAFF_WIDE),
    # cancelling or sending again is a POST (below, in WRITES)
    "web:invitation_cancel": Expect("/people/invitations/1/cancel/", {"anon": 302, "*": 405}),
    "web:invitation_resend": Expect("/people/invitations/1/resend/", {"anon": 302, "*": 405}),
    "web:invitation": Expect("/invitation/no-such-link/", {"*": 404}),
    "healthz": Expect("/healthz", EVERYONE_200),
    "set_language": Expect("/i18n/setlang/", {"*": 302}),  # GET changes nothing and goes back
    # nations
    "nations:list": Expect("/nations/", EVERYONE_200),
    "nations:export": Expect("/nations/export.csv", EVERYONE_200),
    # the locked logins and their unlock: coordinators (the unlock itself is in WRITES)
    "nations:locks": Expect("/nations/locks/", STAFF_WIDE),
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
    "purl:reorder": Expect("/purl/lists/1/reorder/", {"anon": 302, "*": 404}),
    "purl:item_edit": Expect("/purl/items/1/edit/", {"anon": 302, "*": 404}),
    "purl:item_remove": Expect("/purl/items/1/remove/", {"anon": 302, "*": 404}),
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
    "purl:contribution_amend": Expect("/purl/contributions/1/amend/", {"anon": 302, "*": 404}),
    "purl:contribution_cancel": Expect("/purl/contributions/1/cancel/", {"anon": 302, "*": 404}),
    "purl:package_change": Expect("/purl/packages/1/change/", {"anon": 302, "*": 404}),
    "purl:release_funding": Expect("/purl/packages/1/release/", {"anon": 302, "*": 404}),
    "purl:record": Expect("/purl/record/", EVERYONE_200),
    # the delivery pipeline (lead times, open items' ageing): coordinators, as its exports
    "purl:pipeline": Expect("/purl/pipeline/", STAFF_WIDE),
    "api:purl_pipeline": Expect("/api/v1/purl/pipeline", API_STAFF_WIDE),
    "purl:notifications": Expect("/purl/notifications/", MEMBERS_ONLY),
    # notices: each user's own (veille.notices)
    "notices:index": Expect("/notices/", MEMBERS_ONLY),
    "api:notices_list": Expect("/api/v1/notices/", API_LOGGED_IN),
    "api:notices_read": Expect("/api/v1/notices/read", {"anon": 401, "*": 400}, method="post"),
    "purl:export": Expect("/purl/packages.csv", EVERYONE_200),
    "api:purl_lists": Expect("/api/v1/purl/lists", API_LOGGED_IN),
    "api:purl_list": Expect("/api/v1/purl/lists/1", {"anon": 401, "*": 404}),
    "api:purl_decide": Expect("/api/v1/purl/lists/1/decisions", {"anon": 401, "*": 400}, method="post"),
    "api:purl_packages": Expect("/api/v1/purl/packages", API_LOGGED_IN),
    "api:purl_contributions": Expect("/api/v1/purl/contributions", API_LOGGED_IN),
    "api:purl_contribute": Expect("/api/v1/purl/contributions", {"anon": 401, "*": 400}, method="post"),
    "api:purl_amend": Expect("/api/v1/purl/lists/1/amendments", {"anon": 401, "*": 400}, method="post"),
    "api:purl_add_item": Expect("/api/v1/purl/lists/1/items", {"anon": 401, "*": 400}, method="post"),
    "api:purl_change_item": Expect("/api/v1/purl/items/1/changes", {"anon": 401, "*": 400}, method="post"),
    # no body to refuse: rights first (only Ukraine's editors), then the item (none in the matrix's data)
    "api:purl_remove_item": Expect(
        "/api/v1/purl/items/1/removal", {"anon": 401, "olga": 404, "*": 403}, method="post"
    ),
    "api:purl_reorder": Expect("/api/v1/purl/lists/1/order", {"anon": 401, "*": 400}, method="post"),
    "api:purl_amend_contribution": Expect(
        "/api/v1/purl/contributions/1/amendments", {"anon": 401, "*": 400}, method="post"
    ),
    "api:purl_cancel_contribution": Expect(
        "/api/v1/purl/contributions/1/cancellation", {"anon": 401, "*": 400}, method="post"
    ),
    "api:purl_compose": Expect("/api/v1/purl/packages", {"anon": 401, "*": 400}, method="post"),
    "api:purl_change_package": Expect(
        "/api/v1/purl/packages/1/versions", {"anon": 401, "*": 400}, method="post"
    ),
    "api:purl_release_funding": Expect(
        "/api/v1/purl/packages/1/funding-release", {"anon": 401, "*": 400}, method="post"
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
    "support:press_report": Expect("/support/claims/press-report.fr.txt", EVERYONE_200),
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
    # industry: public figures for everyone; the matrix's data hold none, so a product is 404
    # (tests/industry has the pages with the shipped dataset and the rights to record)
    "industry:export": Expect("/industry/export.csv", EVERYONE_200),
    "industry:product": Expect("/industry/products/155-mm-artillery-shell/", {"*": 404}),
    "industry:producers": Expect("/industry/producers/", EVERYONE_200),
    "industry:producers_export": Expect("/industry/producers/export.json", EVERYONE_200),
    "industry:basemap": Expect("/industry/map/countries.geojson", EVERYONE_200),
    "industry:contracts": Expect("/industry/contracts/", EVERYONE_200),
    "industry:contracts_export": Expect("/industry/contracts/export.csv", EVERYONE_200),
    "industry:figures": Expect("/industry/figures/", EVERYONE_200),
    "industry:figures_export": Expect("/industry/figures/export.json", EVERYONE_200),
    "industry:figure_new": Expect(
        "/industry/figures/new/", {"anon": 302, "alice": 200, "nora": 200, "olga": 200, "sam": 200, "*": 403}
    ),
    "industry:claims": Expect("/industry/claims/", EVERYONE_200),
    "industry:bottlenecks": Expect("/industry/bottlenecks/", EVERYONE_200),
    "industry:bottlenecks_export": Expect("/industry/bottlenecks/export.csv", {"*": 404}),
    "industry:mapping": Expect("/industry/mapping/", EVERYONE_200),
    "industry:demand": Expect("/industry/demand/", EVERYONE_200),
    "industry:demand_export": Expect("/industry/demand/export.csv", EVERYONE_200),
    "industry:mapping_delete": Expect("/industry/mapping/1/delete/", {"*": 405}),
    # training, lessons learned and the NATO-Ukraine Council: the matrix's data holds no meeting,
    # decision, action, observation, lesson, programme or cohort (their pages are 404; tests/council,
    # tests/lessons and tests/training walk them with data)
    "training:index": Expect("/training/", EVERYONE_200),
    "training:timeline": Expect("/training/timeline/", EVERYONE_200),
    "training:programmes": Expect("/training/programmes/", EVERYONE_200),
    "training:programme": Expect("/training/programmes/1/", {"*": 404}),
    "training:hosts": Expect("/training/hosts/", EVERYONE_200),
    "training:cohort_new": Expect(
        "/training/cohorts/new/", {"anon": 302, "alice": 200, "nora": 200, "olga": 200, "sam": 200, "*": 403}
    ),
    "training:cohort": Expect("/training/cohorts/1/", {"*": 404}),
    "training:export": Expect("/training/figures.csv", EVERYONE_200),
    "council:index": Expect("/council/", EVERYONE_200),
    "council:meeting_new": Expect("/council/meetings/new/", STAFF_WIDE),
    "council:meeting": Expect("/council/meetings/1/", {"*": 404}),
    "council:decision_new": Expect(
        "/council/meetings/1/decisions/new/", {"anon": 302, "alice": 404, "*": 403}
    ),
    "council:decisions": Expect("/council/decisions/", EVERYONE_200),
    "council:decision": Expect("/council/decisions/1/", {"*": 404}),
    "council:action_new": Expect("/council/decisions/1/actions/new/", {"anon": 302, "alice": 404, "*": 403}),
    "council:actions": Expect("/council/actions/", EVERYONE_200),
    "council:action": Expect("/council/actions/1/", {"*": 404}),
    "council:evidence_new": Expect("/council/actions/1/evidence/new/", {"anon": 302, "*": 404}),
    "council:milestones": Expect("/council/milestones/", EVERYONE_200),
    "council:notifications": Expect("/council/notifications/", MEMBERS_ONLY),
    "council:export": Expect("/council/meetings.csv", EVERYONE_200),
    "lessons:index": Expect("/lessons/", EVERYONE_200),
    "lessons:search": Expect("/lessons/search/?q=drone", EVERYONE_200),
    "lessons:summaries": Expect("/lessons/summaries/", EVERYONE_200),
    "lessons:observations": Expect("/lessons/observations/", EVERYONE_200),
    "lessons:observation_new": Expect(
        "/lessons/observations/new/",
        {"anon": 302, "alice": 200, "nora": 200, "olga": 200, "sam": 200, "*": 403},
    ),
    "lessons:observation": Expect("/lessons/observations/1/", {"*": 404}),
    "lessons:observation_step": Expect("/lessons/observations/1/analyse/", {"anon": 302, "*": 404}),
    "lessons:lesson": Expect("/lessons/1/", {"*": 404}),
    "lessons:summary_new": Expect("/lessons/1/summary/", {"anon": 302, "*": 404}),
    "lessons:lesson_step": Expect("/lessons/1/validate/", {"anon": 302, "*": 404}),
    "lessons:export": Expect("/lessons/lessons.csv", EVERYONE_200),
    "api:council_meetings": Expect("/api/v1/council/meetings", API_LOGGED_IN),
    "api:council_record_meeting": Expect("/api/v1/council/meetings", {"anon": 401, "*": 400}, method="post"),
    "api:council_meeting": Expect("/api/v1/council/meetings/1", {"anon": 401, "*": 404}),
    "api:council_decisions": Expect("/api/v1/council/decisions", API_LOGGED_IN),
    "api:council_record_decision": Expect(
        "/api/v1/council/decisions", {"anon": 401, "*": 400}, method="post"
    ),
    "api:council_actions": Expect("/api/v1/council/actions", API_LOGGED_IN),
    "api:council_task_action": Expect("/api/v1/council/actions", {"anon": 401, "*": 400}, method="post"),
    "api:council_action": Expect("/api/v1/council/actions/1", {"anon": 401, "*": 404}),
    "api:council_attach_evidence": Expect(
        "/api/v1/council/actions/1/evidence", {"anon": 401, "*": 400}, method="post"
    ),
    "api:council_milestones": Expect("/api/v1/council/milestones", API_LOGGED_IN),
    "api:council_export_csv": Expect("/api/v1/council/actions.csv", API_LOGGED_IN),
    "api:lessons_observations": Expect("/api/v1/lessons/observations", API_LOGGED_IN),
    "api:lessons_record_observation": Expect(
        "/api/v1/lessons/observations", {"anon": 401, "*": 400}, method="post"
    ),
    "api:lessons_observation": Expect("/api/v1/lessons/observations/1", {"anon": 401, "*": 404}),
    "api:lessons_observation_step": Expect(
        "/api/v1/lessons/observations/1/steps", {"anon": 401, "*": 400}, method="post"
    ),
    "api:lessons_list": Expect("/api/v1/lessons/", API_LOGGED_IN),
    "api:lessons_lesson": Expect("/api/v1/lessons/1", {"anon": 401, "*": 404}),
    "api:lessons_lesson_step": Expect("/api/v1/lessons/1/steps", {"anon": 401, "*": 400}, method="post"),
    "api:lessons_release_summary": Expect(
        "/api/v1/lessons/1/summary", {"anon": 401, "*": 400}, method="post"
    ),
    "api:lessons_summaries": Expect("/api/v1/lessons/summaries", API_LOGGED_IN),
    "api:lessons_search": Expect("/api/v1/lessons/search?q=drone", API_LOGGED_IN),
    "api:lessons_export_csv": Expect("/api/v1/lessons/lessons.csv", API_LOGGED_IN),
    "api:training_programmes": Expect("/api/v1/training/programmes", API_LOGGED_IN),
    "api:training_figures": Expect("/api/v1/training/figures", API_LOGGED_IN),
    "api:training_hosts": Expect("/api/v1/training/hosts", API_LOGGED_IN),
    "api:training_cohorts": Expect("/api/v1/training/cohorts", API_LOGGED_IN),
    "api:training_record_cohort": Expect("/api/v1/training/cohorts", {"anon": 401, "*": 400}, method="post"),
    "api:training_timeline": Expect("/api/v1/training/timeline", API_LOGGED_IN),
    "api:training_export_csv": Expect("/api/v1/training/figures.csv", API_LOGGED_IN),
    "arctic:index": Expect("/arctic/", EVERYONE_200),
    # arctic: activities are read through visible_to (none in the matrix's data); tests/arctic has the rest
    "arctic:activity": Expect("/arctic/activities/1/", {"*": 404}),
    "arctic:activity_new": Expect(
        "/arctic/activities/new/", {"anon": 302, "alice": 200, "nora": 200, "olga": 200, "sam": 200, "*": 403}
    ),
    "arctic:activity_edit": Expect("/arctic/activities/1/edit/", {"anon": 302, "*": 404}),
    "arctic:link": Expect("/arctic/activities/1/link/", {"*": 405}),
    "arctic:layer": Expect("/arctic/layers/activities.geojson?bbox=-180,45,180,90", EVERYONE_200),
    "arctic:coverage": Expect("/arctic/coverage/", EVERYONE_200),
    "arctic:deconfliction": Expect("/arctic/deconfliction/", STAFF_WIDE),
    "arctic:alerts": Expect("/arctic/alerts/", MEMBERS_ONLY),
    "arctic:raise_stored": Expect("/arctic/alerts/stored/", {"*": 405}),
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
    "api:industry_figures": Expect("/api/v1/industry/figures", API_LOGGED_IN),
    # an empty body is refused before rights are checked (rights: tests/industry/test_record.py)
    "api:industry_record_figure": Expect("/api/v1/industry/figures", {"anon": 401, "*": 400}, method="post"),
    "api:industry_capacity": Expect("/api/v1/industry/capacity", API_LOGGED_IN),
    "api:industry_targets": Expect("/api/v1/industry/targets", API_LOGGED_IN),
    "api:industry_contracts": Expect("/api/v1/industry/contracts", API_LOGGED_IN),
    "api:industry_record_contract": Expect(
        "/api/v1/industry/contracts", {"anon": 401, "*": 400}, method="post"
    ),
    "api:industry_products": Expect("/api/v1/industry/products", API_LOGGED_IN),
    # the example scenario names products the matrix's data do not hold
    "api:industry_bottlenecks": Expect("/api/v1/industry/bottlenecks", {"anon": 401, "*": 404}),
    "api:industry_run_bottlenecks": Expect(
        "/api/v1/industry/bottlenecks", {"anon": 401, "*": 400}, method="post"
    ),
    "api:industry_locate_site": Expect(
        "/api/v1/industry/sites/location", {"anon": 401, "*": 400}, method="post"
    ),
    "api:industry_mappings": Expect("/api/v1/industry/mappings", API_LOGGED_IN),
    "api:industry_map_category": Expect("/api/v1/industry/mappings", {"anon": 401, "*": 400}, method="post"),
    # ledger: pages and exports show what each user may see (no events in the matrix's data)
    "ledger:index": Expect("/ledger/", EVERYONE_200),
    "ledger:export": Expect("/ledger/export.csv", EVERYONE_200),
    "ledger:chain": Expect("/ledger/events/1/", {"*": 404}),
    # the rates in use and their age: for everyone; loading a newer file: coordinators (WRITES)
    "ledger:rates": Expect("/ledger/rates/", EVERYONE_200),
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
    (
        "nations:locks",
        Expect("/nations/locks/", {"anon": 302, "alice": 302, "*": 403}, "post", {"username": "nora"}),
    ),
    # people and rights: only coordinators grant; a national editor grants nothing; nobody grants
    # themselves more; a coordinator grants up to their own rank (never administrator)
    (
        "web:invite",
        Expect(
            "/people/invitations/new/",
            {"anon": 302, "alice": 200, "*": 403},
            "post",
            {"email": "matrix@example.org", "nation": "NOR", "role": "viewer"},
        ),
    ),
    (
        "web:invite",
        Expect(
            "/people/invitations/new/",
            {"anon": 302, "*": 403},
            "post",
            {"email": "m@example.org", "nation": "", "role": "admin"},
        ),
    ),
    (
        "web:person",
        Expect(
            "/people/pawel/",
            {"anon": 302, "alice": 302, "*": 403},
            "post",
            {"nation": "POL", "role": "editor"},
        ),
    ),
    (
        "web:person",
        Expect(
            "/people/nora/",
            {"anon": 302, "alice": 302, "*": 403},
            "post",
            {"nation": "NOR", "role": "coordinator"},
        ),
    ),
    (
        "web:person",
        Expect("/people/alice/", {"anon": 302, "*": 403}, "post", {"nation": "", "role": "admin"}),
    ),
    (
        "web:person",
        Expect("/people/pawel/", {"anon": 302, "*": 403}, "post", {"nation": "", "role": "admin"}),
    ),
    ("web:person", Expect("/people/pawel/", {"anon": 302, "alice": 302, "*": 403}, "post", {"active": "0"})),
    ("web:person", Expect("/people/alice/", {"anon": 302, "*": 403}, "post", {"active": "0"})),
    ("web:invitation", Expect("/invitation/no-such-link/", {"*": 404}, "post", {"username": "x"})),
    # only coordinators cancel or resend invitations (none with this number in the test data)
    (
        "web:invitation_cancel",
        Expect("/people/invitations/999999/cancel/", {"anon": 302, "alice": 404, "*": 403}, "post"),
    ),
    (
        "web:invitation_resend",
        Expect("/people/invitations/999999/resend/", {"anon": 302, "alice": 404, "*": 403}, "post"),
    ),
    ("set_language", Expect("/i18n/setlang/", {"*": 302}, "post", {"language": "fr", "next": "/"})),
    # a meeting is recorded by coordinators only (then the page of the new meeting)
    (
        "council:meeting_new",
        Expect(
            "/council/meetings/new/",
            {"anon": 302, "alice": 302, "*": 403},
            "post",
            {"date": "2026-03-04", "occasion": "Matrix", "releasable_to": "PUBLIC"},
        ),
    ),
    # an observation for Norway: Norway's editors and coordinators; another nation's editor is refused
    (
        "lessons:observation_new",
        Expect(
            "/lessons/observations/new/",
            {"anon": 302, "alice": 302, "nora": 302, "*": 403},
            "post",
            {
                "nation": "NOR",
                "title": "Matrix",
                "text": "Observed",
                "observed_on": "2025-01-02",
                "releasable_to": "NATIONS",
            },
        ),
    ),
    # loading ECB rates: coordinators only (a form without its file is refused, 422, and changes nothing)
    ("ledger:rates", Expect("/ledger/rates/", {"anon": 302, "alice": 422, "*": 403}, "post", {})),
]
