"""Render the app icons' PNGs from their SVG sources with Chromium (no image library).

    .venv/bin/python -m server.pwa.render_icons

Sources: web/static/icons/icon.svg (a rounded tile, for "any") and maskable.svg
(full-bleed, the bridge inside the central 80 % circle a launcher's mask keeps).
The PNGs are committed; run this again after changing either SVG.
"""

from __future__ import annotations

from pathlib import Path

from server.web import STATIC_DIR

ICONS = STATIC_DIR / "icons"
CHROMIUM = "/usr/bin/chromium"
# (source, output, size in pixels)
RENDERS = [
    ("icon.svg", "icon-192.png", 192),
    ("icon.svg", "icon-512.png", 512),
    ("maskable.svg", "maskable-512.png", 512),
    # iOS rounds the corners itself and shows transparency as black: full bleed.
    ("maskable.svg", "apple-touch-icon.png", 180),
]


def render(source: Path, output: Path, size: int, page: object) -> None:
    svg = source.read_text().replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
    page.set_viewport_size({"width": size, "height": size})  # type: ignore[attr-defined]
    page.set_content(f"<body style='margin:0'>{svg}</body>")  # type: ignore[attr-defined]
    page.screenshot(path=str(output), omit_background=True)  # type: ignore[attr-defined]


def main() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page(device_scale_factor=1)
        for source, output, size in RENDERS:
            render(ICONS / source, ICONS / output, size, page)
            print(f"{output}: {size}x{size}")
        browser.close()


if __name__ == "__main__":
    main()
