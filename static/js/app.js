/* Progressive enhancement only: every page works without JavaScript. No inline scripts (strict CSP). */
(function () {
  "use strict";
  // Confirm destructive actions: <form data-confirm="message">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); return; }
    // Double-submit guard and progress feedback on long work (imports, plans).
    var button = form.querySelector("button[type=submit][data-busy]");
    if (button) { button.disabled = true; button.textContent = button.getAttribute("data-busy"); }
  });
  // Move focus to the error summary so screen-reader and keyboard users land on it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
    // Auto-submit filter selects marked data-autosubmit.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
