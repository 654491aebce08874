// The activity form's map: draw the area (a polygon, or a point with its radius) on a polar
// stereographic map of the shipped countries (no tile server), and the form's own fields are filled
// in: they stay the record, and the only way in without a pointer. Built with the DOM API (no inline
// script or style, under the page's CSP).
(function () {
  "use strict";
  const box = document.getElementById("area-draw");
  const mapEl = document.getElementById("draw-map");
  const polygonField = document.getElementById("id_polygon");
  const latField = document.getElementById("id_lat");
  const lonField = document.getElementById("id_lon");
  const radiusField = document.getElementById("id_radius_km");
  if (!box || !mapEl || !polygonField || !latField || !lonField) { return; }
  box.hidden = false;
  const fr = document.documentElement.lang === "fr";
  const T = fr ? {
    corners: "{n} sommets : cliquez d’autres sommets, puis Terminer.", closed: "Polygone de {n} sommets : champ « polygone » rempli.",
    point: "Point {lat} °N, {lon} °E : champs latitude et longitude remplis.", need: "Un polygone a au moins 3 sommets.", empty: "Rien de dessiné."
  } : {
    corners: "{n} corners: click more corners, then Finish.", closed: "Polygon of {n} corners: the polygon field is filled in.",
    point: "Point {lat} °N, {lon} °E: latitude and longitude are filled in.", need: "A polygon has at least 3 corners.", empty: "Nothing drawn."
  };
  const status = document.getElementById("draw-status");
  const NS = "http://www.w3.org/2000/svg";
  const W = Math.max(280, Math.min(mapEl.clientWidth || 600, 640));
  const H = Math.round(W * 0.8);
  const cx = W / 2, cy = H * 0.42;
  const R = (W / 2) / Math.tan((90 - 52) / 2 * Math.PI / 180);  // 52° N at the edges
  const ROT = 10;  // as the picture's map: 10° E points down
  const rad = Math.PI / 180;

  function project(lon, lat) {
    const r = R * Math.tan((90 - lat) / 2 * rad), l = (lon - ROT) * rad;
    return [cx + r * Math.sin(l), cy + r * Math.cos(l)];
  }
  function invert(x, y) {
    const dx = x - cx, dy = y - cy, r = Math.sqrt(dx * dx + dy * dy);
    let lon = Math.atan2(dx, dy) / rad + ROT;
    if (lon > 180) { lon -= 360; } if (lon < -180) { lon += 360; }
    return [lon, 90 - 2 * Math.atan(r / R) / rad];
  }
  function el(tag, attrs) {
    const e = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function round(v) { return Math.round(v * 1000) / 1000; }
  function say(text) { if (status) { status.textContent = text; } }

  const svg = el("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, class: "draw-svg", "aria-hidden": "true" });
  const land = el("g", { class: "draw-land" });
  const grid = el("g", { class: "draw-grid" });
  const shape = el("g", { class: "draw-shape" });
  svg.appendChild(el("rect", { x: 0, y: 0, width: W, height: H, class: "draw-sea" }));
  svg.append(grid, land, shape);
  mapEl.appendChild(svg);
  [60, 70, 80].forEach(function (lat) {
    const c = project(0, lat), r = Math.hypot(c[0] - cx, c[1] - cy);
    grid.appendChild(el("circle", { cx: cx, cy: cy, r: r }));
  });

  function ringPath(ring) {
    let d = "", pen = false;
    ring.forEach(function (p) {
      if (p[1] < 40) { pen = false; return; }
      const xy = project(p[0], p[1]);
      d += (pen ? "L" : "M") + xy[0].toFixed(1) + "," + xy[1].toFixed(1);
      pen = true;
    });
    return d;
  }
  fetch(box.dataset.layers + "countries.geojson?bbox=-180,45,180,90", { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (fc) {
      (fc.features || []).forEach(function (f) {
        const g = f.geometry || {};
        const polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
        let d = "";
        polys.forEach(function (poly) { poly.forEach(function (ring) { d += ringPath(ring); }); });
        if (d) { land.appendChild(el("path", { d: d })); }
      });
      mapEl.dataset.rendered = "true";
    })
    .catch(function () { mapEl.dataset.rendered = "true"; });

  let mode = "polygon";
  let corners = [];  // [lon, lat] of the polygon being drawn
  function redraw(closed) {
    while (shape.firstChild) { shape.removeChild(shape.firstChild); }
    if (mode === "point" && latField.value !== "" && lonField.value !== "") {
      const xy = project(Number(lonField.value), Number(latField.value));
      const km = Number(radiusField && radiusField.value);
      if (km > 0) {  // the radius on the ground: 1° of latitude is 111.2 km
        const edge = project(Number(lonField.value), Math.min(89.9, Number(latField.value) + km / 111.2));
        shape.appendChild(el("circle", { cx: xy[0], cy: xy[1], r: Math.hypot(edge[0] - xy[0], edge[1] - xy[1]), class: "draw-area" }));
      }
      shape.appendChild(el("circle", { cx: xy[0], cy: xy[1], r: 5, class: "draw-point" }));
      return;
    }
    if (!corners.length) { return; }
    const pts = corners.map(function (c) { return project(c[0], c[1]).map(function (v) { return v.toFixed(1); }).join(","); });
    shape.appendChild(el(closed ? "polygon" : "polyline", { points: pts.join(" "), class: "draw-area" }));
    corners.forEach(function (c) { const xy = project(c[0], c[1]); shape.appendChild(el("circle", { cx: xy[0], cy: xy[1], r: 3.5, class: "draw-point" })); });
  }
  function setMode(next) {
    mode = next;
    box.querySelectorAll("[data-mode]").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.mode === mode)); });
    const finish = document.getElementById("draw-finish");
    if (finish) { finish.hidden = mode !== "polygon"; }
    redraw(false);
  }
  box.querySelectorAll("[data-mode]").forEach(function (b) { b.addEventListener("click", function () { setMode(b.dataset.mode); }); });
  svg.addEventListener("click", function (event) {
    const r = svg.getBoundingClientRect();
    const ll = invert((event.clientX - r.left) * W / r.width, (event.clientY - r.top) * H / r.height);
    if (mode === "point") {
      latField.value = String(round(ll[1]));
      lonField.value = String(round(ll[0]));
      polygonField.value = "";
      corners = [];
      say(T.point.replace("{lat}", latField.value).replace("{lon}", lonField.value));
    } else {
      corners.push([round(ll[0]), round(ll[1])]);
      say(T.corners.replace("{n}", String(corners.length)));
    }
    redraw(false);
  });
  const finish = document.getElementById("draw-finish");
  if (finish) {
    finish.addEventListener("click", function () {
      if (corners.length < 3) { say(T.need); return; }
      const ring = corners.concat([corners[0]]);
      polygonField.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      latField.value = ""; lonField.value = "";
      if (radiusField) { radiusField.value = ""; }
      redraw(true);
      say(T.closed.replace("{n}", String(corners.length)));
    });
  }
  const clear = document.getElementById("draw-clear");
  if (clear) {
    clear.addEventListener("click", function () {
      corners = [];
      if (mode === "polygon") { polygonField.value = ""; } else { latField.value = ""; lonField.value = ""; }
      redraw(false);
      say(T.empty);
    });
  }
  if (radiusField) { radiusField.addEventListener("input", function () { if (mode === "point") { redraw(false); } }); }
  // what the fields hold already (an activity being changed, a form sent back with an error)
  try {
    const given = polygonField.value.trim() ? JSON.parse(polygonField.value) : null;
    if (given && given.type === "Polygon" && given.coordinates && given.coordinates[0]) {
      corners = given.coordinates[0].slice(0, -1).map(function (p) { return [p[0], p[1]]; });
      redraw(true);
    } else if (latField.value !== "" && lonField.value !== "") {
      setMode("point");
    }
  } catch (e) { /* a polygon field that is not JSON: the server says so beside it */ }
})();
