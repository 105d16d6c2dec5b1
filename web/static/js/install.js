// "Install" where the browser offers it (beforeinstallprompt); on iPhone and iPad,
// where Safari has no prompt, how to add Bridgework to the Home Screen, which
// reminders there need too. Nothing shows in the installed app, or once dismissed.
(function () {
  "use strict";
  var card = document.querySelector("[data-install]");
  if (!card) return;
  var button = card.querySelector("[data-install-button]");
  var ios = card.querySelector("[data-install-ios]");
  var DISMISSED = "bw-install-dismissed";
  var standalone = navigator.standalone === true ||
    window.matchMedia("(display-mode: standalone)").matches;
  var offer = null;

  function dismissed() {
    try { return Boolean(localStorage.getItem(DISMISSED)); } catch (error) { return false; }
  }

  if (standalone || dismissed()) return;

  card.querySelector("[data-install-dismiss]").addEventListener("click", function () {
    card.hidden = true;
    try { localStorage.setItem(DISMISSED, "1"); } catch (error) { /* private mode */ }
  });

  // Every browser on iOS is Safari underneath: no prompt, only the Share menu.
  var isIOS = /iPad|iPhone|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  if (isIOS) {
    ios.hidden = false;
    card.hidden = false;
    return;
  }

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();  // offered on a tap, not over the page
    offer = event;
    button.hidden = false;
    card.hidden = false;
  });

  // The browser's own dialog takes it from here; a prompt can be used only once, and
  // if the person says no, the browser offers again later with a new event.
  button.addEventListener("click", function () {
    if (!offer) return;
    offer.prompt();
    offer = null;
    card.hidden = true;
  });

  window.addEventListener("appinstalled", function () { card.hidden = true; });
})();
