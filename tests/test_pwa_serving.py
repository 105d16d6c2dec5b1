"""What the installable, offline app is served as: the worker, its app shell, the
manifest, the offline page, and compressed, long-cached static files."""

from __future__ import annotations

import gzip
import json
import re
from typing import Any

from server.pwa import shell

VERSIONED = re.compile(r"/static/[\w/.-]+\?v=[0-9a-f]{12}")


def shell_of(source: str) -> tuple[str, list[str], list[str]]:
    version = re.search(r'const SHELL_VERSION = "([0-9a-f]{12})";', source)
    urls = re.search(r"const SHELL_URLS = (\[.*?\]);", source)
    imports = re.search(r"const SHELL_IMPORTS = (\[.*?\]);", source)
    assert version and urls and imports, source[:500]
    return version.group(1), json.loads(urls.group(1)), json.loads(imports.group(1))


def test_the_service_worker_is_served_from_the_root_and_never_kept_stale(browser: Any) -> None:
    response = browser().get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/"
    # The push section and the offline section share the one worker.
    assert 'addEventListener("push"' in response.text
    assert 'addEventListener("fetch"' in response.text


def test_the_app_shell_lists_versioned_static_files_the_offline_page_and_the_manifest(
    browser: Any,
) -> None:
    person = browser()
    _, urls, imports = shell_of(person.get("/sw.js").text)
    static = [url for url in urls if url.startswith("/static/")]
    assert static and all(VERSIONED.fullmatch(url) for url in static)
    assert {"/offline", "/manifest.webmanifest"} <= set(urls)
    assert set(imports) <= set(urls)
    assert any(url.startswith("/static/app.css?v=") for url in urls)
    for url in urls:
        assert person.get(url).status_code == 200, url


def test_a_deploy_that_changes_a_static_file_changes_the_worker(monkeypatch: Any) -> None:
    before = shell.service_worker_source()
    assert shell.service_worker_source() == before  # the same deploy, the same bytes
    monkeypatch.setattr(shell, "static_url", lambda name: f"/static/{name}?v=0123456789ab")
    after = shell.service_worker_source()
    assert shell_of(after.decode())[0] != shell_of(before.decode())[0]


def test_the_manifest_makes_the_app_installable(browser: Any) -> None:
    response = browser().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/today"
    assert manifest["scope"] == "/"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes


def test_every_page_links_the_manifest_and_loads_the_offline_scripts(browser: Any) -> None:
    page = browser().get("/signin").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    for script in ("idb", "outbox", "sync-status", "sw-register", "install"):
        assert re.search(rf'<script src="/static/js/{script}\.js\?v=[0-9a-f]{{12}}" defer>', page)


def test_the_offline_page_is_the_same_for_everyone(alice: Any, browser: Any) -> None:
    signed_in = alice.get("/offline")
    signed_out = browser().get("/offline")
    assert signed_in.status_code == signed_out.status_code == 200
    assert "You're offline" in signed_in.text
    assert "alice" not in signed_in.text.lower()
    assert 'aria-label="Main"' not in signed_in.text  # no personal navigation


def test_pages_and_static_files_are_sent_compressed(alice: Any) -> None:
    gzip_please = {"Accept-Encoding": "gzip"}
    for path in ("/today", "/static/app.css"):
        response = alice.client.get(path, headers=gzip_please)
        assert response.status_code == 200
        assert response.headers["content-encoding"] == "gzip", path
        assert "Accept-Encoding" in response.headers["vary"]
    css = alice.client.get("/static/app.css", headers=gzip_please)
    assert css.headers["cache-control"] == "max-age=31536000, public"
    raw = alice.client.get("/static/app.css", headers={"Accept-Encoding": "identity"})
    assert len(gzip.compress(raw.content)) < len(raw.content) / 2
