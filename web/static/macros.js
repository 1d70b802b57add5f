// Macros on the ticket page: "m" opens the picker (keys.js), typing
// filters it, Enter previews the first match; "use" puts the filled text in the
// composer and marks the message with the macro, whose actions the server
// applies when it is sent. Without this file the macros page still works.
(function () {
  "use strict";

  // Accents and case do not matter when looking for a macro.
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function visibleChoices() {
    return Array.prototype.filter.call(document.querySelectorAll("#macro-list li"), function (li) { return !li.hidden; });
  }

  document.addEventListener("input", function (e) {
    if (e.target.id !== "macro-filter") return;
    var q = fold(e.target.value.trim());
    var shown = 0;
    document.querySelectorAll("#macro-list li").forEach(function (li) {
      var b = li.querySelector(".macro-choice");
      li.hidden = q !== "" && fold(b.dataset.name).indexOf(q) < 0;
      if (!li.hidden) shown++;
    });
    var none = document.querySelector("#macro-picker .macro-none");
    if (none) none.hidden = shown > 0;
  });

  document.addEventListener("keydown", function (e) {
    if (e.target.id !== "macro-filter") return;
    if (e.key === "Enter") {
      e.preventDefault();
      var first = visibleChoices()[0];
      if (first) first.querySelector(".macro-choice").click();
    } else if (e.key === "Escape") {
      document.getElementById("macro-picker").open = false;
    }
  });

  function chosen() {
    return document.getElementById("macro-chosen");
  }

  document.addEventListener("click", function (e) {
    var use = e.target.closest && e.target.closest("button.use-macro");
    if (use) {
      var box = document.getElementById("composer-body");
      var chip = chosen();
      if (!box || !chip) return;
      box.value = box.value.trim() === "" ? use.dataset.body : box.value.replace(/\s*$/, "") + "\n\n" + use.dataset.body;
      chip.querySelector("input[name=macro]").value = use.dataset.macro;
      chip.querySelector("input[name=macro_name]").value = use.dataset.name;
      chip.querySelectorAll("input").forEach(function (i) { i.disabled = false; });
      chip.querySelector(".macro-chosen-text").textContent = use.dataset.chosen;
      chip.hidden = false;
      document.getElementById("macro-picker").open = false;
      box.focus();
      box.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    var drop = e.target.closest && e.target.closest("button.drop-macro");
    if (drop) {
      var c = chosen();
      c.querySelectorAll("input").forEach(function (i) { i.disabled = true; i.value = ""; });
      c.hidden = true;
    }
  });
})();
