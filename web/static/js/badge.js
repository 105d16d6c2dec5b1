// The app badge (Badging API): how many items are still open today, on the app's
// icon. Set by each reminder (web/sw.js), after a check-in from a reminder, and by
// Today whenever it is shown (after a check-in, a confirmation or a sync it reloads).
// Feature-detected; the last value is kept on `bwBadge.value` for the tests to read.
// Pages load it with a <script> tag and the service worker with importScripts.
(function (global) {
  "use strict";
  var nav = global.navigator;

  // Resolves to whether the browser took it (uninstalled apps may be refused).
  function set(count) {
    var n = Math.max(0, Math.floor(Number(count) || 0));
    badge.value = n;
    if (!nav || typeof nav.setAppBadge !== "function") return Promise.resolve(false);
    var done = n ? nav.setAppBadge(n) : nav.clearAppBadge();
    return Promise.resolve(done).then(function () { return true; }, function () { return false; });
  }

  // What Today's server says is still open, for a worker with no page to read.
  function refresh() {
    return fetch("/api/v1/today", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (today) { return today ? set(today.still_open) : false; },
        function () { return false; });
  }

  var badge = { value: null, set: set, refresh: refresh };
  global.bwBadge = badge;

  if (global.document) {
    global.document.addEventListener("DOMContentLoaded", function () {
      var today = global.document.querySelector("[data-still-open]");
      if (today) set(today.getAttribute("data-still-open"));
    });
  }
})(self);
