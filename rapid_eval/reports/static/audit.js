// rapid-eval audit page: the items of a rescored prediction file, filterable by audit class and by disagreement;
// an item's question, full response and images load (one chunk) when it is opened. Text only: never innerHTML.
"use strict";
var AUDIT = (function () {
  var idx = null, page = 0, PAGE = 100, chunks = {}, waiting = {};
  var el = DOM.el, section = DOM.section;
  function verdict(v) { return v === 1 ? "right" : v === 0 ? "wrong" : "none"; }
  function verdictClass(v) { return v === 1 ? "right" : v === 0 ? "wrong" : "unscored"; }
  function answer(x) { return x === null || x === undefined ? "no answer" : x; }
  function filtered() {
    var cls = document.getElementById("f-class").value, only = document.getElementById("f-differ").checked;
    var out = [];
    idx.rows.forEach(function (r, i) {
      if ((cls === "" || r.cls === cls) && (!only || r.differ)) out.push(i);
    });
    return out;
  }
  function verdictCell(v, extra) {
    var td = el("td");
    td.appendChild(el("span", { class: verdictClass(v) }, verdict(v)));
    td.appendChild(document.createTextNode(" · " + extra));
    return td;
  }
  function render() {
    var rows = filtered(), tbody = document.querySelector("#rows tbody");
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    page = Math.max(0, Math.min(page, pages - 1));
    tbody.textContent = "";
    rows.slice(page * PAGE, (page + 1) * PAGE).forEach(function (i) {
      var r = idx.rows[i], tr = el("tr", { class: "item" + (r.differ ? " differ" : ""), "data-row": String(i) });
      tr.appendChild(el("td", {}, r.id));
      tr.appendChild(el("td", {}, r.cls));
      tr.appendChild(el("td", {}, r.gold));
      tr.appendChild(verdictCell(r.stored, answer(r.stored_x)));
      tr.appendChild(verdictCell(r.ours, answer(r.ours_x) + " · " + (r.by || "-")));
      tr.appendChild(el("td", { class: "excerpt" }, r.excerpt));
      tr.addEventListener("click", function () { toggle(tr, i); });
      tbody.appendChild(tr);
    });
    document.getElementById("count").textContent = rows.length + " of " + idx.rows.length + " items";
    document.getElementById("page").textContent = "page " + (page + 1) + " / " + pages;
  }
  function load(n, done) {
    if (chunks[n]) return done(chunks[n]);
    if (waiting[n]) { waiting[n].push(done); return; }
    waiting[n] = [done];
    document.body.appendChild(el("script", { src: "data/d-" + String(n).padStart(5, "0") + ".js" }));
  }
  function toggle(tr, i) {
    var next = tr.nextSibling;
    if (next && next.classList && next.classList.contains("detail")) { next.remove(); return; }
    load(Math.floor(i / idx.chunk), function (chunk) {
      var r = idx.rows[i], d = chunk[i % idx.chunk];
      var row = el("tr", { class: "detail" }), td = el("td", { colspan: "6" });
      d.images.forEach(function (src) { td.appendChild(el("img", { src: src, alt: r.id })); });
      section(td, "question", d.question, true);
      if (d.options.length) td.appendChild(el("p", { class: "options" }, "options: " + d.options.map(function (o, k) {
        return String.fromCharCode(65 + k) + ". " + o; }).join("  ")));
      td.appendChild(el("p", {}, "gold answer: " + r.gold));
      section(td, "response (full)", d.response, true);
      td.appendChild(el("p", {}, "file's verdict: " + verdict(r.stored) + " · file's extraction: " + answer(r.stored_x)));
      td.appendChild(el("p", {}, "rapid-eval's verdict: " + verdict(r.ours) + " · extracted: " + answer(r.ours_x) +
        " · decided by: " + (r.by || "-")));
      td.appendChild(el("p", {}, "class: " + r.cls + (r.differ ? " · the verdicts differ" : "") + " · source: " + r.source));
      row.appendChild(td);
      tr.parentNode.insertBefore(row, tr.nextSibling);
    });
  }
  return {
    index: function (data) {
      idx = data;
      document.getElementById("title").textContent = "rapid-eval audit: " + data.benchmark;
      document.title = "rapid-eval audit: " + data.benchmark;
      var summary = document.getElementById("summary");
      summary.appendChild(el("p", {}, "files: " + data.files.join(", ")));
      data.summary.forEach(function (line) { summary.appendChild(el("p", {}, line)); });
      var s = document.getElementById("f-class"), differ = 0;
      idx.rows.forEach(function (r) { if (r.differ) differ += 1; });
      s.appendChild(el("option", { value: "" }, "all (" + idx.rows.length + " items, " + differ + " differ)"));
      data.classes.forEach(function (c) {
        s.appendChild(el("option", { value: c.name },
          (c.name === "-" ? "- (nothing to report)" : c.name) + " (" + c.items + " items, " + c.differ + " differ)"));
      });
      s.addEventListener("change", function () { page = 0; render(); });
      document.getElementById("f-differ").addEventListener("change", function () { page = 0; render(); });
      document.getElementById("prev").addEventListener("click", function () { page = Math.max(0, page - 1); render(); });
      document.getElementById("next").addEventListener("click", function () { page += 1; render(); });
      render();
    },
    chunk: function (n, items) {
      chunks[n] = items;
      (waiting[n] || []).forEach(function (f) { f(items); });
      delete waiting[n];
    }
  };
})();
