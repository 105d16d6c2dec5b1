// Install the service worker (web/sw.js, served at /sw.js) so the app opens with no
// signal, and pick up a new version as soon as one is deployed: the new worker takes
// over at once and this page reloads itself, unless someone is typing in it. Acts
// waiting to sync are in IndexedDB, so a reload loses none of them.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  var container = navigator.serviceWorker;
  var controlled = Boolean(container.controller);
  var typing = false;

  document.addEventListener("input", function () { typing = true; });

  function offerReload() {
    var note = document.querySelector("[data-update]");
    if (!note) return;
    note.hidden = false;
    note.querySelector("button").addEventListener("click", function () {
      window.location.reload();
    });
  }

  container.addEventListener("controllerchange", function () {
    // The first worker taking over a page it did not load is not an update.
    if (!controlled) { controlled = true; return; }
    if (typing) offerReload();
    else window.location.reload();
  });

  function register() {
    container.register("/sw.js", { scope: "/" }).then(function (registration) {
      // An installed app can stay open for days: look for a new version on return.
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible") registration.update().catch(function () {});
      });
    }, function () { /* no worker: the site still works, only not offline */ });
  }

  if (document.readyState === "complete") register();
  else window.addEventListener("load", register);

  // This page loaded before a worker controlled it, so the worker never saw it:
  // ask for a copy to keep, and a first visit already opens offline.
  if (!controlled) {
    container.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "keep-page", url: location.href });
    });
  }
})();
