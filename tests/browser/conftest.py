"""Browser tests: the real app in its own process, driven by Debian's Chromium.

Each test gets a live server on a free port over the parametrized `db` fixture
(so it runs on SQLite and on PostgreSQL), and each person gets their own phone:
a fresh browser context, with its own cookies, at 390 x 844 CSS pixels.

Playwright only drives the browser; its own downloaded browsers are never used
(no `playwright install`). Outside CI a missing Chromium skips these tests with
the reason shown; with CI=true it fails them. axe-core, for the accessibility
checks, is installed on first use from bench/package-lock.json (`axe_script`); a
missing npm skips those the same way, and fails them under CI=true.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from tests.conftest import Database

ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = Path("/usr/bin/chromium")
BENCH = ROOT / "bench"
AXE = BENCH / "node_modules" / "axe-core" / "axe.min.js"
NPM_CI_TIMEOUT_S = 600
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
    "timezone_id": "Europe/London",
}
START_TIMEOUT_S = 30
PAGE_TIMEOUT_MS = 10_000


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own server)
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM first so uvicorn shuts down cleanly; kill if it does not."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def live_server(db: Database, tmp_path: Path) -> Iterator[str]:
    """`bridgework serve` on a free port over this test's database; yields its base URL."""
    port = _free_port()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "BRIDGEWORK_PORT": str(port),
        "BRIDGEWORK_HOST": "127.0.0.1",
        "BRIDGEWORK_DATA_DIR": str(data_dir),
        "SECRET_KEY": secrets.token_hex(24),  # 48 characters
        "DATABASE_POOL_SIZE": "2",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("BRIDGEWORK_ENV", None)
    env.pop("BRIDGEWORK_WORKERS", None)
    # A file, not a pipe: nobody reads the output while the test runs, and a
    # full pipe buffer would stall the server mid-test.
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _answers(f"{base_url}/signin"):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            pytest.fail(
                f"the server did not answer {base_url}/signin within {START_TIMEOUT_S} s "
                f"(exit code {process.returncode}):\n{log_path.read_text(errors='replace')}"
            )
        time.sleep(0.1)
    try:
        yield base_url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Debian's Chromium: skipped with the reason shown if missing, failed under CI=true."""
    if not CHROMIUM.exists():
        _missing(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


def _missing(reason: str) -> NoReturn:
    """Skip with the reason shown; under CI=true fail instead (a skipped test is a hole)."""
    if IN_CI:
        pytest.fail(f"{reason}; CI=true: browser tests must not be skipped")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's script, installed into bench/node_modules by `npm ci` when missing.

    `npm ci` installs exactly what bench/package-lock.json lists and never rewrites
    it (bench/bench_pwa.py installs the same way): nothing tracked changes. It installs
    Lighthouse too, the lock's other package; Puppeteer's own browser is never fetched.
    """
    if AXE.exists():
        return AXE
    npm = shutil.which("npm")
    if npm is None:
        _missing("npm is not installed: axe-core cannot be installed from bench/package-lock.json")
    result = subprocess.run(
        [npm, "ci", "--prefix", str(BENCH), "--no-audit", "--no-fund"],
        env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=NPM_CI_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0 or not AXE.exists():
        _missing(f"`npm ci` in bench/ did not install axe-core: {result.stderr.strip()[-500:]}")
    return AXE


@pytest.fixture
def chromium(chromium_executable: Path, live_server: str) -> Iterator[Any]:
    """Chromium, headless, driven by Playwright's sync API for one test.

    Per test rather than per session (it costs under a second): the sync API keeps
    an asyncio loop marked as running for as long as Playwright is up, and the
    `db` fixture's `asyncio.run()` refuses to run inside one. Asking for
    `live_server` first puts Playwright strictly inside the database's lifetime.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_executable), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def phone(chromium: Any) -> Iterator[Callable[..., Any]]:
    """Make a new phone (a browser context with its own cookies); pass options to override."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        context = chromium.new_context(**{**PHONE, **options})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        context.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def alice_on_her_reminder_settings(phone: Any, live_server: str) -> Callable[..., Any]:
    """Alice signs up on a new phone (options as `phone`'s) and opens her reminder
    settings; returns the page."""
    from playwright.sync_api import expect

    from tests.browser.test_repair_journey import sign_up

    def open_page(**options: Any) -> Any:
        page = phone(**options).new_page()
        page.goto(live_server + "/signup")
        sign_up(page, "alice@example.com", "Alice")
        page.get_by_role("button", name="Create account").click()
        # Signed up (her first page says hello) before she goes on: a navigation
        # started while the sign-up still answers would be cut short.
        expect(page.get_by_role("heading", name="Hello, Alice")).to_be_visible()
        page.goto(live_server + "/settings/reminders")
        return page

    return open_page


@pytest.fixture
def screenshot(db: Database) -> Callable[[Any, str], None]:
    """Save a full-page phone screenshot to build/screenshots/ (SQLite run only, no duplicates)."""

    def save(page: Any, name: str) -> None:
        if db.kind != "sqlite":
            return
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return save
