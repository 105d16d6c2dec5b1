"""What the offline and install browser tests share: a server that can be stopped and
started again on the same port and database, people set up through the JSON API, and
phones that are real Chromium profiles (installable, unlike incognito contexts)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import (
    CHROMIUM_ARGS,
    PAGE_TIMEOUT_MS,
    PHONE,
    ROOT,
    START_TIMEOUT_S,
    _answers,
    _free_port,
    _stop,
)

PASSWORD = "correct horse battery"


class LiveServer:
    """`bridgework serve` in a subprocess that a test may stop and start again, as a
    deploy or a crash would: same port, same database, same secret key."""

    def __init__(self, database_url: str, tmp_path: Path, root: Path = ROOT) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.root = root
        self.log_path = tmp_path / "server.log"
        data_dir = tmp_path / "data"
        data_dir.mkdir(exist_ok=True)
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "BRIDGEWORK_PORT": str(self.port),
            "BRIDGEWORK_HOST": "127.0.0.1",
            "BRIDGEWORK_DATA_DIR": str(data_dir),
            "SECRET_KEY": secrets.token_hex(24),
            "DATABASE_POOL_SIZE": "2",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("BRIDGEWORK_ENV", None)
        self.env.pop("BRIDGEWORK_WORKERS", None)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server", "serve"],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(f"{self.url}/signin"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(
                    f"the server did not start on {self.url}:\n"
                    f"{self.log_path.read_text(errors='replace')}"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None


class Person:
    """Someone using the JSON API from another device (their laptop, say)."""

    def __init__(self, base_url: str, name: str) -> None:
        self.name = name.title()
        self.email = f"{name}@example.com"
        self.client = httpx.Client(base_url=base_url, timeout=10)

    def csrf(self) -> str:
        if "csrftoken" not in self.client.cookies:
            self.client.get("/api/v1/me")
        return str(self.client.cookies["csrftoken"])

    def api(self, method: str, path: str, json: Any = None, key: str | None = None) -> Any:
        headers = {"X-CSRFToken": self.csrf(), "Idempotency-Key": key or uuid.uuid4().hex}
        response = self.client.request(method, f"/api/v1{path}", json=json, headers=headers)
        return response

    def ok(self, method: str, path: str, json: Any = None) -> Any:
        response = self.api(method, path, json)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def sign_up(self) -> Person:
        self.ok(
            "POST",
            "/accounts",
            {
                "email": self.email,
                "display_name": self.name,
                "password": PASSWORD,
                "time_zone": "Europe/London",
            },
        )
        return self

    def close(self) -> None:
        self.client.close()


def a_bridge(base_url: str, commitments: list[str]) -> tuple[Person, Person, int, list[int]]:
    """Alice and Bob on a team with an active bridge; Alice has these daily commitments."""
    alice = Person(base_url, "alice").sign_up()
    bob = Person(base_url, "bob").sign_up()
    team = alice.ok("POST", "/teams", {"name": "Product Team"})["id"]
    token = alice.ok("POST", f"/teams/{team}/invites")["token"]
    bob.ok("POST", f"/invites/{token}/accept")
    bob_id = bob.ok("GET", "/me")["id"]
    bridge = alice.ok("POST", "/bridges", {"partner": bob_id, "message": "Can we fix this?"})["id"]
    bob.ok("POST", f"/bridges/{bridge}/accept")
    ids = [
        alice.ok("POST", f"/bridges/{bridge}/commitments", {"text": text, "cadence": "daily"})[
            "commitment_id"
        ]
        for text in commitments
    ]
    return alice, bob, bridge, ids


def acts(person: Person, bridge: int, kind: str) -> list[dict[str, Any]]:
    """The acts of one kind on the server's log of a bridge (withdrawn ones too)."""
    timeline = person.ok("GET", f"/bridges/{bridge}/state")["timeline"]
    return [entry for entry in timeline if entry["kind"] == kind]


def open_phone(playwright: Any, profile: Path, **options: Any) -> Any:
    """A phone: a persistent Chromium profile at 390 x 844 (a profile, not an incognito
    context, because Chromium offers to install apps only outside incognito)."""
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path="/usr/bin/chromium",
        args=CHROMIUM_ARGS,
        **{**PHONE, **options},
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
    return context


def sign_in(page: Any, base_url: str, email: str, then: str = "/today") -> None:
    page.goto(f"{base_url}/signin?next={then}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}{then}")


def wait_for_worker(page: Any) -> None:
    """Until the service worker is active and controls this page (and has kept it)."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def kept_pages(page: Any) -> list[str]:
    """The paths of the pages the worker keeps for offline use."""
    return list(
        page.evaluate(
            "() => caches.open('bw-pages-v1').then(c => c.keys())"
            ".then(keys => keys.map(k => new URL(k.url).pathname))"
        )
    )


def outbox(page: Any) -> list[dict[str, Any]]:
    """What the outbox holds in IndexedDB, as the page's own script reads it."""
    return list(page.evaluate("() => window.bwOutbox.items()"))


# ---------------------------------------------------------------- fixtures
# Test modules import these by name. The server starts before Playwright does: the
# sync API keeps an asyncio loop running, and the `db` fixture's asyncio.run() must
# have finished first (see tests/browser/conftest.py).


@pytest.fixture
def server(db: Any, tmp_path: Path) -> Iterator[LiveServer]:
    """The app on a free port over this test's database; `server.stop()` / `.start()`."""
    live = LiveServer(db.url, tmp_path)
    live.start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def playwright(chromium_executable: Path, server: LiveServer) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running
