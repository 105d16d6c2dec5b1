// The app badge (Badging API): how many items are still open today, on the app's
// icon. Set by each reminder (web/sw.js), after a check-in from a reminder, and by
// Today whenever it is shown (after a check-in, a confirmation or a sync it reloads).
// Feature-detected; the last value is kept on `bwBadge.value` for the tests to read.
// When nothing is left open (checked in here or on another device), a reminder still
// on the screen is replaced by a quiet "All done for today".
// Today loads it with a <script> tag (no other page shows a count) and the service
// worker with importScripts.
(function (global) {
  "use strict";
  var nav = global.navigator;

  // Resolves to whether the browser took it (uninstalled apps may be refused).
  function set(count) {
    var n = Math.max(0, Math.floor(Number(count) || 0));
    badge.value = n;
    var settled = n ? Promise.resolve() : allDone();
    if (!nav || typeof nav.setAppBadge !== "function") return settled.then(function () { return false; });
    var done = n ? nav.setAppBadge(n) : nav.clearAppBadge();
    return Promise.all([settled, done]).then(function () { return true; }, function () { return false; });
  }

  function registration() {
    if (global.registration) return Promise.resolve(global.registration);  // the worker
    if (nav && nav.serviceWorker && global.Notification &&
        global.Notification.permission === "granted") {
      return nav.serviceWorker.getRegistration("/");
    }
    return Promise.resolve(null);
  }

  // Today's reminder (tag "reminder-<day>") asks for nothing any more: say so, quietly.
  function allDone() {
    return registration().then(function (reg) {
      if (!reg) return undefined;
      return reg.getNotifications().then(function (shown) {
        return Promise.all(shown.filter(function (n) {
          return /^reminder-\d{4}-\d{2}-\d{2}$/.test(n.tag) && !(n.data && n.data.done);
        }).map(function (n) {
          return reg.showNotification("Bridgework", {
            body: "All done for today — nothing is left open.",
            tag: n.tag,
            silent: true,
            icon: "/static/icons/bridge.svg",
            badge: "/static/icons/bridge.svg",
            data: { url: "/today", done: true }
          });
        }));
      });
    }).catch(function () {});
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
