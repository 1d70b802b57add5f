// Keyboard shortcuts of the agent pages, listed by "?": on a ticket, j/k
// go to the next/previous ticket of the list it was opened from, r and n
// start a reply or a note, a assigns it to me, e opens the escalation, m
// the macros (macros.js), u goes back to the list; / is the search box.
// Lists keep their own j/k/Enter (app.js).
(function () {
  "use strict";

  var LIST = "palier:list", LIST_URL = "palier:list-url";

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  // A list remembers its tickets, so a ticket opened from it knows its
  // neighbours.
  function rememberList() {
    var rows = document.querySelectorAll("tr.ticket-row[data-href]");
    if (rows.length === 0) return;
    try {
      sessionStorage.setItem(LIST, JSON.stringify(Array.prototype.map.call(rows, function (r) { return r.getAttribute("data-href"); })));
      sessionStorage.setItem(LIST_URL, location.pathname + location.search);
    } catch (err) { /* storage full or off: shortcuts degrade to the inbox */ }
  }
  document.addEventListener("DOMContentLoaded", rememberList);
  document.addEventListener("htmx:afterSettle", rememberList);

  function neighbour(step) {
    try {
      var list = JSON.parse(sessionStorage.getItem(LIST) || "[]");
      var i = list.indexOf(location.pathname);
      if (i < 0) return null;
      return list[i + step] || null;
    } catch (err) {
      return null;
    }
  }

  function composerMode(mode) {
    var radio = document.querySelector('#composer input[name=mode][value=' + mode + ']');
    var box = document.getElementById("composer-body");
    if (!box) return false;
    if (radio && !radio.checked) radio.click();
    box.focus();
    return true;
  }

  // openPanel opens a folded panel of the ticket page (a <details>) and
  // focuses its first field that matches fieldSel; null when the page has
  // no such panel, so the key does nothing.
  function openPanel(panelSel, fieldSel) {
    var panel = document.querySelector(panelSel);
    if (!panel) return null;
    panel.open = true;
    var field = panel.querySelector(fieldSel);
    if (field) field.focus();
    return panel;
  }

  var onTicket = {
    j: function () { var to = neighbour(1); if (to) location.href = to; return !!to; },
    k: function () { var to = neighbour(-1); if (to) location.href = to; return !!to; },
    m: function () { return !!openPanel("#macro-picker", "#macro-filter"); },
    r: function () { return composerMode("reply"); },
    n: function () { return composerMode("note"); },
    a: function () {
      var b = document.querySelector('#properties button[name=assign_me]');
      if (b) b.click();
      return !!b;
    },
    e: function () {
      var panel = openPanel("#escalate details", "select, textarea, input:not([type=hidden])");
      if (panel) panel.scrollIntoView({ block: "nearest" });
      return !!panel;
    },
    u: function () { location.href = sessionStorage.getItem(LIST_URL) || "/"; return true; }
  };

  // The key of a shortcut that focused a field must not also type itself
  // there (some input paths deliver the character apart from the
  // keydown).
  var swallow = false;
  ["keypress", "beforeinput"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      if (swallow && typing(e.target)) {
        e.preventDefault();
        swallow = false;
      }
    }, true);
  });
  document.addEventListener("keyup", function () {
    swallow = false;
  });

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
    var help = document.getElementById("shortcuts");
    if (e.key === "?") {
      if (help && typeof help.showModal === "function") {
        e.preventDefault();
        if (help.open) help.close(); else help.showModal();
      }
      return;
    }
    if (!document.getElementById("composer")) return; // not a ticket page
    var act = onTicket[e.key];
    if (act && act()) {
      e.preventDefault();
      swallow = true;
    }
  });
})();
