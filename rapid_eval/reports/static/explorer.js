// rapid-eval explorer: filters and pages over a compact index; answer and sample chunks load on demand.
"use strict";
var RAPID = (function () {
  var idx = null, page = 0, PAGE = 50, chunks = { a: {}, s: {} }, waiting = {};
  var FIELDS = ["benchmark", "variant", "perceptor", "reasoner"], COL = { benchmark: 0, variant: 2, perceptor: 3, reasoner: 4 };
  var el = DOM.el, section = DOM.section;
  function fill(id, values) {
    var s = document.getElementById("f-" + id);
    s.appendChild(el("option", { value: "" }, "all"));
    values.forEach(function (v, i) { s.appendChild(el("option", { value: String(i) }, v)); });
    s.addEventListener("change", function () { page = 0; render(); });
  }
  function filtered() {
    var want = {};
    FIELDS.forEach(function (f) { want[f] = document.getElementById("f-" + f).value; });
    var verdict = document.getElementById("f-verdict").value;
    var out = [];
    idx.rows.forEach(function (r, i) {
      for (var f in want) if (want[f] !== "" && String(r[COL[f]]) !== want[f]) return;
      if (verdict === "" || String(r[5]) === verdict) out.push(i);
    });
    return out;
  }
  function verdictCell(v) {
    return v === 1 ? el("td", { class: "right" }, "right") : v === 0 ? el("td", { class: "wrong" }, "wrong")
      : el("td", { class: "unscored" }, "unscored");
  }
  function render() {
    var rows = filtered(), tbody = document.querySelector("#rows tbody"), L = idx.levels;
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    page = Math.min(page, pages - 1);
    tbody.textContent = "";
    rows.slice(page * PAGE, (page + 1) * PAGE).forEach(function (i) {
      var r = idx.rows[i], tr = el("tr", { class: "item", "data-row": String(i) });
      var variant = L.variant[r[2]] + (r[8] ? " · repeat " + r[8] : "");
      [L.benchmark[r[0]], r[1], variant, L.perceptor[r[3]], L.reasoner[r[4]]].forEach(function (v) {
        tr.appendChild(el("td", {}, v));
      });
      tr.appendChild(verdictCell(r[5]));
      tr.addEventListener("click", function () { toggle(tr, i); });
      tbody.appendChild(tr);
    });
    document.getElementById("count").textContent = rows.length + " of " + idx.rows.length + " answers";
    document.getElementById("page").textContent = "page " + (page + 1) + " / " + pages;
  }
  function load(kind, n, done) {
    if (chunks[kind][n]) return done(chunks[kind][n]);
    var key = kind + n;
    if (waiting[key]) { waiting[key].push(done); return; }
    waiting[key] = [done];
    var s = el("script", { src: "data/" + kind + "-" + String(n).padStart(5, "0") + ".js" });
    document.body.appendChild(s);
  }
  function toggle(tr, i) {
    var next = tr.nextSibling;
    if (next && next.classList && next.classList.contains("detail")) { next.remove(); return; }
    var r = idx.rows[i], C = idx.chunk;
    load("a", Math.floor(i / C), function (ach) {
      load("s", Math.floor(r[6] / C), function (sch) {
        var a = ach[i % C], s = sch[r[6] % C], L = idx.levels;
        var row = el("tr", { class: "detail" }), td = el("td", { colspan: "6" });
        s.images.forEach(function (src) { td.appendChild(el("img", { src: src, alt: s.id })); });
        section(td, "question", s.question, true);
        td.appendChild(el("p", {}, "gold answer: " + s.gold));
        var per = s.perceptions[L.perceptor[r[3]]] || {};
        Object.keys(per).forEach(function (v) {
          var o = per[v];
          section(td, "O_p " + v + (v === L.variant[r[2]] ? " (this answer)" : ""),
            ["caption", "solution", "answer", "error"].filter(function (k) { return o[k]; })
              .map(function (k) { return k + ":\n" + o[k]; }).join("\n\n"), false);
        });
        section(td, "reasoning trace (" + (a.tokens || "?") + " tokens)", a.trace, false);
        section(td, "answer", a.output, true);
        td.appendChild(el("p", {}, "verdict: " + (r[5] === 1 ? "right" : r[5] === 0 ? "wrong" : "unscored") +
          " · extracted: " + (a.extracted === null ? "none" : a.extracted) + " · decided by: " + a.decided_by +
          (a.flags.length ? " · flags: " + a.flags.join(", ") : "") + (a.repeat ? " · repeat " + a.repeat : "") +
          (a.explanation ? " · " + a.explanation : "")));
        row.appendChild(td);
        tr.parentNode.insertBefore(row, tr.nextSibling);
      });
    });
  }
  return {
    index: function (data) {
      idx = data;
      FIELDS.forEach(function (f) { fill(f, data.levels[f]); });
      document.getElementById("f-verdict").addEventListener("change", function () { page = 0; render(); });
      document.getElementById("prev").addEventListener("click", function () { page = Math.max(0, page - 1); render(); });
      document.getElementById("next").addEventListener("click", function () { page += 1; render(); });
      render();
    },
    chunk: function (kind, n, items) {
      chunks[kind][n] = items;
      (waiting[kind + n] || []).forEach(function (f) { f(items); });
      delete waiting[kind + n];
    }
  };
})();
