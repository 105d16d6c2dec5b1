"""In Chromium: Alice taps "Kept" on her reminder and the plank is laid without the app
opening. The reminder is what the dispatcher would send (server/reminders/due.py from
the server's own data, then compose and payload), pushed through the DevTools protocol
(`ServiceWorker.deliverPushMessage`); headless Chromium cannot subscribe to a real push
service. The tap is the worker's `notificationclick` with `action` "kept", as the system
would send it (DevTools cannot click a system notification)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from server import clock
from server import domain as d
from server.reminders.due import due_for
from server.reminders.message import compose, payload
from tests import offline_helpers
from tests.conftest import run
from tests.offline_helpers import (
    LiveServer,
    Person,
    a_bridge,
    acts,
    open_phone,
    sign_in,
    wait_for_worker,
)

pytestmark = pytest.mark.browser
server = offline_helpers.server
playwright = offline_helpers.playwright

REPLY = "Reply to Bob's messages the same day"
ZONE = "Europe/London"


def reminder_for(person: Person) -> bytes:
    """Today's reminder for `person`, as the dispatcher composes it."""
    me = person.ok("GET", "/me")["id"]
    now = clock.now()
    # Playwright's sync API keeps an event loop running in this thread.
    with ThreadPoolExecutor(1) as pool:
        dues = pool.submit(run, due_for({me: ZONE}, now)).result()
    message = compose(dues[me])
    assert message is not None
    return payload(message, d.local_today(now, ZONE))


def wait_for(page: Any, check: Any, timeout: float = 10.0) -> Any:
    """Until `check()` is truthy; waiting on the page lets Playwright deliver events."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        page.wait_for_timeout(100)
    raise AssertionError("timed out waiting")


class Phone:
    """Alice's phone with Bridgework's worker running, signed in."""

    def __init__(self, server: LiveServer, playwright: Any, profile: Path) -> None:
        self.context = open_phone(playwright, profile)
        self.context.grant_permissions(["notifications"], origin=server.url)
        self.page = self.context.new_page()
        self.url = server.url
        sign_in(self.page, server.url, "alice@example.com")
        wait_for_worker(self.page)
        self.cdp = self.context.new_cdp_session(self.page)
        registrations: list[dict[str, Any]] = []
        self.cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda e: registrations.extend(e["registrations"]),
        )
        versions: list[dict[str, Any]] = []
        self.cdp.on("ServiceWorker.workerVersionUpdated", lambda e: versions.extend(e["versions"]))
        self.cdp.send("ServiceWorker.enable")
        [self.registration] = wait_for(
            self.page,
            lambda: {
                r["registrationId"]
                for r in registrations
                if r["scopeURL"] == f"{server.url}/" and not r["isDeleted"]
            },
        )
        # A push delivered while the worker is still activating can go unseen.
        wait_for(self.page, lambda: any(v["status"] == "activated" for v in versions))
        [self.worker] = wait_for(self.page, lambda: self.context.service_workers)

    def push(self, data: bytes) -> None:
        """Deliver a push and wait for what it shows. DevTools now and then delivers one
        to a worker that is just starting, where it is lost: then it is sent again, as a
        push service would (the tag keeps it one notification)."""
        before = self.notifications()
        for _ in range(5):  # a loaded CI machine starts workers slowly
            self.cdp.send(
                "ServiceWorker.deliverPushMessage",
                {"origin": self.url, "registrationId": self.registration, "data": data.decode()},
            )
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if self.notifications() != before:
                    return
                self.page.wait_for_timeout(100)
            print("push not shown; delivering again")

    def notifications(self) -> list[dict[str, Any]]:
        return list(
            self.worker.evaluate(
                """() => self.registration.getNotifications().then(ns => ns.map(n => ({
                     title: n.title, body: n.body, url: n.data && n.data.url,
                     actions: n.actions.map(a => a.title)})))"""
            )
        )

    def tap(self, action: str = "") -> None:
        """Tap the shown notification (or one of its buttons) and wait for the worker."""
        self.worker.evaluate(
            """async (action) => {
                 const [notification] = await self.registration.getNotifications();
                 const event = new NotificationEvent("notificationclick", {notification, action});
                 let work = Promise.resolve();
                 Object.defineProperty(event, "waitUntil", {value: p => { work = p; }});
                 self.dispatchEvent(event);
                 await work;
               }""",
            action,
        )

    def sync(self) -> None:
        """The worker's Background Sync, as the browser fires it when a connection is back."""
        self.worker.evaluate(
            """async () => {
                 const event = new Event("sync");
                 event.tag = self.bwOutbox.SYNC_TAG;
                 let work = Promise.resolve();
                 event.waitUntil = p => { work = p; };
                 self.dispatchEvent(event);
                 await work;
               }"""
        )

    def badge(self) -> Any:
        return self.worker.evaluate("() => self.bwBadge.value")

    def outbox(self) -> list[dict[str, Any]]:
        return list(self.worker.evaluate("() => self.bwOutbox.items()"))

    def windows(self) -> int:
        return int(
            self.worker.evaluate(
                "() => self.clients.matchAll({type: 'window', includeUncontrolled: true})"
                ".then(ws => ws.length)"
            )
        )


def test_kept_on_a_one_item_reminder_lays_one_plank_without_opening_the_app(
    server: LiveServer, playwright: Any, tmp_path: Path, screenshot: Any
) -> None:
    alice, _, bridge, _ = a_bridge(server.url, [REPLY])
    phone = Phone(server, playwright, tmp_path / "alice")
    assert phone.page.evaluate("() => window.bwBadge.value") == 1  # Today set it
    reminder = reminder_for(alice)
    phone.push(reminder)
    [shown] = wait_for(phone.page, phone.notifications)
    assert shown == {
        "title": "Bridgework",
        "body": "1 commitment today on your bridge with Bob",
        "url": "/today",
        "actions": ["Kept", "Open"],
    }
    assert phone.badge() == 1

    tabs = list(phone.context.pages)
    phone.tap("kept")
    [kept] = acts(alice, bridge, "kept")
    # Only the page she had open: nothing new opened. That page may be reloading itself
    # after its sync, when the worker briefly counts no window at all.
    assert phone.context.pages == tabs
    assert wait_for(phone.page, lambda: phone.windows() == 1)
    [reply] = phone.notifications()
    assert reply["body"] == "Kept — plank laid on your bridge with Bob."
    assert reply["actions"] == []
    assert phone.badge() == 0  # nothing left open today
    render(phone, reply, screenshot, "reminder-kept-reply")
    assert phone.outbox() == []

    # The same reminder again (a second tap, a duplicate push): still one act.
    phone.push(reminder)
    assert [n["actions"] for n in phone.notifications()] == [["Kept", "Open"]]
    phone.tap("kept")
    assert [a["id"] for a in acts(alice, bridge, "kept")] == [kept["id"]]
    reload(phone.page)
    assert wait_for(phone.page, lambda: page_badge(phone.page) == 0)


def reload(page: Any) -> None:
    """Load the page afresh. A page that finds its outbox synced reloads itself, and
    while it is between documents Chromium refuses a reload ("Not attached to an
    active page"): try again, up to ten times half a second apart."""
    for _ in range(9):
        try:
            page.reload()
            return
        except PlaywrightError:
            time.sleep(0.5)
    page.reload()


def page_badge(page: Any) -> Any:
    """The badge Today's page set, or None while the page is (re)loading: a page that
    finds its outbox synced may reload itself once more."""
    try:
        return page.evaluate("() => window.bwBadge && window.bwBadge.value")
    except PlaywrightError:
        return None


def test_a_check_in_on_another_device_closes_the_reminder_at_the_next_sync(
    server: LiveServer, playwright: Any, tmp_path: Path, screenshot: Any
) -> None:
    alice, _, bridge, [commitment] = a_bridge(server.url, [REPLY])
    phone = Phone(server, playwright, tmp_path / "alice")
    phone.push(reminder_for(alice))
    [shown] = wait_for(phone.page, phone.notifications)
    assert shown["actions"] == ["Kept", "Open"]
    render(phone, shown, screenshot, "reminder-with-kept")

    # On her laptop: Kept, from Today there.
    alice.ok("POST", f"/bridges/{bridge}/checkins", {"commitment": commitment, "outcome": "kept"})
    phone.sync()
    [done] = phone.notifications()
    assert done["body"] == "All done for today — nothing is left open."
    assert done["actions"] == []
    assert phone.badge() == 0
    assert len(acts(alice, bridge, "kept")) == 1


def render(phone: Phone, shown: dict[str, Any], screenshot: Any, name: str) -> None:
    """A picture of the notification as a phone draws it (headless Chromium shows none)."""
    page = phone.context.new_page()
    page.set_content(
        f"""<meta name="viewport" content="width=device-width">
        <body style="margin:0;background:#1d2430;font:15px system-ui,sans-serif">
        <div style="margin:24px 12px;background:#f4f4f6;border-radius:18px;padding:14px 16px">
          <div style="display:flex;gap:8px;align-items:center;color:#555;font-size:12px">
            <img src="{phone.url}/static/icons/bridge.svg" width="18" height="18" alt="">
            Bridgework · now</div>
          <div style="font-weight:600;margin-top:6px">{shown["title"]}</div>
          <div style="margin-top:2px">{shown["body"]}</div>
          <div style="display:flex;gap:24px;margin-top:12px;color:#1a5fb4;font-weight:600">
            {"".join(f"<span>{a}</span>" for a in shown["actions"])}</div>
        </div></body>"""
    )
    page.set_viewport_size({"width": 390, "height": 180})
    screenshot(page, name)
    page.close()


def test_kept_with_no_signal_waits_and_lands_once_when_the_server_is_back(
    server: LiveServer, playwright: Any, tmp_path: Path
) -> None:
    alice, _, bridge, _ = a_bridge(server.url, [REPLY])
    phone = Phone(server, playwright, tmp_path / "alice")
    reminder = reminder_for(alice)
    phone.push(reminder)

    server.stop()
    phone.tap("kept")
    [waiting] = phone.notifications()
    assert waiting["title"] == "Kept — waiting to sync"
    [item] = phone.outbox()
    assert item["state"] == "waiting"
    # The same reminder again, tapped again with no signal: still one item waiting.
    phone.push(reminder)
    phone.tap("kept")
    assert [i["key"] for i in phone.outbox()] == [item["key"]]

    server.start()
    # Background Sync fires when the browser sees a connection come back; here the
    # connection never went (the server did), so the worker's sync is fired by hand.
    phone.sync()
    assert len(acts(alice, bridge, "kept")) == 1
    assert phone.outbox() == []
    [reply] = phone.notifications()
    assert reply["body"] == "Kept — plank laid on your bridge with Bob."
    phone.tap("kept")  # the reply has no "Kept": a tap only opens Today
    assert len(acts(alice, bridge, "kept")) == 1


def test_kept_on_an_archived_bridge_says_why_and_opens_today(
    server: LiveServer, playwright: Any, tmp_path: Path
) -> None:
    alice, _, bridge, _ = a_bridge(server.url, [REPLY])
    phone = Phone(server, playwright, tmp_path / "alice")
    phone.push(reminder_for(alice))
    wait_for(phone.page, phone.notifications)
    alice.ok("POST", f"/bridges/{bridge}/archive")

    phone.tap("kept")
    [refused] = phone.notifications()
    assert refused["title"] == "Not checked in"
    assert refused["body"] == (
        "This bridge is not being built right now (it is archived)."
        " Tap to see what is still open on Today."
    )
    assert acts(alice, bridge, "kept") == []

    phone.page.goto(f"{server.url}/settings")
    phone.tap()
    phone.page.wait_for_url(f"{server.url}/today")
