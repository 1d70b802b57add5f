/* Palier help box: the script a customer company puts on its own site,
 *   <script src="https://palier.example/help/box.js?key=PUBLIC_KEY" async></script>
 * Optional attributes on the tag: data-palier-tags="billing checkout" (the
 * page's tags, for the articles mapped to them) and data-palier-lang="fr".
 * It asks Palier whether this site may show the box (strict CORS: only the
 * origins the admin allowed get an answer), then adds a help button that
 * opens a panel framing the box from Palier's origin. No dependency, no
 * request to anyone but Palier, no cookie. Escape or the button closes the
 * panel and gives the focus back to the button. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || window.palierHelpBox) return;
  var src;
  try { src = new URL(me.src); } catch (e) { return; }
  var origin = src.origin;
  var key = src.searchParams.get("key") || "";
  var tags = me.getAttribute("data-palier-tags") || "";
  var lang = me.getAttribute("data-palier-lang") || document.documentElement.lang || navigator.language || "";
  var cfg, button, panel, frame, isOpen = false;
  // state: "loading", then "ready" (the button is there) or "refused"
  // (this site may not show the box, or Palier could not be reached).
  var api = window.palierHelpBox = { state: "loading", open: function () { if (cfg) open(); }, close: function () { if (isOpen) closePanel(); } };

  function style(el, s) { for (var k in s) el.style[k] = s[k]; }

  fetch(origin + "/help/box/config?" + new URLSearchParams({ key: key, lang: lang }), { credentials: "omit", mode: "cors" })
    .then(function (r) {
      if (!r.ok) throw new Error("Palier help box: this site may not show it (" + r.status + ")");
      return r.json();
    })
    .then(setup)
    .catch(function (e) {
      api.state = "refused";
      if (window.console) console.warn(e.message);
    });

  function setup(c) {
    cfg = c;
    button = document.createElement("button");
    button.type = "button";
    button.textContent = cfg.button;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("data-palier-helpbox", "button");
    style(button, {
      position: "fixed", right: "20px", bottom: "20px", zIndex: "2147483646", padding: "10px 18px", minHeight: "44px",
      border: "0", borderRadius: "999px", background: "#1d4ed8", color: "#fff", font: "600 15px/1.2 system-ui, sans-serif",
      cursor: "pointer", boxShadow: "0 2px 8px rgba(0,0,0,.25)"
    });
    button.addEventListener("click", function () { if (isOpen) closePanel(); else open(); });
    document.body.appendChild(button);
    api.state = "ready";
    // The frame asks to close (Escape pressed inside it) by postMessage;
    // only Palier's origin, from our own frame, is listened to.
    window.addEventListener("message", function (e) {
      if (e.origin === origin && frame && e.source === frame.contentWindow && e.data && e.data.palier === "close" && isOpen) closePanel();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && isOpen) closePanel();
    });
  }

  function build() {
    panel = document.createElement("div");
    panel.id = "palier-helpbox-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", cfg.title);
    style(panel, {
      position: "fixed", right: "20px", bottom: "76px", width: "min(380px, calc(100vw - 40px))", height: "min(600px, calc(100vh - 100px))",
      zIndex: "2147483647", background: "#fff", borderRadius: "12px", boxShadow: "0 8px 30px rgba(0,0,0,.3)", overflow: "hidden",
      display: "flex", flexDirection: "column"
    });
    var x = document.createElement("button");
    x.type = "button";
    x.textContent = "×";
    x.setAttribute("aria-label", cfg.close);
    x.setAttribute("data-palier-helpbox", "close");
    style(x, {
      alignSelf: "flex-end", margin: "4px 6px 0 0", minWidth: "36px", minHeight: "36px", border: "0", background: "transparent",
      font: "400 24px/1 system-ui, sans-serif", color: "#374151", cursor: "pointer"
    });
    x.addEventListener("click", closePanel);
    frame = document.createElement("iframe");
    frame.title = cfg.title;
    // The page is sent without its query or fragment: they may hold the
    // visitor's data, and mappings match addresses without them.
    frame.src = origin + cfg.frame + "&" + new URLSearchParams({ page: location.origin + location.pathname, tags: tags, open: "1" });
    style(frame, { border: "0", width: "100%", flex: "1" });
    panel.appendChild(x);
    panel.appendChild(frame);
    document.body.appendChild(panel);
    button.setAttribute("aria-controls", panel.id);
  }

  function open() {
    if (!panel) build();
    panel.style.display = "flex";
    isOpen = true;
    button.setAttribute("aria-expanded", "true");
    frame.focus();
  }

  function closePanel() {
    panel.style.display = "none";
    isOpen = false;
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }
})();
