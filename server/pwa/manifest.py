"""The web app manifest: what Chromium's install criteria and a home screen need."""

from __future__ import annotations

from typing import Any

from server.web import static_url

# The page's own colours (base.html's light theme-color), so the splash screen and the
# title bar match the app as it opens.
PAPER = "#faf6f0"


def manifest() -> dict[str, Any]:
    """The manifest, with versioned icon URLs (a new icon is a new URL)."""
    return {
        "id": "/today",
        "name": "Bridgework",
        "short_name": "Bridgework",
        "description": "Rebuild trust at work, one plank at a time.",
        "lang": "en",
        "start_url": "/today",
        "scope": "/",
        "display": "standalone",
        "background_color": PAPER,
        "theme_color": PAPER,
        "categories": ["productivity", "business"],
        "icons": [
            _icon("icons/icon-192.png", "192x192", "image/png", "any"),
            _icon("icons/icon-512.png", "512x512", "image/png", "any"),
            _icon("icons/maskable-512.png", "512x512", "image/png", "maskable"),
            _icon("icons/icon.svg", "any", "image/svg+xml", "any"),
        ],
    }


def _icon(name: str, sizes: str, kind: str, purpose: str) -> dict[str, str]:
    return {"src": static_url(name), "sizes": sizes, "type": kind, "purpose": purpose}
