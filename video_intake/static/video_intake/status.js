/* Status page: re-check the appeal every few seconds until it reaches a final state (no inline script, CSP). */
(function () {
  "use strict";
  var box = document.getElementById("appeal-status");
  if (!box || box.getAttribute("data-final") === "yes") { return; }
  var url = box.getAttribute("data-poll");
  var last = null;
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (info) {
        if (!info) { return; }
        if (last !== null && info.status !== last) { window.location.reload(); return; }
        last = info.status;
        if (["rejected", "closed", "ticket_opened"].indexOf(info.status) < 0) { setTimeout(poll, 5000); }
      })
      .catch(function () { setTimeout(poll, 15000); });
  }
  setTimeout(poll, 3000);
})();
