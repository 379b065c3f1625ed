// rapid-eval pages: the DOM helpers the explorer and the audit page share. Text only: never innerHTML.
"use strict";
var DOM = (function () {
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function section(parent, title, text, open) {
    if (!text) return;
    var d = el("details");
    if (open) d.setAttribute("open", "");
    d.appendChild(el("summary", {}, title));
    d.appendChild(el("pre", {}, text));
    parent.appendChild(d);
  }
  return { el: el, section: section };
})();
