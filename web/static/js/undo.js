// Undo on the spot for a check-in or confirmation made offline. The worker put it in
// the outbox (outbox.js) and sent the person back to Today; taking it out of the
// outbox before it syncs means it never happened. One the server already has is
// undone by Today's own Undo button, a withdrawal (server/repair/undo.py).
(function () {
  "use strict";
  var outbox = window.bwOutbox;
  var store = window.bwStore;
  if (!outbox || !store || !window.indexedDB) return;
  var SAVED = "bw-undo";
  var UNDOABLE = /^\/bridges\/\d+\/(checkins|confirmations)$/;

  // Remember the act a tap is about to send, and what the button said.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var key = form.querySelector("[name=idempotency_key]");
    if (!key || !UNDOABLE.test(new URL(form.action).pathname)) return;
    var button = event.submitter;
    var label = (button && button.getAttribute("aria-label")) || (button ? button.textContent.trim() : "");
    try {
      sessionStorage.setItem(SAVED, JSON.stringify({ key: key.value, label: label }));
    } catch (error) { /* private mode: no offline undo */ }
  });

  var saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(SAVED) || "null");
    sessionStorage.removeItem(SAVED);
  } catch (error) { saved = null; }
  // Online, the server's page already offers Undo.
  if (!saved || document.querySelector("[data-undo]")) return;

  store.get(saved.key).then(function (item) {
    if (item && item.state === "waiting") show(item);
  });

  function show(item) {
    var toast = document.createElement("div");
    toast.className = "notice toast";
    toast.setAttribute("role", "status");
    toast.tabIndex = -1;
    var text = document.createElement("p");
    text.textContent = (saved.label || outbox.describe(item)) + " · saved on this phone, waiting to sync.";
    var undo = document.createElement("button");
    undo.type = "button";
    undo.className = "button small";
    undo.textContent = "Undo";
    undo.addEventListener("click", function () {
      store.get(item.key).then(function (still) {
        if (!still) {
          text.textContent = "It reached Bridgework already: withdraw it from the bridge page.";
          undo.remove();
          return undefined;
        }
        return outbox.dismiss(item.key).then(function () {
          text.textContent = "Undone: nothing will be sent.";
          undo.remove();
          if (window.bwSyncRender) window.bwSyncRender();
        });
      });
    });
    toast.append(text, undo);
    var head = document.querySelector(".today-head") || document.querySelector("main h1");
    if (head) head.after(toast); else document.querySelector("main").prepend(toast);
    toast.focus();
  }
})();
