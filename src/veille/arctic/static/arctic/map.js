// The Arctic picture: a polar stereographic map and a timeline drawn by Vega (its CSP-safe
// expression interpreter, no eval), a time slider that replays both, and the live alert panel
// fed by server-sent events. Every element is built with the DOM API: no inline script or style.
(function () {
  "use strict";
  const mapEl = document.getElementById("arctic-map");
  if (!mapEl || !window.vega) { return; }
  const vega = window.vega;
  const fr = document.documentElement.lang === "fr";
  const T = fr ? {
    nation: "Nation", kind: "Type", window: "Période", area: "Zone", approximate: "approximative", assets: "Moyens",
    command: "Commandement", sentry: "Arctic Sentry", sources: "Sources", undated: "sans date", open: "fin non indiquée",
    flag: "Pavillon", mmsi: "MMSI", name: "Nom", at: "Vu à", speed: "Vitesse", synthetic: "synthétique",
    event: "Événement", zone: "Zone", start: "Début", end: "Fin", more: "Fiche de l’activité", cable: "Câble",
    landing: "Point d’atterrissement", ack: "Accuser réception", live: "En direct", reconnecting: "Reconnexion…",
    track: "Trace", points: "points", yes: "oui", no: "non", other: "Autre navire", events: "Événements AIS",
    shipType: "Type de navire (code AIS)", size: "Longueur × largeur",
    atReception: "heure de réception ou de chargement : la phrase ne porte pas d’heure",
    groups: { ALLY: "allié", OTHER: "autre", UNKNOWN: "inconnu", RUS: "russe", CHN: "chinois" },
    point: "point", pointRadius: "point, rayon de {km} km", polygon: "polygone"
  } : {
    nation: "Nation", kind: "Kind", window: "Window", area: "Area", approximate: "approximate", assets: "Assets",
    command: "Leading command", sentry: "Arctic Sentry", sources: "Sources", undated: "undated", open: "end not stated",
    flag: "Flag", mmsi: "MMSI", name: "Name", at: "Seen at", speed: "Speed", synthetic: "synthetic",
    event: "Event", zone: "Zone", start: "Start", end: "End", more: "Activity page", cable: "Cable",
    landing: "Landing point", ack: "Acknowledge", live: "Live", reconnecting: "Reconnecting…",
    track: "Track", points: "points", yes: "yes", no: "no", other: "Other vessel", events: "AIS events",
    shipType: "Ship type (AIS code)", size: "Length × width",
    atReception: "time of reception or loading: the sentence carries no time",
    groups: { ALLY: "allied", OTHER: "other", UNKNOWN: "unknown", RUS: "Russian", CHN: "Chinese" },
    point: "point", pointRadius: "point, {km} km radius", polygon: "polygon"
  };
  // names for reading, from the page (json_script): zones by their files' names, event types in the
  // reader's language; an id the page does not name is shown as it is
  const LABELS = (function () {
    const el = document.getElementById("arctic-labels");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  })();
  const ZONES = LABELS.zones || {}, ETYPES = LABELS.events || {};
  function zoneName(id) { return id ? (ZONES[id] || id) : ""; }
  function eventLabel(type) { return type ? (ETYPES[type] || type) : ""; }
  // the flag once, and the group only when it says something else ("NOR (allied)", not "CHN (CHN)")
  function flagText(flag, group) {
    if (!group || group === flag) { return flag || ""; }
    const g = T.groups[group] || group;
    return flag ? flag + " (" + g + ")" : g;
  }
  // an activity's area: its name, or what it is when it has none
  function areaText(p, geometry) {
    if (p.area_name) { return p.area_name; }
    if (p.radius_km) { return T.pointRadius.replace("{km}", Number(p.radius_km).toLocaleString(fr ? "fr-FR" : "en-GB")); }
    if (!geometry) { return ""; }
    return geometry.type === "Point" ? T.point : T.polygon;
  }
  // Vega reads the labels from signals (its expressions see no page variables)
  const LABEL_SIGNALS = [{ name: "zone_names", value: ZONES }, { name: "event_labels", value: ETYPES }];
  const EVENT_TIP = "(event_labels[datum.properties.event_type] || datum.properties.event_type) + ' · ' + datum.properties.mmsi"
    + " + (datum.properties.zone ? ' · ' + (zone_names[datum.properties.zone] || datum.properties.zone) : '')";
  const base = mapEl.dataset.layers;
  const BBOX = "-180,45,180,90";
  const DAY = 86400000;
  const slider = document.getElementById("arctic-time");
  const output = document.getElementById("arctic-time-out");
  const status = document.getElementById("map-status");
  const layerForm = document.getElementById("arctic-layers");
  const NATION_COLOURS = ["#1f6fb2", "#c4572a", "#2e8b57", "#7b4fb0", "#b8860b", "#0f7c8c", "#a0306e", "#556b2f", "#8b4513", "#3a5f9e"];
  const GROUPS = { domain: ["RUS", "CHN", "ALLY", "OTHER", "UNKNOWN"], range: ["#b3261e", "#e08a00", "#1f6fb2", "#6b7785", "#a7b0ba"] };

  function url(name, extra) { return base + name + ".geojson?bbox=" + BBOX + (extra || ""); }
  // to the millisecond: the store keeps positions to the microsecond, and a window cut to the second
  // before its last position would drop the latest vessels
  function iso(ms) { return new Date(ms).toISOString(); }
  function label(ms) { return new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC"; }
  // the slider says its time to the millisecond (rounded down from the store's microseconds): "until"
  // is the next millisecond, so the position the slider opens on is in the window
  function aisUrl(name, t) { return url(name, "&since=" + encodeURIComponent(iso(Math.floor(t) - DAY)) + "&until=" + encodeURIComponent(iso(Math.floor(t) + 1))); }
  function checked(name) { const box = layerForm && layerForm.querySelector("input[value=" + name + "]"); return !box || box.checked; }

  const width = Math.max(320, Math.min(mapEl.clientWidth || 900, 1100));
  const height = Math.round(width * 0.72);
  const t0 = Number(slider ? slider.value : Date.now());
  const features = function (name) { return { type: "json", property: "features" }; };
  const geoshape = [{ type: "geoshape", projection: "polar" }];
  const geopoint = [{ type: "geopoint", projection: "polar", fields: ["geometry.coordinates[0]", "geometry.coordinates[1]"] }];
  const mapSpec = {
    $schema: "https://vega.github.io/schema/vega/v6.json",
    description: mapEl.getAttribute("aria-label") || "Map",
    width: width, height: height, autosize: "none", padding: 0,
    signals: [
      { name: "t", value: t0 },
      { name: "zone_names", value: ZONES },
      { name: "event_labels", value: ETYPES },
      { name: "synthetic_word", value: T.synthetic },
      { name: "show_activities", value: checked("activities") },
      { name: "show_vessels", value: checked("vessels") },
      { name: "show_tracks", value: checked("tracks") },
      { name: "show_events", value: checked("events") },
      { name: "show_zones", value: checked("zones") },
      { name: "show_cables", value: checked("cables") },
      { name: "vessels_url", value: aisUrl("vessels", t0) },
      { name: "tracks_url", value: aisUrl("tracks", t0) },
      { name: "activities_url", value: url("activities") },
      { name: "zoom", value: 1 },
      { name: "down", value: null, on: [{ events: "mousedown", update: "[x(), y(), tx, ty]" }, { events: "window:mouseup", update: "null" }] },
      { name: "tx", value: width / 2, on: [{ events: "window:mousemove", update: "down ? down[2] + x() - down[0] : tx" }] },
      { name: "ty", value: height * 0.22, on: [{ events: "window:mousemove", update: "down ? down[3] + y() - down[1] : ty" }] }
    ],
    projections: [{
      name: "polar", type: "stereographic", rotate: [-10, -90, 0], clipAngle: 50,
      scale: { signal: "zoom * " + (height * 1.45) }, translate: [{ signal: "tx" }, { signal: "ty" }]
    }],
    data: [
      { name: "graticule", transform: [{ type: "graticule", step: [30, 10] }] },
      { name: "countries", url: url("countries"), format: features() },
      { name: "zones", url: url("zones"), format: features(), transform: [{ type: "filter", expr: "show_zones" }] },
      { name: "cables", url: url("cables"), format: features(), transform: [{ type: "filter", expr: "show_cables" }] },
      { name: "landings", url: url("landings"), format: features(), transform: [{ type: "filter", expr: "show_cables" }].concat(geopoint) },
      { name: "activities", url: { signal: "activities_url" }, format: features(), transform: [{ type: "filter", expr: "show_activities && (datum.properties.t0 == null || datum.properties.t0 <= t) && (datum.properties.t1 == null || t < datum.properties.t1)" }] },
      { name: "tracks", url: { signal: "tracks_url" }, format: features(), transform: [{ type: "filter", expr: "show_tracks" }] },
      { name: "vessels", url: { signal: "vessels_url" }, format: features(), transform: [{ type: "filter", expr: "show_vessels" }].concat(geopoint) },
      { name: "events", url: url("events"), format: features(), transform: [{ type: "filter", expr: "show_events && datum.properties.t0 <= t && datum.properties.t1 >= t - 86400000" }].concat(geopoint) },
      { name: "alerts", values: [], transform: geopoint },
      { name: "lat_labels", values: [{ lon: -170, lat: 60, t: "60° N" }, { lon: -170, lat: 70, t: "70° N" }, { lon: -170, lat: 80, t: "80° N" }],
        transform: [{ type: "geopoint", projection: "polar", fields: ["lon", "lat"] }] }
    ],
    scales: [
      { name: "nation", type: "ordinal", domain: { data: "activities", field: "properties.nation" }, range: NATION_COLOURS },
      { name: "group", type: "ordinal", domain: GROUPS.domain, range: GROUPS.range },
      { name: "etype", type: "ordinal", domain: ["gap", "encounter", "loitering", "zone_entry", "zone_exit", "cable", "identity_change", "position_jump", "shared_mmsi"], range: ["#6a1b9a", "#c62828", "#ef6c00", "#2e7d32", "#558b2f", "#00838f", "#5d4037", "#ad1457", "#283593"] }
    ],
    marks: [
      { type: "shape", name: "m_graticule", aria: false, from: { data: "graticule" }, encode: { update: { stroke: { value: "#c8d6e2" }, strokeWidth: { value: 0.5 }, fill: { value: null } } }, transform: geoshape, interactive: false },
      { type: "shape", name: "m_countries", aria: false, from: { data: "countries" }, encode: { update: { fill: { value: "#f3efe6" }, stroke: { value: "#b5ad9d" }, strokeWidth: { value: 0.5 }, tooltip: { field: "properties.name" } } }, transform: geoshape, interactive: false },
      { type: "shape", name: "m_zones", aria: false, from: { data: "zones" }, encode: { update: { fill: { value: "#5b6675" }, fillOpacity: { value: 0.05 }, stroke: { value: "#3d4652" }, strokeDash: { value: [6, 4] }, strokeWidth: { value: 1.2 }, tooltip: { signal: "zone_names[datum.properties.id] || datum.properties.name" } } }, transform: geoshape },
      { type: "shape", name: "m_cables", aria: false, from: { data: "cables" }, encode: { update: { stroke: { value: "#138a8a" }, strokeWidth: { value: 1 }, fill: { value: null }, tooltip: { field: "properties.name" } } }, transform: geoshape },
      { type: "symbol", name: "m_landings", aria: false, from: { data: "landings" }, encode: { update: { x: { field: "x" }, y: { field: "y" }, size: { value: 14 }, fill: { value: "#138a8a" }, tooltip: { field: "properties.name" } } } },
      { type: "shape", name: "m_activities", aria: false, from: { data: "activities" }, encode: { update: {
        fill: { scale: "nation", field: "properties.nation" }, fillOpacity: { value: 0.28 },
        stroke: { scale: "nation", field: "properties.nation" }, strokeWidth: { value: 1.6 },
        strokeDash: { signal: "datum.properties.area_approximate ? [5, 3] : [1, 0]" },
        tooltip: { signal: "datum.properties.name + ' (' + datum.properties.nation + ')'" } } }, transform: geoshape },
      { type: "shape", name: "m_tracks", aria: false, from: { data: "tracks" }, encode: { update: { stroke: { scale: "group", field: "properties.group" }, strokeWidth: { value: 1 }, strokeOpacity: { value: 0.7 }, fill: { value: null } } }, transform: geoshape },
      { type: "symbol", name: "m_vessels", aria: false, from: { data: "vessels" }, encode: { update: {
        x: { field: "x" }, y: { field: "y" }, size: { value: 36 }, fill: { scale: "group", field: "properties.group" },
        stroke: { signal: "datum.properties.synthetic ? '#7a3fb0' : '#ffffff'" }, strokeWidth: { signal: "datum.properties.synthetic ? 2 : 0.6" },
        tooltip: { signal: "(datum.properties.name || datum.properties.mmsi) + ' · ' + datum.properties.flag + (datum.properties.synthetic ? ' · ' + synthetic_word : '')" } } } },
      { type: "symbol", name: "m_events", aria: false, from: { data: "events" }, encode: { update: {
        x: { field: "x" }, y: { field: "y" }, shape: { value: "triangle-up" }, size: { value: 90 },
        fill: { scale: "etype", field: "properties.event_type" }, stroke: { signal: "datum.properties.synthetic ? '#7a3fb0' : '#ffffff'" }, strokeWidth: { value: 1.5 },
        tooltip: { signal: EVENT_TIP } } } },
      { type: "symbol", name: "m_alerts", aria: false, from: { data: "alerts" }, encode: { update: { x: { field: "x" }, y: { field: "y" }, shape: { value: "diamond" }, size: { value: 260 }, fill: { value: null }, stroke: { value: "#b3261e" }, strokeWidth: { value: 3 } } } },
      // labels: the countries large enough at this zoom, the zones, the parallels
      { type: "text", name: "l_countries", aria: false, interactive: false, from: { data: "countries" }, encode: { update: {
        x: { signal: "geoCentroid('polar', datum)[0]" }, y: { signal: "geoCentroid('polar', datum)[1]" },
        text: { signal: "geoArea('polar', datum) > 2500 ? datum.properties.name : ''" },
        align: { value: "center" }, baseline: { value: "middle" }, fontSize: { value: 10 }, fill: { value: "#6b6354" } } } },
      { type: "text", name: "l_zones", aria: false, interactive: false, from: { data: "zones" }, encode: { update: {
        x: { signal: "geoCentroid('polar', datum)[0]" }, y: { signal: "geoCentroid('polar', datum)[1]" },
        text: { signal: "zone_names[datum.properties.id] || datum.properties.name || ''" },
        align: { value: "center" }, baseline: { value: "middle" }, fontSize: { value: 11 }, fontWeight: { value: "bold" }, fill: { value: "#3d4652" } } } },
      { type: "text", name: "l_parallels", aria: false, interactive: false, from: { data: "lat_labels" }, encode: { update: {
        x: { field: "x" }, y: { field: "y" }, text: { field: "t" }, fontSize: { value: 10 }, fill: { value: "#7a8da0" }, dx: { value: 3 } } } }
    ]
  };

  function options() {
    return { renderer: "svg", container: mapEl, hover: true, expr: window.vegaInterpreter ? window.vegaInterpreter.expressionInterpreter : undefined };
  }
  const parsed = vega.parse(mapSpec, null, { ast: true });
  const view = new vega.View(parsed, options());

  // the drawing inside a named container (role="img"): its marks are hidden from assistive
  // technology (Vega gives them graphics roles without names; axe-core: svg-img-alt); what the map
  // shows is in the details panel, the vessel list and the tables
  function quiet(el) {
    el.querySelectorAll("svg.marks > g").forEach(function (g) { g.setAttribute("aria-hidden", "true"); });
  }
  // the vessels shown, as buttons: each reached with the keyboard, each showing its details
  const vesselList = document.getElementById("vessel-list");
  const vesselCount = document.getElementById("vessel-count");
  let listed = "";
  function listVessels() {
    if (!vesselList) { return; }
    const vessels = view.data("vessels").map(function (d) { return d.properties || {}; });
    const key = vessels.map(function (p) { return p.mmsi + "@" + p.at; }).join("|");
    if (key === listed) { return; }
    listed = key;
    while (vesselList.firstChild) { vesselList.removeChild(vesselList.firstChild); }
    vessels.slice().sort(function (a, b) { return String(a.name || a.mmsi).localeCompare(String(b.name || b.mmsi)); }).forEach(function (p) {
      const li = h("li");
      const b = h("button", (p.name || T.mmsi + " " + p.mmsi) + " · " + flagText(p.flag, p.group) + (p.synthetic ? " · " + T.synthetic : ""));
      b.type = "button";
      b.dataset.mmsi = String(p.mmsi);
      b.addEventListener("click", function () { showVessel(p); if (details) { details.focus(); } });
      li.appendChild(b);
      vesselList.appendChild(li);
    });
    if (vesselCount) { vesselCount.textContent = String(vessels.length); }
  }
  // the scale bar at the map's centre: a polar stereographic map's scale changes with latitude
  const scaleBar = document.getElementById("map-scale-bar"), scaleText = document.getElementById("map-scale-text");
  function updateScale() {
    if (!scaleBar || !scaleText) { return; }
    const S = view.signal("zoom") * height * 1.45;
    const dx = width / 2 - view.signal("tx"), dy = height / 2 - view.signal("ty");
    const c = 2 * Math.atan(Math.sqrt(dx * dx + dy * dy) / S);  // the centre's angle from the pole
    const kmPerPx = 6371 * 2 * Math.pow(Math.cos(c / 2), 2) / S;
    const nice = [10, 20, 50, 100, 200, 250, 500, 1000, 2000];
    const km = nice.filter(function (k) { return k / kmPerPx <= 140; }).pop() || 10;
    scaleBar.style.width = Math.round(km / kmPerPx) + "px";
    scaleText.textContent = km.toLocaleString(fr ? "fr-FR" : "en-GB") + " km";
    mapEl.dataset.scaleKm = String(km);
  }
  function drawn() {
    quiet(mapEl);
    listVessels();
    updateScale();
    const count = function (name) { try { return view.data(name).length; } catch (e) { return 0; } };
    const counts = { countries: count("countries"), activities: count("activities"), vessels: count("vessels"), tracks: count("tracks"), events: count("events"), zones: count("zones"), cables: count("cables") };
    mapEl.dataset.drawn = JSON.stringify(counts);
    mapEl.dataset.rendered = "true";
    const synth = view.data("vessels").some(function (d) { return d.properties.synthetic; }) || view.data("events").some(function (d) { return d.properties.synthetic; });
    const note = document.getElementById("synthetic-note");
    if (note) { note.hidden = !synth; }
    // the vessels layer is on and its window (the 24 h before the slider's time) holds no position
    const empty = document.getElementById("no-traffic-note");
    if (empty) { empty.hidden = !(checked("vessels") && counts.vessels === 0); }
    if (status) {
      status.textContent = (fr ? "Affiché : " : "Shown: ") + counts.activities + (fr ? " activités, " : " activities, ") + counts.vessels + (fr ? " navires, " : " vessels, ") + counts.events + (fr ? " événements" : " events");
    }
  }
  view.runAsync().then(drawn).catch(function (error) { mapEl.textContent = "Map could not be drawn: " + error.message; });

  // --- zoom: about the cursor (wheel), or about the centre (buttons) ---------------------------
  function zoomAt(factor, px, py) {
    const z0 = view.signal("zoom"), z1 = Math.min(20, Math.max(0.7, z0 * factor)), k = z1 / z0;
    const tx = view.signal("tx"), ty = view.signal("ty");
    // the point under (px, py) stays there: the projection's centre moves towards it by the factor
    view.signal("zoom", z1).signal("tx", px - (px - tx) * k).signal("ty", py - (py - ty) * k);
    mapEl.dataset.zoom = String(z1);
    return view.runAsync().then(drawn);
  }
  mapEl.addEventListener("wheel", function (event) {
    event.preventDefault();
    const svg = mapEl.querySelector("svg") || mapEl;
    const r = svg.getBoundingClientRect();
    zoomAt(Math.pow(1.0015, -event.deltaY * (event.deltaMode ? 16 : 1)), event.clientX - r.left, event.clientY - r.top);
  }, { passive: false });
  const zoomIn = document.getElementById("map-zoom-in"), zoomOut = document.getElementById("map-zoom-out"), zoomReset = document.getElementById("map-zoom-reset");
  if (zoomIn) { zoomIn.addEventListener("click", function () { zoomAt(1.5, width / 2, height / 2); }); }
  if (zoomOut) { zoomOut.addEventListener("click", function () { zoomAt(1 / 1.5, width / 2, height / 2); }); }
  if (zoomReset) {
    zoomReset.addEventListener("click", function () {
      view.signal("zoom", 1).signal("tx", width / 2).signal("ty", height * 0.22);
      mapEl.dataset.zoom = "1";
      view.runAsync().then(drawn);
    });
  }

  // --- details panel --------------------------------------------------------------------------
  const details = document.getElementById("arctic-details");
  function h(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined && text !== null) { e.textContent = String(text); } if (cls) { e.className = cls; } return e; }
  function showDetails(title, pairs, sources, link) {
    if (!details) { return; }
    while (details.childNodes.length > 1) { details.removeChild(details.lastChild); }
    details.appendChild(h("h3", title));
    const dl = h("dl");
    pairs.forEach(function (p) { if (p[1] === null || p[1] === undefined || p[1] === "") { return; } dl.appendChild(h("dt", p[0])); const dd = h("dd"); if (p[1] instanceof Node) { dd.appendChild(p[1]); } else { dd.textContent = String(p[1]); } dl.appendChild(dd); });
    details.appendChild(dl);
    if (sources && sources.length) {
      details.appendChild(h("h4", T.sources));
      const ol = h("ol");
      sources.forEach(function (s) { const li = h("li"); if (s.url) { const a = h("a", s.title || s.url); a.href = s.url; a.rel = "noreferrer"; li.appendChild(a); } else { li.textContent = s.title; } li.appendChild(document.createTextNode(" · " + (s.date || T.undated))); ol.appendChild(li); });
      details.appendChild(ol);
    }
    if (link) { const a = h("a", T.more); a.href = link; details.appendChild(h("p")).appendChild(a); }
  }
  function synthBadge(p) { return p.synthetic ? h("span", T.synthetic, "synthetic") : null; }
  // an event's details, whether it was clicked on the map, on the timeline or is an alert
  function showEvent(p) {
    showDetails(T.event + ": " + eventLabel(p.event_type), [[T.mmsi, p.mmsi], [T.other, p.other_mmsi], [T.flag, flagText(p.flag, p.group)], [T.zone, zoneName(p.zone)], [T.start, p.start], [T.end, p.end], ["", synthBadge(p)]], [{ title: "AIS", url: "", date: "" }]);
  }
  function showVessel(p) {
    showDetails(p.name || (T.mmsi + " " + p.mmsi), [[T.mmsi, p.mmsi], [T.flag, flagText(p.flag, p.group)], [T.at, p.time_basis === "reception" ? p.at + " (" + T.atReception + ")" : p.at], [T.speed, p.sog_kn === null ? null : p.sog_kn + " kn"], [T.shipType, p.ship_type], [T.size, p.length_m ? p.length_m + " × " + (p.width_m || "?") + " m" : null], ["", synthBadge(p)]], [{ title: "AIS" + (p.source ? ": " + p.source : ""), url: "", date: "" }]);
  }
  view.addEventListener("click", function (event, item) {
    if (!item || !item.datum || !item.mark) { return; }
    const p = item.datum.properties || {};
    const name = item.mark.name.replace(/^m_/, "");
    if (name === "activities") {
      const window_ = (p.starts_on || p.shown_from || "?") + " – " + (p.ends_on || T.open);
      showDetails(p.name, [[T.nation, p.nation || "NATO"], [T.kind, p.kind_label], [T.window, window_ + (p.window_note ? " · " + p.window_note : "")],
        [T.area, areaText(p, item.datum.geometry) + (p.area_approximate ? " (" + T.approximate + ")" : "")], [T.assets, p.assets], [T.command, p.leading_command],
        [T.sentry, p.arctic_sentry ? T.yes : T.no]], p.sources, "/arctic/activities/" + p.id + "/");
    } else if (name === "vessels") {
      showVessel(p);
    } else if (name === "events" || name === "alerts") {
      showEvent(p);
    } else if (name === "tracks") {
      showDetails(T.track + " " + p.mmsi, [[T.flag, flagText(p.flag, p.group)], [T.start, p.from], [T.end, p.to], [T.points, p.points], ["", synthBadge(p)]]);
    } else if (name === "zones") {
      showDetails(T.zone + ": " + p.name, [["id", p.id], ["", p.drawn], ["", p.note]], p.source ? [{ url: /^https?:/.test(p.source) ? p.source : "", title: p.source, date: "" }] : []);
    } else if (name === "cables" || name === "landings") {
      showDetails((name === "cables" ? T.cable : T.landing) + ": " + p.name, [], [{ url: "https://www.submarinecablemap.com/", title: "TeleGeography", date: "" }]);
    }
  });

  // --- layers ---------------------------------------------------------------------------------
  if (layerForm) {
    layerForm.addEventListener("change", function (event) {
      const box = event.target;
      if (!box || box.name !== "layer") { return; }
      view.signal("show_" + box.value, box.checked).runAsync().then(drawn);
      if (box.value === "cables") { document.getElementById("cable-notice").hidden = !box.checked; }
    });
    document.getElementById("cable-notice").hidden = !checked("cables");
  }

  // --- timeline -------------------------------------------------------------------------------
  const timelineEl = document.getElementById("arctic-timeline");
  const rowsEl = document.getElementById("arctic-timeline-data");
  let timeline = null;
  if (timelineEl && rowsEl && slider) {
    const rows = JSON.parse(rowsEl.textContent);
    const names = rows.map(function (r) { return r.name; }).concat([T.events]);
    const tw = Math.max(320, Math.min(timelineEl.clientWidth || 900, 1200));
    // The time axis is the slider's range, and nothing is drawn outside it: bars and events are kept
    // when they overlap the range and clamped to it (the scale clamps, the marks clip), or else an
    // event of years ago (a gap opened in 2010) would widen the chart ("pad") to thousands of pixels.
    const lo = Number(slider.min), hi = Number(slider.max);
    const inRange = function (from, to) { return "(" + to + " == null || " + to + " >= lo) && (" + from + " == null || " + from + " <= hi)"; };
    const spec = {
      $schema: "https://vega.github.io/schema/vega/v6.json",
      description: timelineEl.getAttribute("aria-label") || "Timeline",
      // "fit-x" with the padding inside: the whole chart (labels, axis, padding) is tw wide, whatever
      // width the browser's fonts give the vessel and activity names ("pad" added them to tw - 300 and
      // could overflow the box by a few pixels); the height grows with the rows as before.
      width: tw, height: 22 * names.length, padding: 5, autosize: { type: "fit-x", contains: "padding" },
      signals: [{ name: "t", value: t0 }, { name: "lo", value: lo }, { name: "hi", value: hi }].concat(LABEL_SIGNALS),
      data: [
        { name: "rows", values: rows, format: { parse: { start: "date", end: "date" } },
          transform: [{ type: "filter", expr: inRange("time(datum.start)", "time(datum.end)") }] },
        { name: "events", url: url("events", "&since=" + encodeURIComponent(iso(lo)) + "&until=" + encodeURIComponent(iso(hi))), format: features(),
          transform: [{ type: "filter", expr: inRange("datum.properties.t0", "datum.properties.t1") }] }
      ],
      scales: [
        // inset by half an event mark, so that a mark at either end of the range is drawn whole and
        // can be clicked (clipped at the plot's edge, half of it was out of reach)
        { name: "x", type: "utc", domain: [lo, hi], range: [6, { signal: "width - 6" }], clamp: true },
        { name: "y", type: "band", domain: names, range: "height", padding: 0.2 },
        { name: "nation", type: "ordinal", domain: { data: "rows", field: "nation" }, range: NATION_COLOURS },
        { name: "etype", type: "ordinal", domain: ["gap", "encounter", "loitering", "zone_entry", "zone_exit", "cable", "identity_change", "position_jump", "shared_mmsi"], range: ["#6a1b9a", "#c62828", "#ef6c00", "#2e7d32", "#558b2f", "#00838f", "#5d4037", "#ad1457", "#283593"] }
      ],
      axes: [{ orient: "bottom", scale: "x", grid: true, gridColor: "#e3e8ee", aria: false }, { orient: "left", scale: "y", labelLimit: 280, aria: false }],
      marks: [
        { type: "rect", name: "bars", aria: false, from: { data: "rows" }, clip: true, encode: { update: {
          x: { scale: "x", field: "start" }, x2: { scale: "x", field: "end" }, y: { scale: "y", field: "name" }, height: { scale: "y", band: 1 },
          fill: { scale: "nation", field: "nation" }, fillOpacity: { signal: "datum.open_end ? 0.45 : 0.9" },
          stroke: { scale: "nation", field: "nation" }, strokeDash: { signal: "datum.open_end ? [4, 2] : [1, 0]" },
          tooltip: { signal: "datum.name + ' (' + datum.nation + ')'" } } } },
        { type: "symbol", name: "marks", aria: false, from: { data: "events" }, clip: true, encode: { update: {
          x: { scale: "x", field: "properties.t0" }, y: { scale: "y", value: T.events, offset: { signal: "bandwidth('y') / 2" } },
          shape: { value: "triangle-up" }, size: { value: 60 }, fill: { scale: "etype", field: "properties.event_type" },
          tooltip: { signal: EVENT_TIP } } } },
        { type: "rule", name: "now", aria: false, clip: true, interactive: false, encode: { update: { x: { signal: "scale('x', t)" }, y: { value: 0 }, y2: { signal: "height" }, stroke: { value: "#b3261e" }, strokeWidth: { value: 2 } } } }
      ]
    };
    timeline = new vega.View(vega.parse(spec, null, { ast: true }), { renderer: "svg", container: timelineEl, hover: true, expr: window.vegaInterpreter ? window.vegaInterpreter.expressionInterpreter : undefined });
    timeline.runAsync().then(function () { quiet(timelineEl); timelineEl.dataset.rendered = "true"; });
    timeline.addEventListener("click", function (event, item) {
      if (item && item.mark && item.mark.name === "bars") {
        const r = item.datum;
        // Vega's "date" parse may give a Date or a number of milliseconds: new Date takes either
        const day = function (value) { return new Date(+value).toISOString().slice(0, 10); };
        showDetails(r.name, [[T.nation, r.nation], [T.kind, r.kind], [T.window, day(r.start) + " – " + (r.open_end ? T.open : day(+r.end - DAY))]], [], "/arctic/activities/" + r.id + "/");
      } else if (item && item.mark && item.mark.name === "marks" && item.datum) {
        showEvent(item.datum.properties || {});  // as when the event is clicked on the map
      }
    });
  }

  // --- time slider and replay -----------------------------------------------------------------
  function setTime(t, fetchAis) {
    if (output) { output.textContent = label(t); }
    view.signal("t", t);
    if (fetchAis) { view.signal("vessels_url", aisUrl("vessels", t)).signal("tracks_url", aisUrl("tracks", t)); }
    view.runAsync().then(drawn);
    if (timeline) { timeline.signal("t", t).runAsync(); }
    mapEl.dataset.time = String(t);
  }
  if (slider) {
    if (output) { output.textContent = label(t0); }
    slider.addEventListener("input", function () { setTime(Number(slider.value), false); });
    slider.addEventListener("change", function () { setTime(Number(slider.value), true); });
    const play = document.getElementById("arctic-play");
    let timer = null;
    if (play) {
      play.addEventListener("click", function () {
        if (timer) { clearInterval(timer); timer = null; play.setAttribute("aria-pressed", "false"); setTime(Number(slider.value), true); return; }
        const lo = Number(slider.min), hi = Number(slider.max), step = (hi - lo) / 120;
        if (Number(slider.value) >= hi) { slider.value = String(lo); }
        play.setAttribute("aria-pressed", "true");
        timer = setInterval(function () {
          const next = Math.min(hi, Number(slider.value) + step);
          slider.value = String(next);
          setTime(next, false);
          if (next >= hi) { clearInterval(timer); timer = null; play.setAttribute("aria-pressed", "false"); setTime(next, true); }
        }, 250);
      });
    }
  }

  // --- live alerts (server-sent events) -------------------------------------------------------
  const panel = document.getElementById("arctic-alerts");
  if (panel && window.EventSource) {
    const list = document.getElementById("alert-list");
    const state = document.getElementById("alert-state");
    const counter = document.getElementById("alert-count");
    const csrf = panel.querySelector("input[name=csrfmiddlewaretoken]");
    let unacked = 0;
    // every alert drawn on the map: the dataset is replaced with the whole list at each new alert,
    // since Vega keeps only the latest change given to a dataset before its next run (alerts that
    // arrive together would otherwise leave only the last one drawn)
    const onMap = [];
    function count(delta) { unacked = Math.max(0, unacked + delta); counter.textContent = String(unacked); }
    function acknowledge(alert, li, button) {
      button.disabled = true;
      fetch(panel.dataset.ack.replace("/0/", "/" + alert.id + "/"), {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrf ? csrf.value : "", Accept: "application/json" }
      }).then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
        .then(function () { li.classList.add("acknowledged"); li.classList.remove("fresh"); button.remove(); count(-1); })
        .catch(function () { button.disabled = false; });
    }
    function addAlert(alert) {
      if (list.querySelector("[data-alert='" + alert.id + "']")) { return; }
      const li = h("li", null, alert.acknowledged ? "acknowledged" : "fresh");
      li.dataset.alert = String(alert.id);
      li.appendChild(h("strong", eventLabel(alert.event_type)));
      li.appendChild(document.createTextNode(" · " + T.mmsi + " " + (alert.mmsi || "?") + " " + (alert.flag || "") + (alert.zone ? " · " + zoneName(alert.zone) : "") + " · " + alert.at.slice(0, 16).replace("T", " ")));
      if (alert.synthetic) { li.appendChild(document.createTextNode(" ")); li.appendChild(h("span", T.synthetic, "synthetic")); }
      if (!alert.acknowledged) {
        const button = h("button", T.ack);
        button.type = "button";
        button.addEventListener("click", function () { acknowledge(alert, li, button); });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(button);
        count(1);
      }
      list.insertBefore(li, list.firstChild);
      if (alert.lat !== null && alert.lon !== null) {
        onMap.push({ type: "Feature", geometry: { type: "Point", coordinates: [alert.lon, alert.lat] }, properties: alert });
        view.data("alerts", onMap.map(function (f) { return Object.assign({}, f); })).runAsync();
      }
    }
    const source = new EventSource(panel.dataset.stream);
    // "connected": this page's stream is open; "live": a reader of the feed is connected (the
    // server says so, with how long since its last sentence, every few seconds)
    source.addEventListener("hello", function () { panel.dataset.connected = "true"; });
    source.addEventListener("status", function (e) {
      const s = JSON.parse(e.data);
      state.textContent = s.text;
      state.dataset.live = s.live ? "true" : "false";
      panel.dataset.live = s.live ? "true" : "false";
    });
    source.addEventListener("alert", function (e) { addAlert(JSON.parse(e.data)); });
    source.addEventListener("activity", function () { view.signal("activities_url", url("activities", "&v=" + Date.now())).runAsync().then(drawn); });
    source.addEventListener("error", function () { state.textContent = T.reconnecting; panel.dataset.connected = "false"; panel.dataset.live = "false"; });
  }
})();
