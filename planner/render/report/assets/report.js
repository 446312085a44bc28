/* depwave report: search and filters without a server. Reads text and data attributes only; never writes HTML. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var DIMENSIONS = ["owner", "repository", "environment", "verdict"];  // the fields of data-f, in order
  var search = document.getElementById("q");
  var shown = document.getElementById("shown");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll(".fi"));
  var bars = Array.prototype.slice.call(document.querySelectorAll("svg.gantt rect[data-step]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.grp:not(.fi)"));
  var cache = new WeakMap();

  function parse(el) {
    var fields = (el.dataset.f || "|||").split("|"), f = { text: null };
    DIMENSIONS.forEach(function (name, i) { f[name] = fields[i] ? fields[i].split(" ") : []; });
    return f;
  }

  // Gantt bars carry only their step id: their facts are the union of the step's rows (one per owner)
  var byStep = {};
  rows.forEach(function (el) {
    var id = el.dataset.step;
    if (!id) { return; }
    var f = parse(el), all = byStep[id];
    if (!all) { byStep[id] = f; return; }
    DIMENSIONS.forEach(function (name) {
      f[name].forEach(function (v) { if (all[name].indexOf(v) < 0) { all[name].push(v); } });
    });
  });

  function facts(el) {
    var f = cache.get(el);
    if (!f) {
      f = el.dataset.f === undefined && el.dataset.step ? byStep[el.dataset.step] || parse(el) : parse(el);
      f = { owner: f.owner, repository: f.repository, environment: f.environment, verdict: f.verdict, text: null };
      cache.set(el, f);
    }
    return f;
  }

  function matches(el, chosen, needle) {
    var f = facts(el);
    for (var i = 0; i < chosen.length; i++) {
      var name = chosen[i][0], list = f[name];
      if (name === "environment" && list.length === 0) { continue; }  // edits, builds, libraries: every environment
      if (list.indexOf(chosen[i][1]) < 0) { return false; }
    }
    if (needle) {
      if (f.text === null) { f.text = (el.textContent + " " + (el.dataset.step || "")).toLowerCase(); }
      if (f.text.indexOf(needle) < 0) { return false; }
    }
    return true;
  }

  function apply() {
    var chosen = selects.filter(function (s) { return s.value !== ""; })
      .map(function (s) { return [s.dataset.filter, s.value]; });
    var needle = search.value.trim().toLowerCase();
    var active = chosen.length > 0 || needle !== "";
    var visible = 0;
    rows.forEach(function (el) {
      var ok = !active || matches(el, chosen, needle);
      el.classList.toggle("hidden", !ok);
      if (ok) { visible++; }
    });
    bars.forEach(function (el) { el.classList.toggle("dim", active && !matches(el, chosen, needle)); });
    var opened = 0;
    groups.forEach(function (g) {
      var inside = g.querySelectorAll(".fi");
      if (inside.length === 0) { return; }
      var n = g.querySelectorAll(".fi:not(.hidden)").length;
      var count = g.querySelector("summary .n");
      if (count) { count.textContent = active ? n + " of " + count.dataset.total : count.dataset.total; }
      g.classList.toggle("hidden", active && n === 0);
      if (active && n > 0 && opened < 10) { g.open = true; opened++; }
    });
    shown.textContent = active ? visible + " of " + rows.length + " rows shown" : "";
  }

  selects.forEach(function (s) { s.addEventListener("change", apply); });
  if (selects.some(function (s) { return s.value !== ""; })) { apply(); }
  search.addEventListener("input", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });

  function openAll(open) {
    document.querySelectorAll("details.grp").forEach(function (d) { d.open = open; });
  }
  document.getElementById("expand").addEventListener("click", function () { openAll(true); });
  document.getElementById("collapse").addEventListener("click", function () { openAll(false); });

  // Printing shows every group when the report is small enough to print whole.
  var before = [];
  window.addEventListener("beforeprint", function () {
    if (rows.length > 3000) { return; }
    before = Array.prototype.slice.call(document.querySelectorAll("details.grp:not([open])"));
    before.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    before.forEach(function (d) { d.open = false; });
    before = [];
  });
})();
