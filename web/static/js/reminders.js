// Reminders on this device: the "Turn on" button on /settings/reminders.
// Permission is asked only after a tap, never on page load. The page works without
// this file (schedule, pause, devices, test are plain forms); it adds the one thing
// a form cannot do: subscribe this browser to push.
(function () {
  var card = document.querySelector("[data-reminders]");
  if (!card) return;
  var status = card.querySelector("[data-push-status]");
  var button = card.querySelector("[data-push-enable]");
  var iosHint = card.querySelector("[data-ios-hint]");

  function say(text) { status.textContent = text; }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // The VAPID key arrives base64url-encoded; subscribe() wants its bytes.
  function keyBytes(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function saveSubscription(subscription) {
    return fetch("/api/v1/reminders/devices", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(subscription.toJSON())
    }).then(function (response) {
      if (response.status !== 201) {
        return response.json().then(function (body) { throw new Error(body.detail || "refused"); });
      }
    });
  }

  function markThisDevice(endpoint) {
    var known = false;
    document.querySelectorAll("[data-endpoint]").forEach(function (item) {
      if (item.getAttribute("data-endpoint") === endpoint) {
        known = true;
        item.querySelector("[data-this-device]").hidden = false;
      }
    });
    return known;
  }

  var isIOS = /iPad|iPhone|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  var standalone = navigator.standalone === true ||
    window.matchMedia("(display-mode: standalone)").matches;
  iosHint.hidden = !(isIOS && !standalone);

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.Notification) {
    say(isIOS && !standalone
      ? "Add Bridgework to your Home Screen, open it from there, and turn reminders on."
      : "This browser cannot receive push notifications, so reminders cannot reach it. " +
        "Chrome, Edge, Firefox and Safari can.");
    return;
  }

  // Where each browser keeps a site's notification permission, to undo a "Block".
  function howToAllow() {
    var agent = navigator.userAgent;
    if (/Firefox\//.test(agent)) {
      return "To allow them: tap the icon left of the address, remove the Blocked notifications permission, then reload.";
    }
    if (/Edg\//.test(agent) || /Chrome\//.test(agent)) {
      return "To allow them: tap the icon left of the address, choose Permissions (or Site settings), set Notifications to Allow, then reload.";
    }
    if (/Safari\//.test(agent)) {
      return isIOS
        ? "To allow them: open the Settings app, then Notifications, then Bridgework, and turn on Allow Notifications."
        : "To allow them: Safari, Settings, Websites, Notifications, set this site to Allow, then reload.";
    }
    return "To allow them, change this site's notification permission in the browser's settings, then reload.";
  }

  var registration = navigator.serviceWorker.register("/sw.js", { scope: "/" });

  registration.then(function (reg) { return reg.pushManager.getSubscription(); })
    .then(function (subscription) {
      if (subscription && Notification.permission === "granted") {
        say("Reminders are on for this device.");
        // A browser may renew its subscription while no page is open: keep ours current.
        if (!markThisDevice(subscription.endpoint)) {
          saveSubscription(subscription).then(function () { window.location.reload(); },
            function () {});
        }
        return;
      }
      if (Notification.permission === "denied") {
        say("Notifications are blocked for this site, so reminders cannot reach this device. " +
          howToAllow());
        return;
      }
      say("Reminders are off for this device.");
      button.hidden = false;
    }, function () {
      say("This browser could not start the part of the app that shows notifications.");
    });

  button.addEventListener("click", function () {
    button.disabled = true;
    say("Asking for permission…");
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        throw new Error("Notifications were not allowed, so reminders stay off.");
      }
      say("Turning reminders on…");
      return registration.then(function (reg) {
        return reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(card.getAttribute("data-public-key"))
        }).catch(function () {
          throw new Error("This browser could not subscribe to notifications. Please try again later.");
        });
      });
    }).then(saveSubscription).then(function () {
      window.location.reload();
    }).catch(function (error) {
      say(error.message);
      button.disabled = false;
    });
  });
})();
