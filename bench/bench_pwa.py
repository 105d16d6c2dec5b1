"""First-load bytes of the main screens, Lighthouse (mobile) and axe-core, in one run.

Serves the demo (`bridgework serve --demo`, SQLite in a scratch folder) and signs in
as Alice. Per screen it counts what a phone downloads on a first visit, compressed
(gzip, as the server sends it): the HTML, its stylesheet, scripts and SVG icon, and
the manifest Chromium fetches. Then Lighthouse (the npm package, driving Debian's
Chromium through CHROME_PATH, in its default mobile configuration: a Moto G Power
on slow 4G, simulated) and axe-core (through Playwright, light and dark) on the same
screens. Without npm or Chromium those figures print `skipped`.

Prints (goals: first load at most 60 KB; performance at least 95, accessibility and
best practices 100, no axe violations; Lighthouse figures are the worst screen's):
  first_load_kb_<screen>: today, home, bridge, settings, signin
  sw_install_kb: what the service worker then precaches that the page did not load
  lighthouse_performance, lighthouse_accessibility, lighthouse_best_practices
  axe_violations: over every screen, in light and dark
  notification_checkin_ms: "Kept" tapped on a reminder until the server has stored the
    act (the worker's notificationclick, its outbox, the JSON API; loopback), median
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CHROMIUM = Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
AXE = BENCH / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "bridgework-demo"
CATEGORIES = {
    "performance": "lighthouse_performance",
    "accessibility": "lighthouse_accessibility",
    "best-practices": "lighthouse_best_practices",
}
SUBRESOURCES = re.compile(
    r'<(?:link[^>]+rel="(?:stylesheet|icon|manifest)"[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"'
)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def figure(name: str, value: object) -> None:
    print(f"{name}: {value}", flush=True)


# ---------------------------------------------------------------- the demo server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_demo(scratch: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "BRIDGEWORK_DATA_DIR": str(scratch),
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "BRIDGEWORK_HOST": "127.0.0.1",
        "BRIDGEWORK_PORT": str(port),
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
    }
    env.pop("BRIDGEWORK_ENV", None)
    log = (scratch / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--demo"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/signin", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    stop(process)
    sys.exit(f"the demo server did not start:\n{(scratch / 'server.log').read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sign_in(url: str, email: str) -> str:
    """Alice's session cookie, from the JSON API."""
    with httpx.Client(base_url=url) as client:
        client.get("/api/v1/me")
        response = client.post(
            "/api/v1/session",
            json={"email": email, "password": PASSWORD},
            headers={"X-CSRFToken": client.cookies["csrftoken"]},
        )
        response.raise_for_status()
        return str(client.cookies["bw_session"])


def screens(url: str, session: str) -> dict[str, tuple[str, bool]]:
    """The main screens: (path, signed in)."""
    with httpx.Client(base_url=url, cookies={"bw_session": session}) as client:
        bridges = client.get("/api/v1/bridges").json()
    active = next(b["id"] for b in bridges if b["status"] == "active")
    return {
        "today": ("/today", True),
        "home": ("/", True),
        "bridge": (f"/bridges/{active}", True),
        "settings": ("/settings", True),
        "signin": ("/signin", False),
        "first visit": ("/", False),
    }


# ---------------------------------------------------------------- bytes on the wire


def transferred(client: httpx.Client, path: str) -> tuple[int, bytes]:
    """Bytes on the wire for one GET (status line, headers, compressed body), and the body."""
    with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
        head = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n") + sum(
            len(name) + len(value) + 4 for name, value in response.headers.raw
        )
        gzipped = response.headers.get("content-encoding") == "gzip"
    return head + 2 + len(raw), gzip.decompress(raw) if gzipped else raw


def first_load(url: str, path: str, session: str | None) -> int:
    cookies = {"bw_session": session} if session else {}
    with httpx.Client(base_url=url, cookies=cookies) as client:
        size, html = transferred(client, path)
        for resource in dict.fromkeys(SUBRESOURCES.findall(html.decode())):
            if resource.startswith("/"):
                size += transferred(client, resource)[0]
    return size


def sw_install(url: str, page_paths: set[str]) -> int:
    """What the worker fetches at install beyond what the page already loaded."""
    with httpx.Client(base_url=url) as client:
        size, source = transferred(client, "/sw.js")
        found = re.search(rb"const SHELL_URLS = (\[.*?\]);", source)
        for shell_url in json.loads(found.group(1)) if found else []:
            if shell_url not in page_paths:
                size += transferred(client, shell_url)[0]
    return size


def page_resources(url: str, path: str, session: str) -> set[str]:
    with httpx.Client(base_url=url, cookies={"bw_session": session}) as client:
        html = client.get(path).text
    return set(SUBRESOURCES.findall(html))


# ---------------------------------------------------------------- Lighthouse and axe


def tools_ready() -> str:
    """Why Lighthouse and axe cannot run here, or "" when they can."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM}"
    if LIGHTHOUSE.exists() and AXE.exists():
        return ""
    npm = shutil.which("npm")
    if not npm:
        return "npm is not installed"
    # `npm ci`: exactly what bench/package-lock.json lists, which it never rewrites.
    # (Lighthouse's @paulirish/trace_engine asks for third-party-web and
    # legacy-javascript at "latest", a moving tag: package.json's overrides hold them
    # at the locked versions, or every new release would put the lock out of date.)
    say("installing Lighthouse and axe-core into bench/node_modules (npm ci)")
    result = subprocess.run(
        [npm, "ci", "--prefix", str(BENCH), "--no-audit", "--no-fund"],
        env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0 or not LIGHTHOUSE.exists():
        return f"npm ci failed: {result.stderr.strip()[-300:]}"
    return ""


def lighthouse(url: str, session: str | None, scratch: Path) -> dict[str, int]:
    report = scratch / "lighthouse.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if session:
        command.append("--extra-headers=" + json.dumps({"Cookie": f"bw_session={session}"}))
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    subprocess.run(command, env=env, check=True, timeout=300, capture_output=True)
    result = json.loads(report.read_text())
    if result["finalDisplayedUrl"] != url:  # e.g. sent to sign in: not the screen meant
        sys.exit(f"Lighthouse measured {result['finalDisplayedUrl']}, not {url}")
    for category in result["categories"].values():
        for ref in category["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                say(f"  {ref['id']}: {audit['score']} {audit.get('displayValue', '')}")
    return {
        name: round(result["categories"][name]["score"] * 100)
        for name in CATEGORIES
        if result["categories"][name]["score"] is not None
    }


def axe(url: str, pages: dict[str, tuple[str, bool]], session: str) -> int:
    from playwright.sync_api import sync_playwright

    source = AXE.read_text()
    found = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
        )
        for scheme in ("light", "dark"):
            # bypass_csp: axe is injected as an inline script, which the app's CSP forbids.
            context = browser.new_context(
                viewport={"width": 390, "height": 844},
                is_mobile=True,
                has_touch=True,
                color_scheme=scheme,
                bypass_csp=True,
            )
            context.add_cookies([{"name": "bw_session", "value": session, "url": url}])
            page = context.new_page()
            for name, (path, signed_in) in pages.items():
                if not signed_in:
                    context.clear_cookies()
                page.goto(url + path)
                if page.url != url + path:
                    sys.exit(f"axe would check {page.url}, not {url + path}")
                page.add_script_tag(content=source)
                violations = page.evaluate(
                    "() => axe.run(document, {resultTypes: ['violations']})"
                    ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.length))"
                )
                for violation in violations:
                    say(f"  axe {name} ({scheme}): {violation}")
                found += len(violations)
            context.close()
        browser.close()
    return found


# ---------------------------------------------------------------- a reminder's "Kept"

TAPS = 15


def person(url: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=url)
    client.get("/api/v1/me")
    call(client, "POST", "/accounts", {
        "email": f"{name}@bench.example", "display_name": name.title(),
        "password": "correct horse battery", "time_zone": "UTC",
    })  # fmt: skip
    return client


def call(client: httpx.Client, method: str, path: str, body: object = None) -> object:
    headers = {"X-CSRFToken": client.cookies["csrftoken"], "Idempotency-Key": os.urandom(8).hex()}
    response = client.request(method, f"/api/v1{path}", json=body, headers=headers)
    response.raise_for_status()
    return response.json() if response.content else None


def kept_items(url: str) -> tuple[str, list[dict[str, object]]]:
    """A person with TAPS daily commitments on a bridge with Bo: their session and the
    `kept` part of a reminder for each (what the payload carries for one open item)."""
    ivy, bo = person(url, "ivy"), person(url, "bo")
    team = call(ivy, "POST", "/teams", {"name": "Bench"})["id"]  # type: ignore[index]
    token = call(ivy, "POST", f"/teams/{team}/invites")["token"]  # type: ignore[index]
    call(bo, "POST", f"/invites/{token}/accept")
    bo_id = call(bo, "GET", "/me")["id"]  # type: ignore[index]
    bridge = call(ivy, "POST", "/bridges", {"partner": bo_id, "message": "Hi"})["id"]  # type: ignore[index]
    call(bo, "POST", f"/bridges/{bridge}/accept")
    today = call(ivy, "GET", "/today")["today"]  # type: ignore[index]
    items = []
    for i in range(TAPS):
        made = call(ivy, "POST", f"/bridges/{bridge}/commitments",
                    {"text": f"Commitment {i}", "cadence": "daily"})  # fmt: skip
        items.append({"bridge": bridge, "commitment": made["commitment_id"],  # type: ignore[index]
                      "day": today, "partner": "Bo"})  # fmt: skip
    return str(ivy.cookies["bw_session"]), items


# In the worker: show a reminder carrying `kept`, tap its "Kept", and time from the tap
# to the check-in's answer from the server (the act is stored by then).
TAP = """async (kept) => {
  const original = self.fetch;
  let stored = 0;
  self.fetch = (...args) => original(...args).then(r => {
    if (String(args[0]).endsWith("/checkins") && r.ok) stored = performance.now();
    return r;
  });
  await self.registration.showNotification("Bridgework", {
    tag: "bench", data: {url: "/today", kept}, actions: [{action: "kept", title: "Kept"}]});
  const [notification] = await self.registration.getNotifications({tag: "bench"});
  const event = new NotificationEvent("notificationclick", {notification, action: "kept"});
  let work = Promise.resolve();
  Object.defineProperty(event, "waitUntil", {value: p => { work = p; }});
  const start = performance.now();
  self.dispatchEvent(event);
  await work;
  self.fetch = original;
  return stored ? stored - start : -1;
}"""


def notification_checkin_ms(url: str) -> float:
    from playwright.sync_api import sync_playwright

    session, items = kept_items(url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        context.grant_permissions(["notifications"], origin=url)
        context.add_cookies([{"name": "bw_session", "value": session, "url": url}])
        page = context.new_page()
        page.goto(url + "/today")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        [worker] = context.service_workers
        # An open page sends the outbox too (and reloads after each sync): away from
        # it, every tap is timed through the worker's own request.
        page.goto("about:blank")
        times = [float(worker.evaluate(TAP, item)) for item in items]
        browser.close()
    if min(times) < 0:
        sys.exit("a tap on Kept did not store its act")
    times.sort()
    return times[len(times) // 2]


# ---------------------------------------------------------------- the run


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bridgework-bench-pwa-"))
    process, url = start_demo(scratch)
    try:
        session = sign_in(url, "alice@example.com")
        pages = screens(url, session)
        for name, (path, signed_in) in pages.items():
            kb = first_load(url, path, session if signed_in else None) / 1024
            figure(f"first_load_kb_{name}", f"{kb:.1f}")
        loaded = page_resources(url, "/today", session)
        figure("sw_install_kb", f"{sw_install(url, loaded) / 1024:.1f}")
        if CHROMIUM.exists():
            figure("notification_checkin_ms", f"{notification_checkin_ms(url):.1f}")
        else:
            figure("notification_checkin_ms", "skipped")

        why_not = tools_ready()
        if why_not:
            say(f"Lighthouse and axe skipped: {why_not}")
            for name in [*CATEGORIES.values(), "axe_violations"]:
                figure(name, "skipped")
            return
        worst: dict[str, int] = {}
        for name, (path, signed_in) in pages.items():
            if name == "settings":
                continue  # a form page like sign-in; four screens keep the run short
            say(f"Lighthouse on {name} ({path})")
            scores = lighthouse(url + path, session if signed_in else None, scratch)
            say(f"  {scores}")
            for category, score in scores.items():
                worst[category] = min(score, worst.get(category, 100))
        for category, name in CATEGORIES.items():
            figure(name, worst.get(category, "n/a"))
        figure("axe_violations", axe(url, pages, session))
    finally:
        stop(process)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
