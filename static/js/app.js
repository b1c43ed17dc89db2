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
    // Collapsed sections computed on demand: <details data-fragment="URL"> loads URL's HTML (a server-rendered
    // fragment of this site) into its .fragment box the first time it is opened; its link works without JS.
    document.querySelectorAll("details[data-fragment]").forEach(function (details) {
      details.addEventListener("toggle", function () {
        if (!details.open || details.getAttribute("data-loaded")) { return; }
        details.setAttribute("data-loaded", "1");
        var box = details.querySelector(".fragment");
        var fallback = box.innerHTML;
        box.setAttribute("aria-busy", "true");
        box.textContent = details.getAttribute("data-loading");
        fetch(details.getAttribute("data-fragment"), {credentials: "same-origin", headers: {"Accept": "text/html"}})
          .then(function (response) {
            if (!response.ok) { throw new Error(response.status); }
            return response.text();
          })
          .then(function (html) { box.innerHTML = html; })
          .catch(function () {
            box.innerHTML = fallback;
            box.insertBefore(document.createTextNode(details.getAttribute("data-error") + " "), box.firstChild);
            details.removeAttribute("data-loaded");
          })
          .finally(function () { box.removeAttribute("aria-busy"); });
      });
    });
    // Auto-submit filter selects marked data-autosubmit.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
