// Bulk actions on a ticket list: tick rows (shift-click ticks a range, the
// header box the whole page, then "select all in view" every ticket of the
// list up to one run), choose a change and an optional reply, and the
// selection is sent in chunks with a progress bar and each ticket's
// result. Without this file the form posts once (bulk.go).
(function () {
  "use strict";

  function form() { return document.getElementById("bulk-form"); }
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll("input.row-select")); }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
  }

  // viewIds: the ids of the whole view once "select all in view" was
  // chosen; null while the selection is the ticked rows.
  var viewIds = null;

  function showViewBanner(n) {
    var banner = document.querySelector(".select-view");
    if (!banner) return;
    var all = boxes();
    banner.hidden = !(viewIds || (all.length > 0 && n === all.length));
    banner.querySelector(".select-view-page").hidden = !!viewIds;
    banner.querySelector(".select-view-all").hidden = !!viewIds;
    banner.querySelector(".select-view-done").hidden = !viewIds;
    banner.querySelector(".select-view-clear").hidden = !viewIds;
  }

  function showCount() {
    var f = form();
    if (!f) return;
    var n = boxes().filter(function (b) { return b.checked; }).length;
    showViewBanner(n);
    if (viewIds) n = viewIds.length;
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
  function selectView(button) {
    button.disabled = true;
    fetch(button.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (res) {
        if (!res.ok) throw new Error(res.statusText);
        return res.json();
      })
      .then(function (body) {
        viewIds = body.ids.map(String);
        boxes().forEach(function (x) { x.checked = true; });
        var done = document.querySelector(".select-view-done");
        var more = body.total > body.ids.length;
        done.textContent = fill(more ? done.dataset.more : done.dataset.text, { n: body.ids.length, total: body.total_label });
        showCount();
      })
      .catch(function () { viewIds = null; showCount(); })
      .then(function () { button.disabled = false; });
  }

  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest(".select-view-all")) {
      selectView(e.target.closest(".select-view-all"));
      return;
    }
    if (e.target.closest && e.target.closest(".select-view-clear")) {
      viewIds = null;
      boxes().forEach(function (x) { x.checked = false; });
      showCount();
      return;
    }
    var box = e.target.closest && e.target.closest("input.row-select");
    if (box) {
      if (!box.checked) viewIds = null; // unticking one leaves the whole view
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
      if (!e.target.checked) viewIds = null;
      boxes().forEach(function (x) { x.checked = e.target.checked; });
      showCount();
    }
  });
  // A new list (another filter, a page, the list after a run) is a new
  // selection; the sidebar refreshing every 30 s is not.
  var shownList = null;
  document.addEventListener("htmx:afterSettle", function () {
    var list = document.getElementById("ticket-list");
    if (list !== shownList) { shownList = list; last = null; viewIds = null; }
    showCount();
  });
  document.addEventListener("DOMContentLoaded", function () { shownList = document.getElementById("ticket-list"); showCount(); });

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
    var ids = viewIds || boxes().filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
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
