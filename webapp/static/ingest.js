// The ingest job page: poll the job's status JSON until it finishes, and redraw.
(function () {
  "use strict";
  var box = document.querySelector(".job[data-status-url]");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var REPORT_ID = /^[0-9a-f]{12,64}$/;
  // Rows already on the page; each poll asks only for the results after them.
  var shown = parseInt(box.getAttribute("data-shown"), 10) || 0;

  function text(selector, value) {
    var el = box.querySelector(selector);
    if (el) el.textContent = value;
  }

  function row(r) {
    var tr = document.createElement("tr");
    tr.className = "status-" + r.status;
    var path = document.createElement("td");
    path.className = "path";
    path.textContent = r.path;
    var status = document.createElement("td");
    status.className = "status";
    status.textContent = box.getAttribute("data-label-" + r.status) || r.status;
    var reason = document.createElement("td");
    reason.className = "reason";
    if (r.id && REPORT_ID.test(r.id)) {
      var a = document.createElement("a");
      a.href = "/doc/" + r.id;
      a.textContent = r.title || r.id;
      reason.appendChild(a);
    }
    reason.appendChild(document.createTextNode(r.reason || ""));
    tr.appendChild(path);
    tr.appendChild(status);
    tr.appendChild(reason);
    return tr;
  }

  function draw(job) {
    box.setAttribute("data-state", job.state);
    text(".state-label", box.getAttribute("data-state-" + job.state) || job.state);
    text(".files-done", job.files_done);
    text(".files-total", job.files_total);
    var bar = box.querySelector("progress");
    if (bar) { bar.max = job.files_total; bar.value = job.files_done; }
    ["ingested", "duplicate", "failed"].forEach(function (s) { text(".n-" + s, job.counts[s]); });
    var tbody = box.querySelector("table.results tbody");
    job.results.forEach(function (r) { tbody.appendChild(row(r)); });
    shown = job.since + job.results.length;
    var error = box.querySelector(".error-text");
    if (error) { error.textContent = job.error; error.hidden = !job.error; }
    var hint = box.querySelector(".hint");
    if (hint) hint.hidden = job.finished;
  }

  function poll() {
    fetch(url + "?since=" + shown, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        draw(job);
        if (!job.finished) window.setTimeout(poll, 500);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  if (box.getAttribute("data-state") !== "done" && box.getAttribute("data-state") !== "failed") poll();
})();
