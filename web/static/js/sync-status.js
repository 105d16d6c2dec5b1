// What is waiting to sync, shown where it matters. A page opened from the copy on the
// phone says when that copy was made; a row checked in offline says "waiting to
// sync"; an act the server refused is shown with what to do, never dropped. The
// outbox (outbox.js) is sent when the page opens, when the connection returns, when
// the app comes back to the front, and every 15 seconds while something waits.
(function () {
  "use strict";
  var outbox = window.bwOutbox;
  var panel = document.querySelector("[data-sync]");
  if (!outbox || !window.indexedDB || !panel) return;
  var root = document.documentElement;
  var fromCache = root.hasAttribute("data-saved-at");
  var savedAt = Number(root.getAttribute("data-saved-at")) || 0;
  var RETRY_MS = 15000;
  var DONE = {
    kept: "Kept", missed: "Missed", confirmation: "Confirmed",
    withdrawal: "Withdrawn", miss: "Miss reported"
  };
  var NOUNS = {
    checkin: ["check-in", "check-ins"], confirmation: ["confirmation", "confirmations"],
    withdrawal: ["withdrawal", "withdrawals"], miss: ["reported miss", "reported misses"],
    act: ["act", "acts"]
  };
  var ADVICE = {
    409: "What the server already has stays as it is.",
    404: "It no longer exists, so nothing was saved.",
    410: "It no longer exists, so nothing was saved.",
    403: "Nothing was saved."
  };
  var typing = false;
  var busy = false;
  var waiting = 0;

  document.addEventListener("input", function () { typing = true; });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function time(ms) {
    var when = new Date(ms);
    // The browser's locale, in the kinds server/formats.py writes: "8:30 AM", "08:30";
    // "Sun, Dec 6", "Sun 6 Dec".
    // timeStyle "short" is CLDR's short time, as format_time(..., "short") on the server.
    var clock = when.toLocaleTimeString([], { timeStyle: "short" });
    if (when.toDateString() === new Date().toDateString()) return "at " + clock;
    return "on " + when.toLocaleDateString([], { weekday: "short", day: "numeric", month: "short" }) +
      " at " + clock;
  }

  // The page is the copy kept on the phone: say so, and drop one-time notes
  // ("Plank laid.") that belonged to the moment it was saved.
  function showSavedCopy() {
    document.querySelectorAll("[data-flash]").forEach(function (node) { node.remove(); });
    var note = el("p", "notice offline-note");
    note.setAttribute("role", "status");
    note.textContent = (navigator.onLine ? "Bridgework can't be reached" : "You're offline") +
      " — showing what was last synced " + (savedAt ? time(savedAt) : "earlier") + ".";
    panel.before(note);
  }

  // Remember what a tapped button said ("Kept: Reply to Bob"), so the outbox can
  // name the act later; the worker only ever sees the form's fields.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var key = form.querySelector("[name=idempotency_key]");
    if (!key || !outbox.actFor(new URL(form.action).pathname)) return;
    var button = event.submitter;
    var row = form.closest("li");
    var what = row && row.querySelector("strong");
    var label = (button && button.getAttribute("aria-label")) ||
      ((button ? button.textContent.trim() : "") + (what ? ": " + what.textContent.trim() : ""));
    try { sessionStorage.setItem("bw-label:" + key.value, label); } catch (error) { /* private mode */ }
  });

  function subjectOfForm(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
    var item = outbox.fromForm(new URL(form.action).pathname, fields);
    return item && item.subject;
  }

  // The rows whose act is waiting: the buttons give way to "Kept · waiting to sync".
  function markRows(items) {
    document.querySelectorAll("[data-waiting-mark]").forEach(function (node) { node.remove(); });
    document.querySelectorAll("form[data-waiting-form]").forEach(function (form) {
      form.hidden = false;
      form.removeAttribute("data-waiting-form");
    });
    var bySubject = {};
    items.forEach(function (item) { if (item.state === "waiting") bySubject[item.subject] = item; });
    document.querySelectorAll("form[method=post]").forEach(function (form) {
      var item = bySubject[subjectOfForm(form)];
      if (!item) return;
      var done = DONE[item.kind === "checkin" ? item.body.outcome : item.kind] || "Saved";
      var mark = el("span", "badge badge-waiting", done + " · waiting to sync");
      mark.setAttribute("data-waiting-mark", "");
      form.hidden = true;
      form.setAttribute("data-waiting-form", "");
      form.after(mark);
    });
  }

  // "1 check-in", "2 confirmations", or "3 acts" when they are of several kinds.
  function count(items) {
    var kinds = items.map(function (item) { return item.kind; });
    var same = kinds.every(function (kind) { return kind === kinds[0]; });
    var noun = same ? NOUNS[kinds[0]] || NOUNS.act : NOUNS.act;
    return items.length + " " + (items.length === 1 ? noun[0] : noun[1]);
  }

  function refusedEntry(item) {
    var entry = el("li", "sync-refused");
    entry.appendChild(el("strong", "", "Not saved: " + outbox.describe(item)));
    var advice = ADVICE[item.status] || "Nothing was saved. Check Today for what is still open.";
    entry.appendChild(el("p", "", (item.detail ? item.detail + " " : "") + advice));
    var ok = el("button", "button small", "OK");
    ok.type = "button";
    ok.setAttribute("aria-label", "OK, dismiss: " + outbox.describe(item));
    ok.addEventListener("click", function () { outbox.dismiss(item.key).then(render); });
    entry.appendChild(ok);
    return entry;
  }

  function renderPanel(items) {
    var queued = items.filter(function (item) { return item.state === "waiting"; });
    var refused = items.filter(function (item) { return item.state === "refused"; });
    waiting = queued.length;
    panel.replaceChildren();
    panel.hidden = !queued.length && !refused.length;
    if (queued.length) {
      var line = el("p", "sync-waiting");
      line.appendChild(el("strong", "", count(queued) + " waiting to sync."));
      if (queued.some(function (item) { return item.held; })) {
        line.appendChild(document.createTextNode(" Sign in again to send " +
          (queued.length === 1 ? "it" : "them") + ": "));
        var link = el("a", "", "Sign in");
        link.href = "/signin?next=" + encodeURIComponent(location.pathname);
        line.appendChild(link);
      } else {
        line.appendChild(document.createTextNode(" Saved on this phone; sent as soon as Bridgework can be reached."));
      }
      panel.appendChild(line);
    }
    if (refused.length) {
      var list = el("ul", "sync-list");
      refused.forEach(function (item) { list.appendChild(refusedEntry(item)); });
      panel.appendChild(list);
    }
  }

  // Name items the worker queued, from what the tapped button said.
  function label(items) {
    return Promise.all(items.map(function (item) {
      var said = "";
      try { said = sessionStorage.getItem("bw-label:" + item.key) || ""; } catch (error) { /* none */ }
      if (item.label || !said) return item;
      item.label = said;
      return outbox.update(item.key, { label: said }).then(function () { return item; });
    }));
  }

  function render() {
    return outbox.items().then(label).then(function (items) {
      markRows(items);
      renderPanel(items);
    });
  }
  window.bwSyncRender = render;  // js/undo.js: a queued act taken back

  // Fresh state once the server has our acts, or is back: unless someone is typing.
  function refresh() {
    if (!typing) window.location.reload();
  }

  function reachable() {
    return fetch("/api/v1/me", { credentials: "same-origin", cache: "no-store" })
      .then(function () { return true; }, function () { return false; });
  }

  function sync() {
    // Known to be offline: nothing to try (and nothing for the console to complain of).
    if (busy || !navigator.onLine) return;
    busy = true;
    outbox.flush().then(function (result) {
      return (fromCache && !result.reached ? reachable() : Promise.resolve(result.reached))
        .then(function (reached) {
          busy = false;
          if (result.sent || (fromCache && reached)) refresh();
          else render();
        });
    }).catch(function () { busy = false; });
  }

  if (fromCache) showSavedCopy();
  render().then(sync, sync);
  window.addEventListener("online", sync);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") sync();
  });
  setInterval(function () { if (waiting || fromCache) sync(); }, RETRY_MS);
  if (outbox.channel) {
    outbox.channel.addEventListener("message", function (event) {
      if (event.data && event.data.type === "flushed" && event.data.sent) refresh();
      else render();
    });
  }
})();
