// Palier agent UI: keyboard navigation of ticket lists and reply drafts that
// survive a reload. Everything else is plain HTML and htmx; the pages work
// without this file.
(function () {
  "use strict";

  // --- j / k / Enter in ticket lists -------------------------------------

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr.ticket-row"));
  }

  function currentIndex(list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].classList.contains("is-current")) return i;
    }
    return -1;
  }

  function move(step) {
    var list = rows();
    if (list.length === 0) return;
    var i = currentIndex(list);
    var next = i < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, i + step));
    if (i >= 0) list[i].classList.remove("is-current");
    var row = list[next];
    row.classList.add("is-current");
    var link = row.querySelector("a.row-link");
    if (link) link.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
    if (e.key === "j") {
      move(1);
      e.preventDefault();
    } else if (e.key === "k") {
      move(-1);
      e.preventDefault();
    } else if (e.key === "Enter" && e.target === document.body) {
      var list = rows();
      var i = currentIndex(list);
      if (i >= 0) window.location.href = list[i].getAttribute("data-href");
    }
  });

  // Keep the highlighted row in step with the focused link (mouse or Tab).
  document.addEventListener("focusin", function (e) {
    var row = e.target.closest && e.target.closest("tr.ticket-row");
    if (!row) return;
    rows().forEach(function (r) {
      r.classList.toggle("is-current", r === row);
    });
  });

  // --- Drafts --------------------------------------------------------------
  // A half-written reply is kept in localStorage, keyed by ticket, until it
  // is sent: the server marks the fresh composer it returns with data-sent.

  function storage() {
    try {
      return window.localStorage;
    } catch (err) {
      return null; // private mode or storage disabled: no drafts, no errors
    }
  }

  function modeOf(form) {
    var checked = form.querySelector('input[name="mode"]:checked');
    return checked ? checked.value : "";
  }

  function setupDraft(form) {
    var store = storage();
    var key = form.getAttribute("data-draft-key");
    var body = form.querySelector("textarea[name=body]");
    if (!store || !key || !body || form.getAttribute("data-draft-ready")) return;
    form.setAttribute("data-draft-ready", "true");

    if (form.hasAttribute("data-sent")) {
      store.removeItem(key);
    } else if (body.value === "") {
      var saved = null;
      try {
        saved = JSON.parse(store.getItem(key) || "null");
      } catch (err) {
        store.removeItem(key);
      }
      if (saved && saved.body) {
        body.value = saved.body;
        var radio = form.querySelector('input[name="mode"][value="' + saved.mode + '"]');
        if (radio) radio.checked = true;
        var note = form.querySelector("[data-draft-note]");
        if (note) note.textContent = note.getAttribute("data-restored") || "";
      }
    }

    function save() {
      if (body.value.trim() === "") {
        store.removeItem(key);
      } else {
        store.setItem(key, JSON.stringify({ body: body.value, mode: modeOf(form) }));
      }
    }
    body.addEventListener("input", save);
    form.addEventListener("change", save);
  }

  function init(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("form[data-draft-key]")) setupDraft(scope);
    scope.querySelectorAll("form[data-draft-key]").forEach(setupDraft);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
  });
  // htmx fires htmx:load for every piece of content it swaps in, including
  // the composer that replaces the one just sent.
  document.addEventListener("htmx:load", function (e) {
    init(e.target);
  });

  // A suggested article's button puts its title and link at the cursor of
  // the reply being written, and switches the composer to a reply.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button.insert-article");
    if (!b) return;
    var box = document.getElementById("composer-body");
    if (!box) return;
    var reply = document.querySelector('#composer input[name=mode][value=reply]');
    if (reply && !reply.checked) reply.click();
    var text = b.dataset.title + " : " + b.dataset.url;
    var at = box.selectionStart != null ? box.selectionStart : box.value.length;
    var before = box.value.slice(0, at), after = box.value.slice(at);
    if (before && !/\s$/.test(before)) text = "\n" + text;
    box.value = before + text + after;
    box.focus();
    box.selectionStart = box.selectionEnd = before.length + text.length;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // An error shown for an earlier action goes away with the next one.
  document.addEventListener("htmx:beforeRequest", function () {
    var alerts = document.getElementById("alerts");
    if (alerts) alerts.textContent = "";
  });

  // Files dropped on the composer join those of its file input.
  function composerOf(e) {
    var form = e.target.closest && e.target.closest("form[data-draft-key]");
    var types = e.dataTransfer && e.dataTransfer.types;
    if (!form || !types || Array.prototype.indexOf.call(types, "Files") < 0) return null;
    return form.querySelector("input[type=file][name=files]") ? form : null;
  }
  document.addEventListener("dragover", function (e) {
    if (composerOf(e)) e.preventDefault();
  });
  document.addEventListener("drop", function (e) {
    var form = composerOf(e);
    if (!form) return;
    e.preventDefault();
    var input = form.querySelector("input[type=file][name=files]");
    var all = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
    Array.prototype.forEach.call(e.dataTransfer.files, function (f) { all.items.add(f); });
    input.files = all.files;
  });

  // A reply refused because the ticket was merged meanwhile comes back as
  // a composer taking a note, with the text kept (data-keep-files): the
  // files the agent had attached go into it too. A file input cannot be
  // filled by the server, so the files are taken from the composer being
  // replaced and put in the new one.
  var leavingFiles = null;
  document.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail && e.detail.target;
    var input = target && target.matches && target.matches("form[data-draft-key]") && target.querySelector("input[type=file][name=files]");
    leavingFiles = input && input.files.length ? Array.prototype.slice.call(input.files) : null;
  });
  document.addEventListener("htmx:load", function (e) {
    var form = e.target.matches && e.target.matches("form[data-keep-files]") ? e.target : null;
    var input = form && form.querySelector("input[type=file][name=files]");
    if (!input || !leavingFiles) return;
    var kept = new DataTransfer();
    leavingFiles.forEach(function (f) { kept.items.add(f); });
    input.files = kept.files;
    leavingFiles = null;
  });

  // After an htmx swap that shows a refusal, focus moves to its summary
  // (role=alert, tabindex=-1), so keyboard and screen-reader users land on
  // what went wrong instead of staying on a button that may be gone. The
  // swapped-in element is looked up again by id: an outerHTML swap
  // replaces the target the event names.
  function focusSummary(e) {
    var target = e.detail && e.detail.target;
    if (!target) return;
    var root = (target.id && document.getElementById(target.id)) || target;
    if (!root.querySelector) return;
    var summary = root.matches && root.matches(".form-error[role=alert]") ? root : root.querySelector(".form-error[role=alert]");
    if (summary) {
      if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
      if (document.activeElement !== summary) summary.focus();
    }
  }
  document.addEventListener("htmx:afterSwap", focusSummary);
  // Again once htmx has settled the new content (it restores attributes
  // and focus then), so the summary keeps the focus.
  document.addEventListener("htmx:afterSettle", focusSummary);

  // Saving the properties redraws the escalate panel (a custom field is
  // also a checklist item): it stays open if the agent had opened it.
  document.addEventListener("htmx:configRequest", function (e) {
    if (!e.detail || !e.detail.elt || e.detail.elt.id !== "properties") return;
    var panel = document.querySelector("#escalate details");
    if (panel && panel.open) e.detail.parameters["escalate_open"] = "1";
  });

  // Ctrl/Cmd+Enter sends the composer.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
    var form = e.target.closest && e.target.closest("form[data-draft-key]");
    if (form) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
})();

// "/" anywhere but in a field focuses the search box of the top bar.
(function () {
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.altKey || e.ctrlKey || e.metaKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.getElementById("top-search");
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
})();
