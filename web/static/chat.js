// Palier live chat: one script for the customer's page (/help/chat), the
// agent's conversation page and the agents' queue (/chats). It talks to the
// server over a WebSocket and reconnects with back-off; on every
// (re)connection the server sends the whole transcript, so a reload or a
// lost connection never loses a line. Lines are shown once, by their id.
(function () {
  "use strict";

  function wsURL(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  // connect opens a socket to path and keeps it open: onMessage gets each
  // decoded message.
  function connect(path, el, handlers) {
    var delay = 500, sock = null, stopped = false;
    function open() {
      sock = new WebSocket(wsURL(path));
      // data-link says whether the live link is up (styles and tests).
      sock.onopen = function () {
        delay = 500;
        // The help box's socket names its conversation first (no cookie
        // reaches a cross-site frame).
        if (handlers.token) sock.send(JSON.stringify({ type: "auth", token: handlers.token }));
        el.dataset.link = "open";
      };
      sock.onmessage = function (ev) {
        var m;
        try { m = JSON.parse(ev.data); } catch (e) { return; }
        if (m.type === "reload") { return; } // the close that follows reconnects
        handlers.onMessage(m, sock);
      };
      sock.onclose = function (ev) {
        el.dataset.link = "closed";
        // 1008: refused (the chat is gone or not ours); do not insist.
        if (ev.code === 1008 && handlers.onRefused) handlers.onRefused();
        if (stopped || ev.code === 1008) return;
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 10000);
      };
    }
    open();
    return {
      send: function (obj) {
        if (!sock || sock.readyState !== WebSocket.OPEN) return false;
        sock.send(JSON.stringify(obj));
        return true;
      },
      stop: function () { stopped = true; if (sock) sock.close(); }
    };
  }

  // --- the agents' queue: refetch the list whenever it changed -----------

  var queue = document.getElementById("chat-queue");
  if (queue) {
    var fetching = false, again = false;
    var refresh = function () {
      if (fetching) { again = true; return; }
      fetching = true;
      fetch(queue.dataset.list, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html !== null) {
            var list = document.getElementById("chat-list");
            if (list) list.outerHTML = html;
          }
        })
        .finally(function () {
          fetching = false;
          if (again) { again = false; refresh(); }
        });
    };
    connect(queue.dataset.ws, queue, { onMessage: function (m) { if (m.type === "changed" || m.type === "hello") refresh(); } });
  }

  // --- the help box's token ---------------------------------------------

  // In the help box's frame the conversation's token arrives in the
  // fragment of the page the start redirected to (#chat=…), is kept in the
  // frame's own sessionStorage (so a reload finds the conversation; the
  // host page, another origin, can read neither), and fills the end and
  // leave forms. Without one the start form shows; "new=1" forgets it.
  var FRAME_KEY = "palier.chat";
  function frameToken() {
    var m = /^#chat=([A-Za-z0-9]{16,64})$/.exec(location.hash), q = new URLSearchParams(location.search), t = "";
    var forget = q.has("new") || document.getElementById("chat-left") !== null;
    try {
      if (forget) sessionStorage.removeItem(FRAME_KEY);
      if (m) sessionStorage.setItem(FRAME_KEY, m[1]);
      t = sessionStorage.getItem(FRAME_KEY) || "";
    } catch (e) { t = m ? m[1] : ""; }
    if (m || q.has("new")) {
      q.delete("new");
      history.replaceState(null, "", location.pathname + "?" + q.toString());
    }
    if (!t) return "";
    ["box-chat-start", "box-chat-off"].forEach(function (id) { show(id, false); });
    box.hidden = false;
    document.querySelectorAll("input[name=chat]").forEach(function (i) { i.value = t; });
    return t;
  }

  // --- a conversation -----------------------------------------------------

  var box = document.getElementById("chat");
  if (!box) return;
  var token = "";
  if (box.dataset.auth === "frame") {
    token = frameToken();
    if (!token) return;
  }
  var side = box.dataset.side;
  var lines = document.getElementById("chat-lines");
  var form = document.getElementById("chat-say");
  var input = document.getElementById("chat-text");
  var stateEl = document.getElementById("chat-state");
  var errorEl = document.getElementById("chat-say-error");
  var seen = {};
  Array.prototype.forEach.call(lines.querySelectorAll("li[data-id]"), function (li) { seen[li.dataset.id] = true; });
  var pending = {}, counter = 0;

  function addLine(l) {
    if (seen[l.id]) return;
    seen[l.id] = true;
    var li = document.createElement("li");
    li.className = "chat-line from-" + l.from;
    li.dataset.id = l.id;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = l.name;
    var what = document.createElement("span");
    what.className = "what";
    what.textContent = l.text;
    li.appendChild(who);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(what);
    // A message a merge copied from another ticket (the agent's side
    // only: the customer's transcript holds only their own).
    if (l.copied_from && box.dataset.tCopied) {
      li.className += " copied";
      var from = document.createElement("span");
      from.className = "copied-from";
      from.textContent = box.dataset.tCopied.replace("{ref}", "#" + l.copied_from);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(from);
    }
    lines.appendChild(li);
    li.scrollIntoView({ block: "nearest" });
  }

  function show(id, visible) {
    var el = document.getElementById(id);
    if (el) el.hidden = !visible;
  }

  function setState(st) {
    box.dataset.state = st.state;
    var open = st.state === "waiting" || st.state === "accepted";
    var text = box.dataset["t" + st.state.charAt(0).toUpperCase() + st.state.slice(1)] || st.state;
    stateEl.textContent = text.replace("{agent}", st.agent || "");
    if (side === "customer") {
      show("chat-say", open);
      show("chat-missed", st.state === "missed");
      show("chat-end-form", st.state !== "ended");
      show("chat-again", st.state === "ended");
    }
  }

  // The agent's page draws its actions for one state: when the state moved
  // (accepted by a colleague, ended by the customer), it is drawn again.
  // Not while the agent's own action (accept, end, transfer) is taking
  // them to the next page: its event would race with that navigation.
  var leaving = false;
  document.addEventListener("submit", function (e) { if (e.target !== form) leaving = true; }, true);
  function agentState(st) {
    if (st.state !== box.dataset.state && !leaving) location.reload();
  }

  var link = connect(box.dataset.ws, box, {
    token: token,
    onRefused: function () {
      if (!token) return;
      try { sessionStorage.removeItem(FRAME_KEY); } catch (e) { /* nothing kept */ }
      location.replace(location.pathname + location.search);
    },
    onMessage: function (m) {
      switch (m.type) {
        case "hello":
          (m.lines || []).forEach(addLine);
          if (m.state) (side === "agent" ? agentState : setState)(m.state);
          break;
        case "line":
          addLine(m.line);
          break;
        case "ack":
          delete pending[m.ref];
          addLine(m.line);
          break;
        case "state":
          (side === "agent" ? agentState : setState)(m.state);
          break;
        case "error":
          if (m.ref && pending[m.ref] !== undefined) {
            if (!input.value) input.value = pending[m.ref];
            delete pending[m.ref];
          }
          errorEl.textContent = m.message;
          errorEl.hidden = false;
          break;
      }
    }
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    var ref = "l" + (++counter);
    if (!link.send({ type: "say", ref: ref, text: text })) {
      errorEl.textContent = box.dataset.tOffline;
      errorEl.hidden = false;
      return;
    }
    pending[ref] = text;
    errorEl.hidden = true;
    input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
})();
