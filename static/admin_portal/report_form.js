// Report form touches (kept out of the page so the Content-Security-Policy can forbid inline scripts).
(function () {
  "use strict";
  var texts = document.getElementById("report-form-touches").dataset;

  function labelCells(row) {
    var table = row.closest("table");
    if (!table) { return; }
    var heads = table.querySelectorAll("thead th");
    Array.prototype.forEach.call(row.children, function (cell, i) {
      var head = heads[i];
      if (!head || cell.classList.contains("original")) { return; }
      if (cell.classList.contains("delete") && !cell.querySelector("input[type=checkbox]")) { return; }
      var text = head.textContent.trim();
      if (text) { cell.setAttribute("data-label", text); }
    });
  }

  function touch() {
    document.querySelectorAll(".report-section").forEach(function (section) {
      section.querySelectorAll("tbody tr.form-row").forEach(labelCells);
      var group = section.closest(".inline-group");
      var prefix = group && group.id.replace(/-group$/, "");
      var link = section.querySelector(".add-row a");
      if (link && texts[prefix]) { link.textContent = texts[prefix]; }
    });
  }

  // Django's inline script builds the "add" links in a jQuery "ready" handler registered
  // earlier (the form's media is in <head>); jQuery runs those in order, so this one runs after it.
  if (window.django && django.jQuery) { django.jQuery(touch); } else { window.addEventListener("load", touch); }
  document.addEventListener("formset:added", function (event) { labelCells(event.target); });

  // Unsaved changes are not lost by leaving the page (a link, the browser's back, closing the tab):
  // the browser asks first. Saving (any submit button of the form) is leaving on purpose.
  var form = document.getElementById("report_form");
  if (form) {
    var dirty = false;
    var touched = function () { dirty = true; };
    form.addEventListener("input", touched);
    form.addEventListener("change", touched);
    document.addEventListener("formset:added", touched);
    document.addEventListener("formset:removed", touched);
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";  // older browsers need a value to ask
      }
    });
  }
})();
