"""Security headers on every kind of response, and templates the CSP can allow.

A stylesheet, a script a page loads, a PNG or the manifest is never a document, so it
carries only what a subresource needs (server/web.py, SUBRESOURCE_TYPES); everything
else, an SVG icon and the service worker's own script included, carries them all."""

from __future__ import annotations

import re
from typing import Any

from server.web import TEMPLATES_DIR


def policy(response: Any) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response.headers.get("content-security-policy", "").split(";"):
        if words := part.split():
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(response: Any) -> list[str]:
    problems = []
    csp = policy(response)
    script_src = csp.get("script-src", csp.get("default-src"))
    if script_src is None:
        problems.append("no script-src or default-src")
    elif "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
        problems.append(f"script-src allows inline code: {script_src}")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors is {csp.get('frame-ancestors')}")
    if csp.get("object-src") != ["'none'"]:
        problems.append(f"object-src is {csp.get('object-src')}")
    if response.headers.get("x-content-type-options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if response.headers.get("referrer-policy") not in (
        "same-origin",
        "no-referrer",
        "strict-origin",
    ):
        problems.append(f"Referrer-Policy is {response.headers.get('referrer-policy')!r}")
    if response.headers.get("x-frame-options") != "DENY":
        problems.append(f"X-Frame-Options is {response.headers.get('x-frame-options')!r}")
    return problems


def test_every_kind_of_response_carries_the_security_headers(bridge, alice, mallory, browser):
    stranger = browser("stranger")
    responses = {
        "a page": alice.get("/"),
        "a bridge page": alice.get(f"/bridges/{bridge}"),
        "the sign-in page": stranger.get("/signin"),
        "the landing page": stranger.get("/"),
        "a redirect to sign in": stranger.get("/today"),
        "a form's redirect": alice.post(f"/bridges/{bridge}/archive"),
        "a form with errors": stranger.post("/signup", {"email": "nope"}),
        "an API answer": alice.api("GET", "/me"),
        "an API 401": stranger.api("GET", "/me"),
        "an API 400": alice.api("POST", "/bridges", {"partner": "x"}),
        "the API schema": stranger.get("/api/v1/schema/openapi.json"),
        "an SVG icon": stranger.get("/static/icons/bridge.svg"),
        "the service worker": stranger.get("/sw.js"),
        "a missing static file": stranger.get("/static/no-such-file.css"),
        "an unknown page": alice.get("/no-such-page"),
        "an unknown API path": alice.api("GET", "/no-such-thing"),
        "someone else's bridge": mallory.get(f"/bridges/{bridge}"),
        "someone else's bridge in the API": mallory.api("GET", f"/bridges/{bridge}"),
        "a wrong method": alice.get("/signout"),
        "a request without its CSRF token": alice.client.post("/teams", data={"name": "x"}),
        "a dead invite link": stranger.get("/join/no-such-token"),
        "a dead invite link in the API": stranger.api("GET", "/invites/no-such-token"),
    }
    problems = [
        f"{what} ({response.status_code}): {problem}"
        for what, response in responses.items()
        for problem in header_problems(response)
    ]
    assert not problems, "\n".join(problems)
    statuses = {what: r.status_code for what, r in responses.items()}
    assert all(status < 500 for status in statuses.values()), statuses


DOCUMENT_ONLY = (
    "content-security-policy",
    "referrer-policy",
    "x-frame-options",
    "permissions-policy",
)


def test_a_stylesheet_a_script_an_image_and_the_manifest_carry_what_a_subresource_needs(
    browser,
):
    stranger = browser("stranger")
    for path in (
        "/static/app.css",
        "/static/js/outbox.js",
        "/static/icons/icon-192.png",
        "/manifest.webmanifest",
    ):
        response = stranger.get(path)
        assert response.status_code == 200, path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["content-type"], path
        assert response.headers["cache-control"], path
        assert [name for name in DOCUMENT_ONLY if name in response.headers] == [], path
        if path.startswith("/static/"):
            assert response.headers["etag"], path


def test_error_pages_for_unknown_paths_are_pages_and_json_like_the_rest(alice):
    page = alice.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Not found" in page.text
    api = alice.api("GET", "/no-such-thing")
    assert api.status_code == 404 and api.json()["detail"]


def test_the_session_cookie_cannot_be_read_by_scripts_or_sent_cross_site(browser):
    response = browser("alice").sign_up()
    cookie = next(
        value
        for key, value in response.headers.multi_items()
        if key == "set-cookie" and value.startswith("bw_session=")
    )
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Path=/" in cookie


TEMPLATES = sorted(TEMPLATES_DIR.rglob("*.html"))
# What the policy (script-src 'self'; style-src 'self') would block in a browser.
BLOCKED = {
    "an inline <script> without src": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "a style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "an inline event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_hold_nothing_the_content_security_policy_would_block():
    assert TEMPLATES, f"no templates found in {TEMPLATES_DIR}"
    found = [
        f"{path.relative_to(TEMPLATES_DIR)}:{number}: {what}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        for what, pattern in BLOCKED.items()
        if pattern.search(line)
    ]
    assert not found, "\n".join(found)


def test_the_scanner_would_catch_what_it_looks_for():
    samples = {
        "an inline <script> without src": "<script>alert(1)</script>",
        "a <style> element": "<style>p{}</style>",
        "a style= attribute": '<p style="color:red">',
        "an inline event handler": '<button onclick="go()">',
        "a javascript: URL": '<a href="javascript:go()">',
    }
    for what, sample in samples.items():
        assert BLOCKED[what].search(sample), what
    assert not BLOCKED["an inline <script> without src"].search('<script src="/static/a.js" defer>')
