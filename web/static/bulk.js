// Bulk actions on a ticket list: tick rows (shift-click ticks a range, the
// header box the whole page), choose a change and an optional reply, and
// the selection is sent in chunks with a progress bar and each ticket's
// result. Without this file the form posts once (bulk.go).
(function () {
  "use strict";

  function form() { return document.getElementById("bulk-form"); }
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll("input.row-select")); }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
  }

  function showCount() {
    var f = form();
    if (!f) return;
    var n = boxes().filter(function (b) { return b.checked; }).length;
    var c = f.querySelector(".bulk-count");
    c.textContent = n === 0 ? c.dataset.none : fill(c.dataset.some, { n: n });
    f.classList.toggle("has-selection", n > 0);
    var all = document.getElementById("select-all");
    if (all) {
      all.checked = n > 0 && n === boxes().length;
      all.indeterminate = n > 0 && n < boxes().length;
    }
  }

  var last = null; // the box clicked last, for shift-click ranges
  document.addEventListener("click", function (e) {
    var box = e.target.closest && e.target.closest("input.row-select");
    if (box) {
      if (e.shiftKey && last && last !== box) {
        var list = boxes(), a = list.indexOf(last), b = list.indexOf(box);
        if (a >= 0 && b >= 0) {
          list.slice(Math.min(a, b), Math.max(a, b) + 1).forEach(function (x) { x.checked = box.checked; });
        }
      }
      last = box;
      showCount();
      return;
    }
    if (e.target.id === "select-all") {
      boxes().forEach(function (x) { x.checked = e.target.checked; });
      showCount();
    }
  });
  document.addEventListener("htmx:afterSettle", function () { last = null; showCount(); });
  document.addEventListener("DOMContentLoaded", showCount);

  function post(f, ids) {
    var data = new FormData(f);
    data.delete("ticket");
    ids.forEach(function (id) { data.append("ticket", id); });
    return fetch(f.action, { method: "POST", body: new URLSearchParams(data), headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body.error || res.statusText);
          return body.results;
        });
      });
  }

  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.id !== "bulk-form" || !window.fetch) return;
    e.preventDefault();
    var ids = boxes().filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    if (ids.length === 0) return;
    var size = parseInt(f.dataset.chunk, 10) || 20;
    var bar = f.querySelector("progress"), text = f.querySelector(".bulk-progress-text");
    var summary = f.querySelector(".bulk-summary"), failures = f.querySelector(".bulk-failures");
    var apply = f.querySelector(".bulk-apply");
    var done = 0, ok = 0, failed = 0;
    bar.max = ids.length;
    bar.value = 0;
    f.querySelector(".bulk-progress").hidden = false;
    summary.hidden = true;
    failures.textContent = "";
    apply.disabled = true;
    function progress() {
      bar.value = done;
      text.textContent = fill(text.dataset.text, { done: done, total: ids.length });
    }
    progress();
    var chunks = [];
    for (var i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
    chunks.reduce(function (p, chunk) {
      return p.then(function () {
        return post(f, chunk).then(function (results) {
          results.forEach(function (r) {
            if (r.ok) { ok++; return; }
            failed++;
            var li = document.createElement("li");
            li.textContent = r.reference + " : " + r.error;
            failures.appendChild(li);
          });
          done += chunk.length;
          progress();
        });
      });
    }, Promise.resolve()).catch(function (err) {
      var li = document.createElement("li");
      li.className = "field-error";
      li.textContent = err.message;
      failures.appendChild(li);
    }).then(function () {
      apply.disabled = false;
      summary.textContent = fill(summary.dataset.text, { done: ok, failed: failed });
      summary.hidden = false;
      // The list shows the tickets as they are now.
      document.body.dispatchEvent(new Event("palier:inbox"));
      if (window.htmx) window.htmx.ajax("GET", location.pathname + location.search, { target: "#ticket-list", swap: "outerHTML" });
    });
  });
})();
