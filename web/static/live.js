// Palier live updates: one EventSource per page (GET /events) that keeps
// the notification badge, the open ticket's timeline and header, who else
// is on the ticket, and the inbox counts current without reloading. Events
// only say what changed; the page fetches what it shows. The page works
// without this file (it just does not move by itself).
(function () {
  "use strict";

  var bellURL = "/notifications/bell";

  function signedIn() {
    return document.getElementById("notify-bell") !== null;
  }

  function presenceBox() {
    return document.getElementById("presence");
  }

  function ticketID() {
    var p = presenceBox();
    return p ? p.getAttribute("data-ticket") : "";
  }

  function myID() {
    var p = presenceBox();
    return p ? p.getAttribute("data-me") : "";
  }

  // oneAtATime wraps a fetch (run returns its promise, or nothing when
  // there is nothing to fetch) so that one runs at a time: a call while
  // one runs asks for one more run after it, and calls in between fold
  // into that one, so nothing is applied twice and no change is missed.
  function oneAtATime(run) {
    var busy = false;
    var again = false;
    function go() {
      if (busy) {
        again = true;
        return;
      }
      var running = run();
      if (!running) return;
      busy = true;
      running
        .catch(function () {})
        .finally(function () {
          busy = false;
          if (again) {
            again = false;
            go();
          }
        });
    }
    return go;
  }

  // --- The badge ----------------------------------------------------------

  var refreshBell = oneAtATime(function () {
    return fetch(bellURL, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (res) {
        return res.ok ? res.text() : "";
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("notify-bell");
        var cur = document.getElementById("notify-bell");
        if (!fresh || !cur) return;
        if (cur.tagName === "DETAILS" && cur.open) {
          // Keep the open panel: only the count and its label change.
          cur.setAttribute("data-unread", fresh.getAttribute("data-unread"));
          var c = cur.querySelector("#notify-count");
          var fc = fresh.querySelector("#notify-count");
          c.textContent = fc.textContent;
          c.hidden = fc.hidden;
          cur.querySelector("summary").setAttribute("aria-label", fresh.querySelector("summary").getAttribute("aria-label"));
          if (window.htmx) window.htmx.ajax("GET", "/notifications/panel", { target: "#notify-panel", swap: "innerHTML" });
          return;
        }
        cur.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
      });
  });

  // --- The ticket's timeline ---------------------------------------------

  function cursor() {
    var c = document.getElementById("timeline-cursor");
    return c ? parseInt(c.value, 10) || 0 : 0;
  }

  // fetchUpdates appends what is new after the page's cursor (one request
  // at a time, so nothing is appended twice).
  var fetchUpdates = oneAtATime(function () {
    var id = ticketID();
    if (!id || !window.htmx) return null;
    return window.htmx.ajax("GET", "/tickets/" + id + "/updates?after=" + cursor(), { target: "#timeline-cursor", swap: "none" });
  });

  // --- Presence -----------------------------------------------------------

  var others = {}; // agent id → {name, state, until}
  var typedAt = 0;
  var sentState = "";
  var sentAt = 0;
  var presenceTTL = 40000;
  var heartbeat = 15000;
  var typingWindow = 8000;

  function myState() {
    return Date.now() - typedAt < typingWindow ? "replying" : "viewing";
  }

  function postPresence(state, hello) {
    var id = ticketID();
    if (!id) return;
    sentState = state;
    sentAt = Date.now();
    var body = new URLSearchParams();
    body.set("state", state);
    if (hello) body.set("hello", "1");
    fetch("/tickets/" + id + "/presence", { method: "POST", body: body, credentials: "same-origin", keepalive: state === "left" }).catch(function () {});
  }

  function renderPresence() {
    var box = presenceBox();
    if (!box) return;
    var now = Date.now();
    var parts = [];
    Object.keys(others).forEach(function (k) {
      var o = others[k];
      if (o.until < now) {
        delete others[k];
        return;
      }
      var tpl = box.getAttribute(o.state === "replying" ? "data-replying" : "data-viewing") || "{name}";
      parts.push(tpl.replace("{name}", o.name));
    });
    var text = parts.sort().join(" · ");
    if (box.textContent !== text) box.textContent = text;
  }

  function onPresence(p) {
    if (!p || String(p.agent_id) === myID()) return;
    if (p.state === "left") {
      delete others[p.agent_id];
    } else {
      others[p.agent_id] = { name: p.name, state: p.state, until: Date.now() + presenceTTL };
    }
    renderPresence();
    // A page that just opened asks the others to say who they are.
    if (p.hello && p.state !== "left") postPresence(myState(), false);
  }

  function startPresence() {
    if (!ticketID()) return;
    setInterval(function () {
      var st = myState();
      if (st !== sentState || Date.now() - sentAt >= heartbeat - 500) postPresence(st, false);
      renderPresence();
    }, 2500);
    document.addEventListener("input", function (e) {
      if (!e.target || e.target.id !== "composer-body") return;
      typedAt = Date.now();
      if (sentState !== "replying") postPresence("replying", false);
    });
    window.addEventListener("pagehide", function () {
      postPresence("left", false);
    });
  }

  // --- Inbox and sidebar --------------------------------------------------

  var inboxTimer = null;

  function refreshLists() {
    clearTimeout(inboxTimer);
    inboxTimer = setTimeout(function () {
      if (!window.htmx) return;
      window.htmx.trigger(document.body, "palier:inbox");
      if (document.getElementById("ticket-list")) {
        window.htmx.ajax("GET", window.location.pathname + window.location.search, { target: "#ticket-list", swap: "outerHTML" });
      }
    }, 1000);
  }

  // --- The stream -----------------------------------------------------------

  function parse(e) {
    try {
      return JSON.parse(e.data);
    } catch (err) {
      return {};
    }
  }

  function connect() {
    var id = ticketID();
    var es = new EventSource("/events" + (id ? "?ticket=" + encodeURIComponent(id) + "&after=" + cursor() : ""));
    var connectedOnce = false;
    es.addEventListener("ready", function (e) {
      var d = parse(e);
      // What changed before the stream was in place (or while it was
      // down, after a reconnect) is fetched now, and only that: a page
      // that is current is left alone.
      var bell = document.getElementById("notify-bell");
      if (!bell || bell.getAttribute("data-unread") !== String(d.unread)) refreshBell();
      if (d.stale || connectedOnce) fetchUpdates();
      document.documentElement.setAttribute("data-live", "connected");
      if (connectedOnce) {
        refreshLists();
      } else if (id) {
        postPresence(myState(), true);
      }
      connectedOnce = true;
    });
    es.addEventListener("error", function () {
      document.documentElement.setAttribute("data-live", "reconnecting");
    });
    ["agent.notification", "agent.notifications_read"].forEach(function (name) {
      es.addEventListener(name, refreshBell);
    });
    ["ticket.message", "ticket.updated"].forEach(function (name) {
      es.addEventListener(name, function (e) {
        var d = parse(e).data || {};
        if (!d.last_event_id || d.last_event_id > cursor()) fetchUpdates();
      });
    });
    es.addEventListener("ticket.presence", function (e) {
      onPresence(parse(e).data);
    });
    es.addEventListener("inbox.updated", refreshLists);
  }

  // --- @mentions in the composer -------------------------------------------

  var names = null; // one request per page, shared by every keystroke
  var menu = null;
  var picked = 0;

  function loadNames() {
    var id = ticketID();
    if (!id) return Promise.resolve([]);
    if (names === null) {
      names = fetch("/tickets/" + id + "/mentions", { credentials: "same-origin" })
        .then(function (res) {
          return res.ok ? res.json() : [];
        })
        .catch(function () {
          return [];
        });
    }
    return names;
  }

  // query is the "@words" being typed before the caret, or null.
  function query(ta) {
    var before = ta.value.slice(0, ta.selectionStart);
    var m = /(^|[^\w@])@([^@\n]{0,40})$/.exec(before);
    return m ? m[2] : null;
  }

  function closeMenu() {
    if (menu) menu.remove();
    menu = null;
  }

  function choose(ta, name) {
    var start = ta.selectionStart;
    var before = ta.value.slice(0, start);
    var at = before.lastIndexOf("@");
    ta.value = before.slice(0, at + 1) + name + " " + ta.value.slice(start);
    var pos = at + 1 + name.length + 1;
    ta.setSelectionRange(pos, pos);
    closeMenu();
    ta.focus();
  }

  function showMenu(ta, matches) {
    closeMenu();
    if (matches.length === 0) return;
    menu = document.createElement("ul");
    menu.className = "mention-menu";
    menu.id = "mention-menu";
    menu.setAttribute("role", "listbox");
    var box = presenceBox();
    menu.setAttribute("aria-label", (box && box.getAttribute("data-mentions-label")) || "@");
    picked = 0;
    matches.forEach(function (n, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "mention-" + i;
      li.textContent = n;
      li.setAttribute("aria-selected", i === 0 ? "true" : "false");
      li.addEventListener("mousedown", function (e) {
        e.preventDefault();
        choose(ta, n);
      });
      menu.appendChild(li);
    });
    ta.insertAdjacentElement("afterend", menu);
  }

  function movePick(step) {
    var items = menu.querySelectorAll("li");
    items[picked].setAttribute("aria-selected", "false");
    picked = (picked + step + items.length) % items.length;
    items[picked].setAttribute("aria-selected", "true");
  }

  document.addEventListener("input", function (e) {
    var ta = e.target;
    if (!ta || ta.id !== "composer-body") return;
    if (query(ta) === null) {
      closeMenu();
      return;
    }
    loadNames().then(function (list) {
      // The text as it is now: keystrokes may have come meanwhile.
      var q = query(ta);
      if (q === null || document.activeElement !== ta) return;
      var ql = q.toLowerCase();
      showMenu(
        ta,
        list
          .filter(function (n) {
            return n.toLowerCase().indexOf(ql) === 0 || n.toLowerCase().indexOf(" " + ql) > 0;
          })
          .slice(0, 8)
      );
    });
  });

  // The key that picked a name must not also type itself (some input
  // paths deliver its character apart from the keydown).
  var swallow = false;
  ["keypress", "beforeinput"].forEach(function (type) {
    document.addEventListener(
      type,
      function (e) {
        if (swallow && e.target && e.target.id === "composer-body") {
          e.preventDefault();
          swallow = false;
        }
      },
      true
    );
  });
  document.addEventListener("keyup", function () {
    swallow = false;
  });

  document.addEventListener("keydown", function (e) {
    if (!menu || !e.target || e.target.id !== "composer-body") return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      movePick(e.key === "ArrowDown" ? 1 : -1);
      e.preventDefault();
    } else if (e.key === "Enter" || e.key === "Tab") {
      choose(e.target, menu.querySelectorAll("li")[picked].textContent);
      e.preventDefault();
      swallow = true;
    } else if (e.key === "Escape") {
      closeMenu();
      e.preventDefault();
    }
  });

  function start() {
    if (!signedIn() || typeof EventSource === "undefined") return;
    connect();
    startPresence();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
