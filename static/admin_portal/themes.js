// The themes of items on the report form: one list open at a time (on wide screens it is a panel
// over the rows below), closed again with Escape. Without this script every list still works.
(function () {
  "use strict";
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.classList || !opened.classList.contains("theme-pick") || !opened.open) { return; }
    document.querySelectorAll("details.theme-pick[open]").forEach(function (other) {
      if (other !== opened) { other.open = false; }
    });
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector("details.theme-pick[open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
})();
