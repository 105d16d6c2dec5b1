// Bridgework's service worker, served at /sw.js so it controls the whole site.
// A flat list of commented event listeners (MDN service worker cookbook style);
// each feature keeps to its own marked section.

// ====================================================================== reminders
// Daily web push reminders (server/reminders/message.py). The payload is JSON:
// {"title", "body", "url", "tag", "day", "actions", "app_badge", "kept"} beside the
// declarative part WebKit shows on its own ("web_push": 8030, "notification"); `url`
// is a same-site path to open on a tap, `kept` the one open item "Kept" checks in.

// Show the reminder. Every push must show a notification (userVisibleOnly), so a
// payload that cannot be read still shows a plain one that opens Today.
self.addEventListener("push", function (event) {
  var data = {};
  if (event.data) {
    try {
      data = event.data.json();
    } catch (error) {
      data = { body: event.data.text() };
    }
  }
  var title = data.title || "Bridgework";
  var kept = data.kept && typeof data.kept === "object" ? data.kept : null;
  // Only the buttons this worker knows how to answer; "Kept" only with its item.
  var actions = (Array.isArray(data.actions) ? data.actions : []).filter(function (a) {
    return a && (a.action === "open" || (a.action === "kept" && kept));
  }).map(function (a) { return { action: a.action, title: String(a.title) }; });
  var shown = self.registration.showNotification(title, {
    body: data.body || "Something is waiting for you today.",
    tag: data.tag || "reminder",
    icon: "/static/icons/bridge.svg",
    badge: "/static/icons/bridge.svg",
    actions: actions,
    data: { url: data.url || "/today", kept: kept, day: data.day || "" }
  });
  var badged = typeof data.app_badge === "number" ? self.bwBadge.set(data.app_badge) : null;
  event.waitUntil(Promise.all([shown, badged]));
});

// Only paths on this site are opened, whatever a payload says.
function reminderTarget(notification) {
  var url = notification.data && notification.data.url;
  if (typeof url !== "string" || url.charAt(0) !== "/" || url.charAt(1) === "/" ||
      url.charAt(1) === "\\") {
    url = "/today";
  }
  return new URL(url, self.location.origin).href;
}

// An open Bridgework window is brought forward and sent to `target`; otherwise a new
// window opens on it.
function openTarget(target) {
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      var same = windows[i];
      // Focus is refused without a real tap (a replayed click): it is there already.
      if (same.url === target && "focus" in same) return same.focus().catch(function () { return same; });
    }
    for (var j = 0; j < windows.length; j++) {
      var client = windows[j];
      if (new URL(client.url).origin === self.location.origin && "navigate" in client) {
        return client.navigate(target).then(function (moved) {
          var shown = moved || client;
          return "focus" in shown ? shown.focus().catch(function () { return shown; }) : shown;
        });
      }
    }
    return self.clients.openWindow(target);
  });
}

// A tap opens the screen the reminder is about; "Kept" checks its item in without
// opening anything.
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var data = event.notification.data || {};
  if (event.action === "kept" && data.kept) {
    event.waitUntil(keptFromReminder(data.kept, event.notification.tag));
    return;
  }
  event.waitUntil(openTarget(reminderTarget(event.notification)));
});

// "Kept" goes through the outbox like a tap on Today: one idempotency key per item
// and day, so a second tap (or a replay after no signal) makes the same one act.
var KEPT_PREFIX = "reminder-kept:";

function keptKey(kept) {
  return KEPT_PREFIX + kept.bridge + ":" + kept.commitment + ":" + kept.day;
}

function keptFromReminder(kept, tag) {
  var key = keptKey(kept);
  var item = self.bwOutbox.fromForm("/bridges/" + Number(kept.bridge) + "/checkins", [
    ["commitment", kept.commitment], ["outcome", "kept"], ["day", kept.day],
    ["idempotency_key", key]
  ]);
  if (!item) return openTarget(new URL("/today", self.location.origin).href);
  item.label = "Kept, from the reminder";
  item.partner = String(kept.partner || "");
  item.tag = tag || "";
  return self.bwStore.get(key).then(function (earlier) {
    // A refusal already shown stays as it was; anything else is (re)queued as one item.
    if (earlier && earlier.state === "refused") return earlier;
    return self.bwOutbox.add(item).then(function () { return item; });
  }).then(function (queued) {
    if (queued.state === "refused") return tellRefused(queued);
    return flushAndTell([queued]);
  });
}

// Send the outbox, then say what became of the reminder check-ins among `items`: a
// reply for each that landed, why one was refused, or that it waits for a signal.
function flushAndTell(items) {
  return self.bwOutbox.flush().then(function (result) {
    return Promise.all(items.map(function (item) {
      return self.bwStore.get(item.key).then(function (left) {
        if (!left) return tellKept(item);
        if (left.state === "refused") return tellRefused(left);
        if (left.held) return tellSignedOut(left);
        return tellWaiting(left);
      });
    })).then(function () { return result; });
  });
}

// `done`: it already says the day's reminder is answered (badge.js leaves it be).
function reply(title, body, url, tag, done) {
  return self.registration.showNotification(title, {
    body: body,
    tag: tag || "reminder-reply",
    icon: "/static/icons/bridge.svg",
    badge: "/static/icons/bridge.svg",
    data: { url: url, done: Boolean(done) }
  });
}

function partnerOf(item) {
  return item.partner ? "your bridge with " + item.partner : "your bridge";
}

function tellKept(item) {
  return reply("Bridgework", "Kept — plank laid on " + partnerOf(item) + ".", "/today", item.tag,
    true).then(self.bwBadge.refresh);
}

function tellRefused(item) {
  var why = item.detail || "Bridgework did not take it.";
  return reply("Not checked in", why + " Tap to see what is still open on Today.", "/today",
    item.tag);
}

function tellSignedOut(item) {
  return reply("Not checked in yet",
    "You're signed out on this phone. Sign in and it will be sent.",
    "/signin?next=/today", item.tag);
}

function tellWaiting(item) {
  var sync = self.registration.sync
    ? self.registration.sync.register(self.bwOutbox.SYNC_TAG).catch(function () {})
    : Promise.resolve();
  return sync.then(function () {
    return reply("Kept — waiting to sync",
      "Saved on this phone; sent as soon as Bridgework can be reached.", "/today", item.tag);
  });
}

// Reminder check-ins waiting in the outbox, before a flush (to tell what it sent).
function waitingKept() {
  return self.bwOutbox.items().then(function (all) {
    return all.filter(function (item) {
      return item.state === "waiting" && item.key.indexOf(KEPT_PREFIX) === 0;
    });
  });
}

// The browser renewed the subscription (its push service rotated keys or expired
// it): subscribe again with the same server key and tell the server, proving it is
// this browser with the old subscription's auth secret (a worker has no CSRF token).
self.addEventListener("pushsubscriptionchange", function (event) {
  var old = event.oldSubscription;
  var keyFor = old && old.options && old.options.applicationServerKey
    ? Promise.resolve(old.options.applicationServerKey)
    : fetch("/api/v1/reminders/public-key").then(function (r) { return r.json(); })
      .then(function (body) { return body.public_key; });
  event.waitUntil(
    (event.newSubscription ? Promise.resolve(event.newSubscription) : keyFor.then(function (key) {
      return self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    })).then(function (subscription) {
      if (!old) return undefined;  // nothing to prove it with: the settings page re-saves it
      var auth = old.toJSON().keys.auth;
      return fetch("/api/v1/reminders/devices/renew", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          old: { endpoint: old.endpoint, auth: auth },
          new: subscription.toJSON()
        })
      });
    })
  );
});
// ================================================================== end reminders

// ======================================================================== offline
// The app shell, pages that open with no signal, and the outbox for small acts made
// offline (server/pwa/). SHELL_VERSION, SHELL_URLS and SHELL_IMPORTS are written
// above this file by server/pwa/shell.py: a deploy that changes any static file
// changes them, so the browser installs the new worker.

importScripts.apply(self, SHELL_IMPORTS);  // idb.js and outbox.js: self.bwOutbox

var SHELL_CACHE = "bw-shell-" + SHELL_VERSION;
// Pages are kept across deploys: Today must still open offline right after an update.
var PAGES_CACHE = "bw-pages-v1";
var OFFLINE_URL = "/offline";
// A page that has not answered by then is shown from the copy on the phone, if any.
var NETWORK_TIMEOUT_MS = 8000;
// Posting these changes who is signed in: the pages kept for the last person go.
var SESSION_CHANGES = ["/signin", "/signup", "/signout", "/settings/delete"];

// Fill this version's shell (addAll is all or nothing) before it may take over, then
// take over at once: queued acts live in IndexedDB, not here, so an update loses
// none of them, and open pages reload themselves (web/static/js/sw-register.js).
self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then(function (cache) { return cache.addAll(SHELL_URLS); })
      .then(function () { return self.skipWaiting(); })
  );
});

// Delete the shells of earlier versions, then control every open page.
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("bw-shell-") === 0 && name !== SHELL_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate") {
    if (self.bwOutbox.actFor(url.pathname)) {
      event.respondWith(postOrQueue(request));
    } else if (SESSION_CHANGES.indexOf(url.pathname) >= 0) {
      event.respondWith(fetch(request).then(function (response) {
        return caches.delete(PAGES_CACHE).then(function () { return response; });
      }));
    }
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(url.searchParams.has("v") ? cacheFirst(request) : networkOrCache(request));
  } else if (request.mode === "navigate") {
    event.respondWith(pageNetworkFirst(event));
  }
});

// Static files with a versioned URL never change: the cache first, the network once.
function cacheFirst(request) {
  return caches.match(request).then(function (cached) {
    return cached || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(SHELL_CACHE).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    }, function () {
      // A page kept from an earlier version asks for its own version of a file:
      // this version's copy is the closest thing on the phone.
      return caches.match(request, { ignoreSearch: true }).then(function (other) {
        return other || Response.error();
      });
    });
  });
}

function networkOrCache(request) {
  return fetch(request).catch(function () {
    return caches.match(request, { ignoreSearch: true }).then(function (cached) {
      return cached || Response.error();
    });
  });
}

// One copy per page: "?laid=1" and friends are one-time notes, not other pages.
function pageKey(href) {
  var url = new URL(href);
  return url.origin + url.pathname;
}

// Only a page of ours is worth keeping: not a redirect, an error, or a download.
function isPage(response) {
  return response.ok && response.type === "basic" && !response.redirected &&
    (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}

// Pages: the network first, keeping the last good copy; without a network, that
// copy (marked with when it was saved, for the "offline" note), or the offline page.
function pageNetworkFirst(event) {
  var request = event.request;
  var key = pageKey(request.url);
  var network = fetch(request).then(function (response) {
    if (isPage(response)) {
      var copy = response.clone();
      event.waitUntil(caches.open(PAGES_CACHE).then(function (cache) {
        return cache.put(key, copy);
      }));
    }
    return response;
  });
  return new Promise(function (resolve) {
    var done = false;
    function finish(response) { if (!done) { done = true; resolve(response); } }
    var timer = setTimeout(function () {
      caches.open(PAGES_CACHE).then(function (cache) { return cache.match(key); })
        .then(function (cached) { if (cached) finish(savedCopy(cached)); });
    }, NETWORK_TIMEOUT_MS);
    network.then(function (response) {
      clearTimeout(timer);
      finish(response);
    }, function () {
      clearTimeout(timer);
      finish(offlineCopy(key));
    });
  });
}

function offlineCopy(key) {
  return caches.open(PAGES_CACHE).then(function (cache) { return cache.match(key); })
    .then(function (cached) {
      if (cached) return savedCopy(cached);
      return caches.match(OFFLINE_URL).then(function (page) {
        return page || new Response("You're offline.", {
          status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" }
        });
      });
    });
}

// The kept copy, its <html> marked with when the server made it (its Date header):
// web/static/js/sync-status.js turns that into "showing what was last synced at …".
function savedCopy(cached) {
  var saved = Date.parse(cached.headers.get("Date") || "") || 0;
  return cached.text().then(function (html) {
    var headers = new Headers(cached.headers);
    headers.delete("Content-Length");
    headers.delete("Content-Encoding");
    return new Response(html.replace("<html ", '<html data-saved-at="' + saved + '" '), {
      status: 200, headers: headers
    });
  });
}

// ------------------------------------------------------------------ the outbox
// A one-tap act (check-in, confirmation, withdrawal, reported miss) is posted as
// usual; when the post cannot reach the server it goes into the outbox and the
// person is sent back to the page they came from, where it shows "waiting to sync".

function postOrQueue(request) {
  var copy = request.clone();
  var timedOut = new Promise(function (resolve) {
    setTimeout(function () { resolve(null); }, NETWORK_TIMEOUT_MS);
  });
  // On a very slow line the post may still arrive after it was queued: the replay
  // carries the same idempotency key, so the server keeps one act either way.
  return Promise.race([fetch(request), timedOut]).then(function (response) {
    // 502-504: a proxy in front of a server that is restarting; the act never arrived.
    if (response && (response.status < 502 || response.status > 504)) return response;
    return queue(copy);
  }, function () { return queue(copy); });
}

function queue(request) {
  return request.formData().then(function (form) {
    var url = new URL(request.url);
    var fields = [];
    form.forEach(function (value, name) { fields.push([name, value]); });
    var item = self.bwOutbox.fromForm(url.pathname, fields);
    if (!item) return Response.error();
    return self.bwOutbox.add(item).then(function () {
      return self.registration.sync
        ? self.registration.sync.register(self.bwOutbox.SYNC_TAG).catch(function () {})
        : undefined;
    }).then(function () {
      return Response.redirect(backTo(form.get("next"), request.referrer), 303);
    });
  });
}

// Where the form would have gone: its `next` field, else the page it was on.
function backTo(next, referrer) {
  if (typeof next === "string" && /^\/(?![/\\])/.test(next)) return next;
  if (referrer) {
    var from = new URL(referrer);
    if (from.origin === self.location.origin) return from.pathname;
  }
  return "/today";
}

// Background Sync, where the browser has it: send the outbox once a connection is
// back, even with no page open. Rejecting asks the browser to try again later.
self.addEventListener("sync", function (event) {
  if (event.tag !== self.bwOutbox.SYNC_TAG) return;
  event.waitUntil(waitingKept().then(function (kept) {
    return self.bwOutbox.flush().then(function (result) {
      return Promise.all(kept.map(function (item) {
        return self.bwStore.get(item.key).then(function (left) {
          if (!left) return tellKept(item);
          return left.state === "refused" ? tellRefused(left) : null;
        });
      })).then(function () {
        // The badge after a sync, and the reminder closed if another device did it all.
        return result.reached || !result.waiting ? self.bwBadge.refresh() : null;
      }).then(function () { return result; });
    });
  }).then(function (result) {
    if (result.waiting && !result.reached) throw new Error("Bridgework is still unreachable");
  }));
});

// A page opened before this worker controlled it: take it over (a page that was
// being loaded while the worker activated can miss the first claim) and keep a
// copy of it, so a first visit already opens offline.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep-page" || typeof data.url !== "string") return;
  var url = new URL(data.url, self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil(self.clients.claim().then(function () {
    return fetch(url.href, { credentials: "same-origin" });
  }).then(function (response) {
    if (!isPage(response)) return undefined;
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.put(pageKey(url.href), response);
    });
  }).catch(function () {}));
});
// ==================================================================== end offline
