/* Inside the help box's frame (/help/box…). It keeps the journey token j:
 * minted on the box's first opening, kept in this frame's sessionStorage
 * (cookies are often refused in a cross-site frame), and carried by every
 * link, form and htmx request of the frame. Escape asks the page around the
 * frame to close the panel. */
(function () {
  "use strict";
  var KEY = "palier.journey", shape = /^[A-Za-z0-9_-]{16,64}$/;
  var j = new URLSearchParams(location.search).get("j") || "", stored = "";
  try { stored = sessionStorage.getItem(KEY) || ""; } catch (e) { /* storage refused: the links carry it */ }
  if (!shape.test(j)) j = shape.test(stored) ? stored : mint();
  try { sessionStorage.setItem(KEY, j); } catch (e) { /* idem */ }

  function mint() {
    var b = new Uint8Array(16), s = "";
    crypto.getRandomValues(b);
    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function carry(root) {
    root.querySelectorAll("a[href]").forEach(function (a) {
      var u = new URL(a.getAttribute("href"), location.href);
      if (u.origin !== location.origin) return;
      u.searchParams.set("j", j);
      a.setAttribute("href", u.pathname + u.search + u.hash);
    });
    root.querySelectorAll("form").forEach(function (f) {
      var i = f.querySelector("input[name=j]");
      if (!i) {
        i = document.createElement("input");
        i.type = "hidden";
        i.name = "j";
        f.appendChild(i);
      }
      i.value = j;
    });
  }

  document.documentElement.setAttribute("data-journey", j);
  document.addEventListener("DOMContentLoaded", function () { carry(document); });
  document.addEventListener("htmx:load", function (e) { carry(e.detail.elt); });
  document.addEventListener("htmx:configRequest", function (e) { e.detail.parameters.j = j; });
  document.addEventListener("keydown", function (e) {
    var host = document.body && document.body.getAttribute("data-host-origin");
    if (e.key === "Escape" && host && window.parent !== window) window.parent.postMessage({ palier: "close" }, host);
  });
})();
