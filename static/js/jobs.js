/* Polls a background job's status and updates the progress bar; reloads once it ends. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var bar = document.getElementById("job-progress");
  var count = document.getElementById("job-count");
  var status = document.getElementById("job-status");
  function tick() {
    fetch(box.getAttribute("data-status-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        bar.max = job.total || 1;
        bar.value = job.progress;
        count.textContent = job.progress.toLocaleString() + " / " + job.total.toLocaleString();
        status.textContent = box.getAttribute("data-label-" + job.status) || job.status;
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        window.setTimeout(tick, 800);
      })
      .catch(function () { window.setTimeout(tick, 2000); });
  }
  var initial = status.textContent;
  if (initial && box.querySelector("#job-done[hidden]") && box.querySelector("#job-error[hidden]")) { tick(); }
})();
