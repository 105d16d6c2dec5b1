// The outbox: small acts (a check-in, a confirmation, a withdrawal, a reported miss)
// that could not reach the server, kept in IndexedDB (idb.js) until it has them.
// Pages and the service worker both load this file, so it touches only `self`.
//
// The worker puts an act here when its form post fails (no signal, server down);
// whoever is awake sends it again to the JSON API with the form's idempotency key,
// so however often it is replayed the server creates the act once. An item is
//   state "waiting": not answered yet; sent again on the next flush
//   state "refused": the server said no (4xx); kept and shown until dismissed
// and leaves the store only after a 2xx answer (or when its person dismisses it).
(function (global) {
  "use strict";
  var store = global.bwStore;
  var SYNC_TAG = "bw-outbox";
  var TIMEOUT_MS = 15000;
  // The form posts that may wait: the one-tap acts, each carrying an idempotency key.
  var ACTS = [
    { pattern: /^\/bridges\/\d+\/checkins$/, kind: "checkin", ints: ["commitment"] },
    { pattern: /^\/bridges\/\d+\/confirmations$/, kind: "confirmation", ints: ["act"] },
    { pattern: /^\/bridges\/\d+\/confirmations\/kept$/, kind: "confirmation", ints: [],
      lists: ["acts"] },
    { pattern: /^\/bridges\/\d+\/withdrawals$/, kind: "withdrawal", ints: ["act"] },
    { pattern: /^\/bridges\/\d+\/misses$/, kind: "miss", ints: ["commitment"] }
  ];
  var NAMES = {
    checkin: "A check-in", confirmation: "A confirmation",
    withdrawal: "A withdrawal", miss: "A reported miss"
  };
  var channel = "BroadcastChannel" in global ? new BroadcastChannel("bw-outbox") : null;

  function actFor(path) {
    for (var i = 0; i < ACTS.length; i++) if (ACTS[i].pattern.test(path)) return ACTS[i];
    return null;
  }

  // What an act is about, the same whichever button sent it: a check-in's commitment
  // and day, a confirmation's act. Pages use it to find the row an item belongs to.
  function subjectOf(path, body) {
    return path + "?" + Object.keys(body).filter(function (name) {
      return name !== "outcome" && name !== "note";
    }).sort().map(function (name) { return name + "=" + body[name]; }).join("&");
  }

  // An outbox item from a form post's path and fields ([name, value] pairs), or null
  // if the form is not one of the acts that may wait.
  function fromForm(path, fields) {
    var act = actFor(path);
    if (!act) return null;
    var body = {};
    var key = "";
    var csrf = "";
    fields.forEach(function (pair) {
      var name = pair[0];
      var value = String(pair[1]);
      if (name === "idempotency_key") key = value;
      else if (name === "_csrf_token") csrf = value;
      else if (act.lists && act.lists.indexOf(name) >= 0) body[name] = value.split(",").map(Number);
      else if (name !== "next") body[name] = act.ints.indexOf(name) >= 0 ? Number(value) : value;
    });
    if (!key) return null;
    return {
      key: key, kind: act.kind, url: "/api/v1" + path, body: body, csrf: csrf,
      subject: subjectOf(path, body), label: "", created: Date.now(), state: "waiting"
    };
  }

  function tell(message) { if (channel) channel.postMessage(message); }

  function add(item) {
    return store.set(item.key, item).then(function () { tell({ type: "queued" }); });
  }

  function items() {
    return store.values().then(function (all) {
      return all.sort(function (a, b) { return a.created - b.created; });
    });
  }

  function update(key, changes) {
    return store.get(key).then(function (item) {
      if (!item) return undefined;
      Object.keys(changes).forEach(function (name) { item[name] = changes[name]; });
      return store.set(key, item);
    });
  }

  function dismiss(key) {
    return store.del(key).then(function () { tell({ type: "dismissed" }); });
  }

  function describe(item) { return item.label || NAMES[item.kind] || "An act"; }

  // The CSRF cookie's current value: a page reads document.cookie, the worker asks
  // cookieStore where it can. No cookie yet (a new browser session): any GET sets one.
  function readCookie() {
    if (global.document) {
      var match = global.document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
      return Promise.resolve(match ? decodeURIComponent(match[1]) : "");
    }
    if (global.cookieStore) {
      return global.cookieStore.get("csrftoken").then(function (c) { return c ? c.value : ""; },
        function () { return ""; });
    }
    return Promise.resolve("");
  }

  function csrfToken(item) {
    return readCookie().then(function (token) {
      if (token) return token;
      return fetch("/api/v1/me", { credentials: "same-origin" }).then(readCookie)
        .then(function (fresh) { return fresh || item.csrf; });
    });
  }

  function post(item, token) {
    var abort = "AbortController" in global ? new AbortController() : null;
    var timer = setTimeout(function () { if (abort) abort.abort(); }, TIMEOUT_MS);
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": item.key,
        "X-CSRFToken": token
      },
      body: JSON.stringify(item.body),
      signal: abort ? abort.signal : undefined
    }).then(function (response) {
      clearTimeout(timer);
      return response;
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  }

  function detailOf(response) {
    return response.json().then(function (body) { return String(body.detail || ""); },
      function () { return ""; });
  }

  // Send one item. Resolves to what happened: "sent", "refused", "held" (signed out,
  // or the session changed: the person must sign in, nothing is lost) or
  // "unreachable" (no answer, or a 5xx / 408 / 429: try again later).
  function send(item) {
    return csrfToken(item).then(function (token) {
      return post(item, token);
    }).then(function (response) {
      if (response.ok) return store.del(item.key).then(function () { return "sent"; });
      var status = response.status;
      if (status >= 500 || status === 408 || status === 429) return "unreachable";
      return detailOf(response).then(function (detail) {
        if (status === 401 || (status === 403 && /CSRF/i.test(detail))) {
          return update(item.key, { held: true }).then(function () { return "held"; });
        }
        return update(item.key, { state: "refused", status: status, detail: detail, held: false })
          .then(function () { return "refused"; });
      });
    }, function () { return "unreachable"; });
  }

  // Send every waiting item, oldest first, one at a time; stop at the first sign the
  // server cannot be reached or will not take them. One flush at a time across the
  // pages and the worker (Web Locks), though a replay would do no harm.
  function sendAll() {
    var result = { sent: 0, refused: 0, waiting: 0, held: false, reached: false };
    return items().then(function (all) {
      var queue = all.filter(function (item) { return item.state === "waiting"; });
      function next(i) {
        if (i >= queue.length) return result;
        return send(queue[i]).then(function (outcome) {
          if (outcome === "sent") result.sent++;
          if (outcome === "refused") result.refused++;
          if (outcome !== "unreachable") result.reached = true;
          if (outcome === "held") result.held = true;
          if (outcome === "sent" || outcome === "refused") return next(i + 1);
          result.waiting = queue.length - i;
          return result;
        });
      }
      return next(0);
    });
  }

  function flush() {
    var locks = global.navigator && global.navigator.locks;
    var run = locks ? locks.request("bw-outbox", sendAll) : sendAll();
    return run.then(function (result) {
      if (result.sent || result.refused) tell({ type: "flushed", sent: result.sent });
      return result;
    });
  }

  global.bwOutbox = {
    SYNC_TAG: SYNC_TAG,
    actFor: actFor,
    fromForm: fromForm,
    add: add,
    items: items,
    update: update,
    dismiss: dismiss,
    describe: describe,
    flush: flush,
    channel: channel
  };
})(self);
