// Progressive enhancement only: every page reads without JavaScript.
(function () {
  "use strict";
  // Sortable tables: click a header to sort (numbers numerically, the rest by text).
  function cellValue(row, index) {
    const cell = row.children[index];
    const text = cell ? (cell.dataset.sort || cell.textContent.trim()) : "";
    const number = Number(text.replace(/[\s,%]/g, ""));
    return text !== "" && !Number.isNaN(number) ? number : text.toLowerCase();
  }
  function makeSortable(table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      function sort() {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort(function (a, b) {
          const x = cellValue(a, index), y = cellValue(b, index);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); } });
    });
  }
  // On a narrow screen a chart keeps to the width of its box: legends go below the plot and long
  // labels are cut (their full text stays in the tooltip and the table beside the chart).
  function narrow(spec, width) {
    spec.config = spec.config || {};
    spec.config.legend = Object.assign({ orient: "bottom", direction: "vertical", labelLimit: 260 }, spec.config.legend);
    spec.config.axis = Object.assign({ labelLimit: 110 }, spec.config.axis);
    if (typeof spec.width === "number") { spec.width = "container"; }
    // a faceted or repeated chart cannot take its box's width: its inner view is given one
    if (spec.spec && typeof spec.spec.width === "number") { spec.spec.width = Math.max(150, width - 130); }
  }
  // Vega-Lite charts: <div class="chart" data-spec="ID of a json_script element">.
  function renderCharts() {
    if (!window.vegaEmbed) { return; }
    document.querySelectorAll(".chart[data-spec]").forEach(function (el) {
      const source = document.getElementById(el.dataset.spec);
      if (!source) { return; }
      const spec = JSON.parse(source.textContent);
      if (el.clientWidth < 560) { narrow(spec, el.clientWidth); }
      // The chart's name goes on the drawing, not on its container: the container also holds the
      // export menu (links), and a role="img" around them would hide them from assistive technology
      // (axe-core: nested-interactive).
      const label = el.getAttribute("aria-label");
      if (el.getAttribute("role") === "img") { el.removeAttribute("role"); el.removeAttribute("aria-label"); }
      window.vegaEmbed(el, spec, {
        actions: { export: true, source: false, compiled: false, editor: false },
        // The strict CSP refuses injected <style> elements: vega-embed's and vega-tooltip's default
        // styles are off, and veille.css styles the tooltip instead.
        renderer: "svg", defaultStyle: false, ast: true,
        tooltip: { disableDefaultStyle: true },
        expr: window.vegaInterpreter ? window.vegaInterpreter.expressionInterpreter : undefined,
        i18n: document.documentElement.lang === "fr" ? { PNG_ACTION: "Enregistrer en PNG", SVG_ACTION: "Enregistrer en SVG" } : undefined
      }).then(function () {
        const svg = el.querySelector("svg.marks");
        const caption = el.closest("figure") && el.closest("figure").querySelector("figcaption");
        const title = typeof spec.title === "string" ? spec.title : (spec.title && spec.title.text);
        const name = label || spec.description || title || (caption && caption.textContent.trim());
        if (svg && name) {
          // one image with its name: the marks inside are its drawing, hidden from assistive
          // technology (Vega gives them graphics roles without names, again at each redraw;
          // axe-core: svg-img-alt); the drawing's group is made once, so its aria-hidden stays
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", name);
          svg.querySelectorAll(":scope > g").forEach(function (g) { g.setAttribute("aria-hidden", "true"); });
        }
        el.dataset.rendered = "true";
      }).catch(function (error) {
        el.textContent = "Chart could not be drawn: " + error.message;
      });
    });
  }
  // The header's menu button (shown on narrow screens only, by veille.css): opens and closes the
  // navigation and account links; Escape closes it and gives the focus back to the button.
  function wireMenu() {
    const button = document.querySelector(".menu-button");
    const menu = document.getElementById("site-menu");
    if (!button || !menu) { return; }
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    }
    button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") { set(false); button.focus(); }
    });
  }
  // A table's box that scrolls sideways can be reached with the keyboard (and scrolled with arrows).
  function focusableScrollers() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) { box.tabIndex = 0; } else { box.removeAttribute("tabindex"); }
    });
  }
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    wireMenu();
    focusableScrollers();
    window.addEventListener("resize", focusableScrollers);
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    renderCharts();
  });
})();
